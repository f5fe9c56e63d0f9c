// Python 3.11's random.Random against what CPython itself drew
// (../shared/conformance/trueskill/python-random.json): the raw MT19937 stream,
// random(), _randbelow, randint, sample, and round() on the values the opponent
// samplers round.

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <filesystem>
#include <string>

#include "core/python-float.hpp"
#include "scoring/python-random.hpp"
#include "tests/support/test-support.hpp"

namespace {

using json = nlohmann::json;

class python_random_conformance : public ::testing::Test {
  protected:
    void SetUp() override {
        const auto path = eqb::test::shared_dir() / "conformance" / "trueskill" / "python-random.json";
        if (!std::filesystem::exists(path)) {
            GTEST_SKIP() << "needs " << path;
        }
        doc_ = json::parse(eqb::test::read_file(path));
    }
    json doc_;
};

TEST_F(python_random_conformance, getrandbits32_stream_of_seed_42) {
    const auto& want = doc_["getrandbits32"]["42"];
    ASSERT_EQ(want.size(), 1000u);
    eqb::python_random rng(42);
    for (std::size_t i = 0; i < want.size(); ++i) {
        ASSERT_EQ(rng.getrandbits(32), want[i].get<std::uint64_t>()) << "draw " << i;
    }
}

TEST_F(python_random_conformance, random_floats_of_seed_42) {
    const auto& want = doc_["random_float_seed42"];
    ASSERT_FALSE(want.empty());
    eqb::python_random rng(42);
    for (const auto& value : want) {
        EXPECT_EQ(rng.random(), value.get<double>());
    }
}

TEST_F(python_random_conformance, randbelow_first_20_draws_per_bound) {
    const auto& table = doc_["randbelow_seed42_first20"];
    ASSERT_FALSE(table.empty());
    for (const auto& [bound, draws] : table.items()) {
        SCOPED_TRACE("n = " + bound);
        eqb::python_random rng(42);
        for (const auto& draw : draws) {
            EXPECT_EQ(rng.randbelow(std::stoull(bound)), draw.get<std::uint64_t>());
        }
    }
}

TEST_F(python_random_conformance, randint_first_20_draws_per_range) {
    const auto& table = doc_["randint_seed42_first20"];
    ASSERT_FALSE(table.empty());
    for (const auto& [range, draws] : table.items()) {
        SCOPED_TRACE("range " + range);
        const auto comma = range.find(',');
        const std::int64_t lo = std::stoll(range.substr(0, comma));
        const std::int64_t hi = std::stoll(range.substr(comma + 1));
        eqb::python_random rng(42);
        for (const auto& draw : draws) {
            EXPECT_EQ(rng.randint(lo, hi), draw.get<std::int64_t>());
        }
    }
}

TEST_F(python_random_conformance, eqbench3_first_jitter_draw_of_a_fresh_generator) {
    const auto& rows = doc_["eqbench3_stage1_jitter"];
    ASSERT_FALSE(rows.empty());
    for (const auto& row : rows) {
        eqb::python_random rng(42);
        EXPECT_EQ(rng.randint(row[2].get<std::int64_t>(), row[3].get<std::int64_t>()), row[4].get<std::int64_t>())
            << "ladder " << row[0];
    }
}

TEST_F(python_random_conformance, eqbench3_jitter_stream_of_one_process) {
    const auto& rows = doc_["eqbench3_stage1_stream"];
    ASSERT_FALSE(rows.empty());
    eqb::python_random rng(42);
    for (const auto& row : rows) {
        EXPECT_EQ(rng.randint(row[1].get<std::int64_t>(), row[2].get<std::int64_t>()), row[3].get<std::int64_t>())
            << "ladder " << row[0];
    }
}

TEST_F(python_random_conformance, sample_pool_and_set_methods) {
    const auto& cases = doc_["sample_seed42"];
    ASSERT_FALSE(cases.empty());
    bool set_method_seen = false;
    for (const auto& c : cases) {
        const auto population = c["population"].get<std::string>();  // "list(range(N))"
        const auto open = population.find("range(") + 6;
        const std::size_t n = std::stoul(population.substr(open, population.find(')') - open));
        const auto k = c["k"].get<std::size_t>();
        set_method_seen = set_method_seen || n > 21 + 64;  // k = 10: setsize 21 + 4 ** 3
        SCOPED_TRACE(population + " k " + std::to_string(k));
        eqb::python_random rng(42);
        for (const auto& call : c["first_three_calls"]) {
            EXPECT_EQ(rng.sample(n, k), call.get<std::vector<std::size_t>>());
        }
    }
    EXPECT_FALSE(set_method_seen) << "a set-method case: check the threshold above";
}

TEST_F(python_random_conformance, round_half_even_on_the_sampler_products) {
    int rows = 0;
    for (const char* table : {"round_exact_halves", "round_near_halves"}) {
        for (const auto& row : doc_[table]) {
            const auto len = row[0].get<int>();
            const auto k = row[1].get<int>();
            const auto i = row[2].get<int>();
            const double step = static_cast<double>(len - 1) / static_cast<double>(k - 1);
            const double product = static_cast<double>(i) * step;
            EXPECT_EQ(product, row[3].get<double>()) << table << " " << row;
            EXPECT_EQ(static_cast<std::int64_t>(eqb::python_round(product, 0)), row[4].get<std::int64_t>())
                << table << " " << row;
            ++rows;
        }
    }
    for (const auto& row : doc_["round_plain"]) {
        EXPECT_EQ(static_cast<std::int64_t>(eqb::python_round(row[0].get<double>(), 0)), row[1].get<std::int64_t>())
            << row;
        ++rows;
    }
    EXPECT_GT(rows, 400);
}

// Expected values below were drawn by CPython 3.11.2 itself (random.Random).
TEST(python_random, set_method_of_sample_as_cpython) {
    eqb::python_random rng(42);
    EXPECT_EQ(rng.sample(200, 10), (std::vector<std::size_t>{163, 28, 6, 189, 70, 62, 57, 35, 188, 26}));
    EXPECT_EQ(rng.sample(30, 3), (std::vector<std::size_t>{21, 23, 28}));  // k <= 5: set method above n = 21
}

TEST(python_random, choices_of_seed_0_as_cpython) {
    eqb::python_random rng(0);
    EXPECT_EQ(rng.choices(7, 12), (std::vector<std::size_t>{5, 5, 2, 1, 3, 2, 5, 2, 3, 4, 6, 3}));
}

TEST(python_random, seeds_over_several_words_and_wide_getrandbits_as_cpython) {
    EXPECT_EQ(eqb::python_random(0).getrandbits(32), 3626764237u);
    EXPECT_EQ(eqb::python_random((std::uint64_t{1} << 32U) + 1).getrandbits(32), 991850117u);
    EXPECT_EQ(eqb::python_random((std::uint64_t{1} << 40U) + 5).getrandbits(64), 9535518150286577956u);
}

}  // namespace
