// Revision-instruction removal (SPEC section 2): byte-exact on small synthetic
// prompts, byte-identical to the reference's str.replace / str.find slicing on
// the en and de question sets, and structurally checked on all 171 questions
// of en, de, ja and jahalf.

#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/prompt.hpp"
#include "lang/language-pack.hpp"
#include "tests/support/test-support.hpp"

namespace {

using json = nlohmann::json;

const eqb::language_pack& pack(const std::string& code) {
    static std::map<std::string, eqb::language_pack> packs;
    auto it = packs.find(code);
    if (it == packs.end()) {
        auto loaded = eqb::language_pack_builtin(code);
        if (!loaded) {
            throw std::runtime_error(loaded.err().message);
        }
        it = packs.emplace(code, std::move(*loaded)).first;
    }
    return it->second;
}

// ---- synthetic prompts, expected outputs written by hand ----

TEST(prompt_remove_revision, en_synthetic_is_byte_exact) {
    const std::string prompt =
        "Predict the emotions of a character in this dialogue:\n\n"
        "Ada: The bridge is closed.\n"
        "Bo: Then we wait.\n"
        "[End dialogue]\n\n"
        "At the end of this dialogue, Ada would feel...\n"
        "Calm\nAngry\n\n"
        "Score each emotion from 0-10. Then critique your answer by thinking it through step by step. "
        "Finally, give your revised scores.\n\n"
        "Format:\n\n"
        "First pass scores:\n"
        "Calm: <score>\nAngry: <score>\n\n"
        "Critique: <your critique here>\n\n"
        "Revised scores:\n"
        "Calm: <revised score>\nAngry: <revised score>\n\n"
        "[End of answer]\n\n"
        "Zero is a valid score.\n";
    const std::string expected =
        "Predict the emotions of a character in this dialogue:\n\n"
        "Ada: The bridge is closed.\n"
        "Bo: Then we wait.\n"
        "[End dialogue]\n\n"
        "At the end of this dialogue, Ada would feel...\n"
        "Calm\nAngry\n\n"
        "Score each emotion from 0-10.\n\n"
        "Format:\n\n"
        "Calm: <score>\nAngry: <score>\n\n"
        "\n"
        "[End of answer]\n\n"
        "Zero is a valid score.\n"
        "\nYour answer:\n";
    const auto out = eqb::prompt_remove_revision(prompt, pack("en"));
    EXPECT_TRUE(out.complete);
    EXPECT_EQ(out.variant, "english instructions");
    EXPECT_TRUE(out.missing.empty());
    EXPECT_EQ(out.text, expected);
}

TEST(prompt_remove_revision, en_deletes_every_occurrence_like_str_replace) {
    const std::string prompt =
        "A\nFirst pass scores:\nFirst pass scores:\nX: <score>\n\nCritique: <your critique here>\nR\n[End of answer]\n";
    const auto out = eqb::prompt_remove_revision(prompt, pack("en"));
    // The instruction sentence is absent: the first rule is required.
    EXPECT_FALSE(out.complete);
    EXPECT_EQ(out.text, prompt);

    const std::string with_sentence =
        "A. Then critique your answer by thinking it through step by step. Finally, give your revised scores.\n" +
        prompt;
    const auto rewritten = eqb::prompt_remove_revision(with_sentence, pack("en"));
    EXPECT_TRUE(rewritten.complete);
    EXPECT_EQ(rewritten.text, "A.\nA\nX: <score>\n\n\n[End of answer]\n\nYour answer:\n");
}

TEST(prompt_remove_revision, de_synthetic_is_byte_exact) {
    const std::string prompt =
        "Sagen Sie die Gefühle voraus:\n\n"
        "Ada: Die Brücke ist gesperrt.\n"
        "Bo: Dann warten wir.\n"
        "[Ende des Dialogs]\n\n"
        "Am Ende dieses Dialogs würde Ada sich fühlen...\n"
        "Ruhig\nWütend\n\n"
        "Geben Sie jeder dieser möglichen Emotionen eine Punktzahl. Kritisieren Sie dann Ihre Antwort.\n\n"
        "Format:\n\n"
        "Erste Bewertung:\n"
        "Ruhig: <Punktzahl>\nWütend: <Punktzahl>\n\n"
        "Kritik: <Ihre Kritik hier>\n\n"
        "Überarbeitete Bewertung:\n"
        "Ruhig: <überarbeitete Punktzahl>\nWütend: <überarbeitete Punktzahl>\n\n"
        "[Ende der Antwort]\n\n"
        "Null ist gültig.\n";
    const std::string expected =
        "Sagen Sie die Gefühle voraus:\n\n"
        "Ada: Die Brücke ist gesperrt.\n"
        "Bo: Dann warten wir.\n"
        "[Ende des Dialogs]\n\n"
        "Am Ende dieses Dialogs würde Ada sich fühlen...\n"
        "Ruhig\nWütend\n\n"
        "Geben Sie jeder dieser möglichen Emotionen eine Punktzahl von 0-10 für die relative Intensität, "
        "die sie wahrscheinlich fühlen werden.\n\n"
        "Format:\n\n"
        "Ruhig: <Punktzahl>\nWütend: <Punktzahl>\n\n"
        "\n"
        "[Ende der Antwort]\n\n"
        "Null ist gültig.\n"
        "\nIhre Antwort:\n";
    const auto out = eqb::prompt_remove_revision(prompt, pack("de"));
    EXPECT_TRUE(out.complete);
    EXPECT_EQ(out.text, expected);
}

TEST(prompt_remove_revision, ja_synthetic_variant_wording_is_byte_exact) {
    // Full-width colon and trailing space on the heading, a 検証 critique line,
    // and その後 in the dialogue, which must stay.
    const std::string prompt =
        "対話を読んでください:\n\n"
        "アダ: 橋が閉鎖されている。\n"
        "ボー: その後、見直そう。\n"
        "[対話終了]\n\n"
        "この対話の終わりで、アダは...\n"
        "穏やか\n怒り\n\n"
        "それぞれを0-10で採点してください。その後、自分の回答を見直して、最後に修正した得点を示してください。\n\n"
        "以下の形式で出力してください: \n\n"
        "第一段階の採点： \n"
        "穏やか: <得点>\n怒り: <得点>\n\n"
        "検証: <あなたの検証をここに>\n\n"
        "修正後の得点: \n"
        "穏やか: <修正後の得点>\n怒り: <修正後の得点>\n\n"
        "[回答終了]\n\n"
        "注意: 0は有効な得点です。\n";
    const std::string expected =
        "対話を読んでください:\n\n"
        "アダ: 橋が閉鎖されている。\n"
        "ボー: その後、見直そう。\n"
        "[対話終了]\n\n"
        "この対話の終わりで、アダは...\n"
        "穏やか\n怒り\n\n"
        "それぞれを0-10で採点してください。\n\n"
        "以下の形式で出力してください: \n\n"
        "穏やか: <得点>\n怒り: <得点>\n\n"
        "\n"
        "[回答終了]\n\n"
        "注意: 0は有効な得点です。\n"
        "\nあなたの回答:\n";
    const auto out = eqb::prompt_remove_revision(prompt, pack("ja"));
    EXPECT_TRUE(out.complete) << (out.missing.empty() ? "" : out.missing.front());
    EXPECT_EQ(out.text, expected);

    // jahalf tries its English variant first, then the Japanese one.
    const auto half = eqb::prompt_remove_revision(prompt, pack("jahalf"));
    EXPECT_TRUE(half.complete);
    EXPECT_EQ(half.variant, "japanese instructions");
    EXPECT_EQ(half.text, expected);
}

TEST(prompt_remove_revision, missing_marker_returns_the_prompt_whole_and_names_the_rule) {
    const std::string prompt =
        "Calm\n\nScore it. Then critique your answer by thinking it through step by step. Finally, give your revised "
        "scores.\n\nFirst pass scores:\nCalm: <score>\n\nRevised scores:\nCalm: <revised score>\n\n[End of answer]\n";
    const auto out = eqb::prompt_remove_revision(prompt, pack("en"));
    EXPECT_FALSE(out.complete);
    EXPECT_EQ(out.text, prompt);
    EXPECT_TRUE(out.variant.empty());
    ASSERT_EQ(out.missing.size(), 1u);
    EXPECT_NE(out.missing[0].find("english instructions: rule 3 (cut_between)"), std::string::npos) << out.missing[0];
    EXPECT_NE(out.missing[0].find("not found"), std::string::npos) << out.missing[0];

    // An end marker before the start marker does not count: it must follow it.
    const std::string reversed =
        "x. Then critique your answer by thinking it through step by step. Finally, give your revised scores.\n"
        "First pass scores:\n[End of answer]\nCritique: <your critique here>\n";
    const auto rev = eqb::prompt_remove_revision(reversed, pack("en"));
    EXPECT_FALSE(rev.complete);
    ASSERT_EQ(rev.missing.size(), 1u);
    EXPECT_NE(rev.missing[0].find("rule 3 (cut_between)"), std::string::npos) << rev.missing[0];
}

TEST(prompt_remove_revision, optional_rules_pattern_groups_and_empty_packs) {
    eqb::language_pack custom;
    custom.code = "xx";
    eqb::prompt_rule optional_rule;
    optional_rule.type = eqb::prompt_rule::kind::DELETE;
    optional_rule.markers = {{eqb::prompt_marker::syntax::TEXT, "absent"}};
    optional_rule.required = false;
    eqb::prompt_rule grouped;
    grouped.type = eqb::prompt_rule::kind::DELETE;
    // Only group 1 is deleted; "b" is context. "x*" alone matches empty and never counts.
    grouped.markers = {{eqb::prompt_marker::syntax::PATTERN, "(a+)b"}, {eqb::prompt_marker::syntax::PATTERN, "x*"}};
    eqb::prompt_rule cue;
    cue.type = eqb::prompt_rule::kind::APPEND;
    cue.replacement = "!";
    custom.prompt_variants = {{"only", {optional_rule, grouped, cue}}};
    EXPECT_FALSE(eqb::prompt_rule_check(grouped).has_value());

    const auto out = eqb::prompt_remove_revision("aab ab a xx", custom);
    EXPECT_TRUE(out.complete);
    EXPECT_EQ(out.text, "b b a !");

    const eqb::language_pack empty;
    const auto none = eqb::prompt_remove_revision("text", empty);
    EXPECT_FALSE(none.complete);
    EXPECT_EQ(none.text, "text");
    EXPECT_EQ(none.missing.size(), 1u);
}

TEST(prompt_rule_check, names_the_field) {
    eqb::prompt_rule cut;
    cut.type = eqb::prompt_rule::kind::CUT_BETWEEN;
    cut.markers = {{eqb::prompt_marker::syntax::TEXT, "a"}};
    auto err = eqb::prompt_rule_check(cut);
    ASSERT_TRUE(err.has_value());
    EXPECT_EQ(err->message.rfind("until", 0), 0u) << err->message;

    eqb::prompt_rule bad;
    bad.type = eqb::prompt_rule::kind::DELETE;
    bad.markers = {{eqb::prompt_marker::syntax::PATTERN, "(unclosed"}};
    err = eqb::prompt_rule_check(bad);
    ASSERT_TRUE(err.has_value());
    EXPECT_NE(err->message.find("invalid pattern '(unclosed'"), std::string::npos) << err->message;

    eqb::prompt_rule empty_marker;
    empty_marker.type = eqb::prompt_rule::kind::DELETE;
    empty_marker.markers = {{eqb::prompt_marker::syntax::TEXT, ""}};
    EXPECT_TRUE(eqb::prompt_rule_check(empty_marker).has_value());
}

// ---- the reference's own code on the real question sets ----

struct question_text {
    std::string id;
    std::string prompt;
    std::vector<std::string> emotions;  // reference_answer_fullscale.emotion1..4
};

std::vector<question_text> questions_read(const std::string& file) {
    const json doc = json::parse(eqb::test::read_file(eqb::test::data_dir() / file));
    std::vector<question_text> out;
    for (const auto& [id, q] : doc.items()) {
        question_text t{id, q.at("prompt").get<std::string>(), {}};
        for (int i = 1; i <= 4; ++i) {
            t.emotions.push_back(
                q.at("reference_answer_fullscale").at("emotion" + std::to_string(i)).get<std::string>());
        }
        out.push_back(std::move(t));
    }
    return out;
}

void python_replace(std::string& text, const std::string& from, const std::string& to) {
    std::string out;
    std::size_t pos = 0;
    for (auto found = text.find(from); found != std::string::npos; found = text.find(from, pos)) {
        out.append(text, pos, found - pos);
        out += to;
        pos = found + from.size();
    }
    out.append(text, pos);
    text = std::move(out);
}

// remove_revision_instructions() of the reference pipeline, line by line
// (str.replace, then prompt[:find(a)] + '\n' + prompt[find(b):]).
std::string reference_rewrite(std::string p, const std::string& code) {
    const auto cut = [&p](const std::string& from, const std::string& to) {
        const auto a = p.find(from);
        const auto b = p.find(to);
        if (a == std::string::npos || b == std::string::npos) {
            throw std::runtime_error("marker missing: " + from + " / " + to);
        }
        p = p.substr(0, a) + "\n" + p.substr(b);
    };
    if (code == "en") {
        python_replace(p,
                       " Then critique your answer by thinking it through step by step. Finally, give your revised "
                       "scores.",
                       "");
        python_replace(p, "First pass scores:\n", "");
        cut("Critique: <your critique here>", "[End of answer]");
        return p + "\nYour answer:\n";
    }
    const std::string head = "Geben Sie jeder dieser möglichen Emotionen";
    const auto start = p.find(head);
    if (start == std::string::npos) {
        throw std::runtime_error("marker missing: " + head);
    }
    const auto end = p.find('\n', start);
    p = p.substr(0, start) +
        "Geben Sie jeder dieser möglichen Emotionen eine Punktzahl von 0-10 für die relative Intensität, die sie "
        "wahrscheinlich fühlen werden." +
        p.substr(end);
    python_replace(p, "Erste Bewertung:\n", "");
    cut("Kritik: <Ihre Kritik hier>", "[Ende der Antwort]");
    return p + "\nIhre Antwort:\n";
}

class reference_identical : public ::testing::TestWithParam<std::string> {};

TEST_P(reference_identical, all_171_prompts_byte_for_byte) {
    const std::string code = GetParam();
    EQB_SKIP_UNLESS_DATA(pack(code).question_file);
    const auto questions = questions_read(pack(code).question_file);
    ASSERT_EQ(questions.size(), 171u);
    std::vector<std::string> differing;
    for (const auto& q : questions) {
        const auto out = eqb::prompt_remove_revision(q.prompt, pack(code));
        if (!out.complete || out.text != reference_rewrite(q.prompt, code)) {
            differing.push_back(q.id);
        }
    }
    EXPECT_TRUE(differing.empty()) << "questions differing from the reference: " << ::testing::PrintToString(differing);
}

INSTANTIATE_TEST_SUITE_P(languages, reference_identical, ::testing::Values("en", "de"));

// ---- structure after rewriting, on every question of every language ----

// What must be gone and what must stay, by the wording the rewrite recognised.
struct wording_expectation {
    std::vector<std::string> gone;  // nowhere after the emotion listing
    std::string kept;               // the answer-end marker, still there
    std::string cue;                // the prompt ends with it
};

const std::map<std::string, wording_expectation>& expectations() {
    static const std::map<std::string, wording_expectation> table = {
        {"english instructions",
         {{"critique", "Critique", "revised", "Revised", "First pass scores", "step by step"},
          "[End of answer]",
          "\nYour answer:\n"}},
        {"german instructions",
         {{"Kritik", "Kritisieren", "Überarbeitete", "überarbeitete", "Erste Bewertung", "Geben Sie schließlich",
           "Schritt für Schritt"},
          "[Ende der Antwort]",
          "\nIhre Antwort:\n"}},
        {"japanese instructions",
         {{"その後", "批評", "検討", "検証", "修正", "最終", "再評価", "最初の", "第一回", "第一段階", "初回",
           "段階的"},
          "[回答終了]",
          "\nあなたの回答:\n"}},
    };
    return table;
}

// A line as a heading: trimmed, without one trailing ':' or '：'.
std::string heading_of(std::string line) {
    const auto trim = [](std::string& s) {
        const std::string spaces = " \t";
        const std::string ideographic = "\xe3\x80\x80";
        bool changed = true;
        while (changed) {
            changed = false;
            if (!s.empty() && spaces.find(s.back()) != std::string::npos) {
                s.pop_back();
                changed = true;
            } else if (s.size() >= 3 && s.compare(s.size() - 3, 3, ideographic) == 0) {
                s.resize(s.size() - 3);
                changed = true;
            }
        }
        while (!s.empty() && spaces.find(s.front()) != std::string::npos) {
            s.erase(0, 1);
        }
    };
    trim(line);
    if (!line.empty() && line.back() == ':') {
        line.pop_back();
    } else if (line.size() >= 3 && line.compare(line.size() - 3, 3, "\xef\xbc\x9a") == 0) {
        line.resize(line.size() - 3);
    }
    trim(line);
    return line;
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    std::size_t pos = 0;
    while (pos <= text.size()) {
        const auto end = text.find('\n', pos);
        out.push_back(text.substr(pos, end == std::string::npos ? std::string::npos : end - pos));
        if (end == std::string::npos) {
            break;
        }
        pos = end + 1;
    }
    return out;
}

// Every problem found in one rewritten question, as "id: what".
std::vector<std::string> structure_problems(const question_text& q, const eqb::prompt_rewrite_result& out,
                                            const eqb::language_pack& p) {
    std::vector<std::string> problems;
    const auto add = [&](const std::string& what) { problems.push_back(q.id + ": " + what); };
    const auto rule = expectations().find(out.variant);
    if (rule == expectations().end()) {
        add("no expectations for variant '" + out.variant + "'");
        return problems;
    }
    const auto& expect = rule->second;
    std::string listing = "\n";
    for (const auto& e : q.emotions) {
        listing += e + "\n";
    }
    const auto listing_at = out.text.find(listing);
    if (listing_at == std::string::npos) {
        add("the four-emotion listing is gone");
        return problems;
    }
    const auto tail_at = listing_at + listing.size();
    // Dialogue, name line and listing are untouched.
    if (out.text.compare(0, tail_at, q.prompt, 0, tail_at) != 0) {
        add("the text before the instructions changed");
    }
    const std::string tail = out.text.substr(tail_at);
    for (const auto& word : expect.gone) {
        if (tail.find(word) != std::string::npos) {
            add("'" + word + "' remains");
        }
    }
    if (tail.find(expect.kept) == std::string::npos) {
        add("'" + expect.kept + "' was cut");
    }
    const bool cue_at_end = out.text.size() >= expect.cue.size() &&
                            out.text.compare(out.text.size() - expect.cue.size(), expect.cue.size(), expect.cue) == 0;
    if (!cue_at_end) {
        add("the answer cue is not at the end");
    }
    const auto lines = lines_of(tail);
    std::set<std::string> headings(p.first_pass_headings.begin(), p.first_pass_headings.end());
    headings.insert(p.revised_headings.begin(), p.revised_headings.end());
    for (const auto& line : lines) {
        if (headings.count(heading_of(line)) != 0) {
            add("heading line '" + line + "' remains");
        }
    }
    // The first answer template stays: one "Emotion: <...>" line per emotion.
    for (const auto& e : q.emotions) {
        int templates = 0;
        for (const auto& line : lines) {
            const auto rest = line.rfind(e, 0) == 0 ? line.substr(e.size()) : std::string();
            const auto colon = rest.rfind(":", 0) == 0 ? 1u : rest.rfind("\xef\xbc\x9a", 0) == 0 ? 3u : 0u;
            if (colon != 0 && rest.find('<', colon) != std::string::npos) {
                ++templates;
            }
        }
        if (templates != 1) {
            add(std::to_string(templates) + " answer-template lines for '" + e + "'");
        }
    }
    return problems;
}

class every_question : public ::testing::TestWithParam<std::string> {};

TEST_P(every_question, markers_found_and_structure_kept) {
    const std::string code = GetParam();
    const auto& p = pack(code);
    EQB_SKIP_UNLESS_DATA(p.question_file);
    const auto questions = questions_read(p.question_file);
    ASSERT_EQ(questions.size(), 171u);
    std::vector<std::string> sent_whole;
    std::map<std::string, std::vector<std::string>> by_variant;
    std::vector<std::string> problems;
    for (const auto& q : questions) {
        const auto out = eqb::prompt_remove_revision(q.prompt, p);
        if (!out.complete) {
            sent_whole.push_back(q.id);
            EXPECT_EQ(out.text, q.prompt);
            continue;
        }
        by_variant[out.variant].push_back(q.id);
        const auto found = structure_problems(q, out, p);
        problems.insert(problems.end(), found.begin(), found.end());
    }
    EXPECT_EQ(sent_whole, std::vector<std::string>{}) << "questions whose markers were not found";
    std::string listed;
    for (const auto& problem : problems) {
        listed += problem + "\n";
    }
    EXPECT_TRUE(problems.empty()) << listed;
    if (code == "jahalf") {
        // jahalf question 171 is translated whole, instructions included: the
        // Japanese variant handles it; every other question is English.
        ASSERT_EQ(by_variant.size(), 2u);
        EXPECT_EQ(by_variant["japanese instructions"], std::vector<std::string>{"171"});
        EXPECT_EQ(by_variant["english instructions"].size(), 170u);
    } else {
        ASSERT_EQ(by_variant.size(), 1u);
        EXPECT_EQ(by_variant.begin()->second.size(), 171u);
    }
}

INSTANTIATE_TEST_SUITE_P(languages, every_question, ::testing::Values("en", "de", "ja", "jahalf"));

}  // namespace
