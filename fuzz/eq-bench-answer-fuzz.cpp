// Fuzzes the EQ-Bench answer parsers (every shipped language pack, reference
// and extended, revision on and off) and the scorers on what they return.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "core/unicode.hpp"
#include "lang/language-pack.hpp"
#include "parse/eq-bench-answer.hpp"
#include "scoring/eq-bench.hpp"

namespace {

struct parsers {
    std::vector<std::unique_ptr<const eqb::eq_bench_parser>> all;
    // Reference parsers on the regex engine, to check the hand-written fast path against.
    std::vector<std::pair<std::size_t, std::unique_ptr<const eqb::eq_bench_parser>>> regex;
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
            auto slow = eqb::eq_bench_parser::create(*pack, eqb::parser_kind::REFERENCE, false);
            if (!slow) {
                __builtin_trap();
            }
            regex.emplace_back(all.size() - 2, std::move(*slow));
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
    // JSON strings are always valid UTF-8; there the fast path must equal the regex.
    if (eqb::utf8_valid(text)) {
        for (const auto& [index, slow] : p.regex) {
            for (const bool revise : {false, true}) {
                const auto a = p.all[index]->parse(text, revise, nullptr);
                const auto b = slow->parse(text, revise, nullptr);
                for (const auto part : {&eqb::parsed_answer::first_pass, &eqb::parsed_answer::revised}) {
                    const auto& x = (a.*part).items();
                    const auto& y = (b.*part).items();
                    if (x.size() != y.size()) {
                        __builtin_trap();
                    }
                    for (std::size_t i = 0; i < x.size(); ++i) {
                        if (x[i].name != y[i].name || x[i].text != y[i].text) {
                            __builtin_trap();
                        }
                    }
                }
            }
        }
    }
    return 0;
}
