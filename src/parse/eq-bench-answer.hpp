#pragma once
// Reading a model's EQ-Bench answer into emotion -> score pairs (SPEC section 4).

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/answer.hpp"
#include "core/language.hpp"
#include "core/question.hpp"
#include "core/result.hpp"

namespace eqb {

enum class parser_kind {
    REFERENCE,  // bit-for-bit the reference pipeline's reading (default)
    EXTENDED,   // a lenient reading (decimals, Name:5, markdown, full-width forms,
                // the pack's headings, multi-word names) where it yields the four
                // expected emotions, else the reference's reading
};

// Parses "reference" or "extended"; nullopt otherwise.
std::optional<parser_kind> parser_kind_from_string(std::string_view name);
std::string_view parser_kind_name(parser_kind kind);

// A parser compiled for one language pack. Immutable after creation, so one
// instance may be shared by any number of threads.
class eq_bench_parser {
  public:
    // Compiles the pack's patterns; an error names the pack and the field.
    // The reference patterns of the shipped packs are matched by hand (same
    // results, faster); `allow_fast_path = false` forces the regex engine, for
    // tests that prove the two agree.
    static result<std::unique_ptr<const eq_bench_parser>> create(const language_pack& pack, parser_kind kind,
                                                                 bool allow_fast_path = true);
    ~eq_bench_parser();
    eq_bench_parser(const eq_bench_parser&) = delete;
    eq_bench_parser& operator=(const eq_bench_parser&) = delete;

    // Parses `text`. `expected` (the question's reference emotions) is used
    // only by the extended parser, to decide whether the reference reading
    // suffices and to match multi-word names; it may be null.
    parsed_answer parse(std::string_view text, bool revise, const emotion_reference* expected) const;

    parser_kind kind() const;

  private:
    struct impl;
    explicit eq_bench_parser(std::unique_ptr<impl> p);
    std::unique_ptr<impl> impl_;
};

}  // namespace eqb
