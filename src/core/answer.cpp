#include "core/answer.hpp"

namespace eqb {

void emotion_pairs::set(score_pair pair) {
    for (auto& item : items_) {
        if (item.name == pair.name) {
            item.text = std::move(pair.text);
            item.value = pair.value;
            return;
        }
    }
    items_.push_back(std::move(pair));
}

}  // namespace eqb
