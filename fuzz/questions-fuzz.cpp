// Fuzzes the question-file loader (v1/v2 question sets, any language).

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "data/questions.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    auto set = eqb::questions_parse(bytes, "fuzz-input.json");
    if (set.ok() && set->questions.empty()) {
        __builtin_trap();  // a loaded set always has questions
    }
    return 0;
}
