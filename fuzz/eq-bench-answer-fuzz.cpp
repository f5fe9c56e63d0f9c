// Fuzzes the EQ-Bench answer parsers (every shipped language pack, reference
// and extended, revision on and off) and the scorers on what they return.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "lang/language-pack.hpp"
#include "parse/eq-bench-answer.hpp"
#include "scoring/eq-bench.hpp"

namespace {

struct parsers {
    std::vector<std::unique_ptr<const eqb::eq_bench_parser>> all;
    parsers() {
        for (const auto& code : eqb::language_pack_builtin_codes()) {
            auto pack = eqb::language_pack_builtin(code);
            if (!pack) {
                __builtin_trap();
            }
            for (const auto kind : {eqb::parser_kind::REFERENCE, eqb::parser_kind::EXTENDED}) {
                auto parser = eqb::eq_bench_parser::create(*pack, kind);
                if (!parser) {
                    __builtin_trap();
                }
                all.push_back(std::move(*parser));
            }
        }
    }
};

eqb::emotion_reference make_reference() {
    eqb::emotion_reference ref;
    ref.names = {"Remorseful", "Indifferent", "Affectionate", "Annoyed"};
    ref.scores = {2, 6, 0, 7};
    return ref;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const parsers p;
    static const eqb::emotion_reference ref = make_reference();
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    for (const auto& parser : p.all) {
        for (const bool revise : {false, true}) {
            const auto answer = parser->parse(text, revise, &ref);
            const auto score = eqb::score_eq_bench_question(answer, revise, ref, &ref, eqb::v2_scorer::V2_4);
            if (score.first_pass && !(*score.first_pass <= 10.0)) {
                __builtin_trap();  // a score above 10 (or NaN) is impossible
            }
            (void)eqb::score_eq_bench_v1(ref, answer.first_pass);
            (void)eqb::score_eq_bench_v2(ref, answer.revised, eqb::v2_scorer::LEGACY);
        }
    }
    return 0;
}
