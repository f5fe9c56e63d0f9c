// Fuzzes the language-pack loader and, for packs that load, prompt rewriting
// and parser creation with the pack's own patterns.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/prompt.hpp"
#include "lang/language-pack.hpp"
#include "parse/eq-bench-answer.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    auto pack = eqb::language_pack_parse(bytes, "fuzz-pack.json");
    if (!pack) {
        return 0;
    }
    const std::string prompt =
        "Your task:\n\nA: hello\n[End dialogue]\n\nFirst pass scores:\nAngry: <score>\n\nCritique: <your critique "
        "here>\n\nRevised scores:\nAngry: <revised score>\n\n[End of answer]\n";
    (void)eqb::prompt_remove_revision(prompt, *pack);
    auto parser = eqb::eq_bench_parser::create(*pack, eqb::parser_kind::EXTENDED);
    if (parser) {
        eqb::emotion_reference ref;
        ref.names = {"Angry", "Sad", "Calm", "Glad"};
        (void)(*parser)->parse("Angry: 3\nSad: 1\nCalm: 0\nGlad: 2", true, &ref);
    }
    return 0;
}
