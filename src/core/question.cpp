#include "core/question.hpp"

namespace eqb {

const question* question_set::find(const std::string& id) const {
    for (const auto& q : questions) {
        if (q.id == id) {
            return &q;
        }
    }
    return nullptr;
}

}  // namespace eqb
