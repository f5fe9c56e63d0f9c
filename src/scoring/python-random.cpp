#include "scoring/python-random.hpp"

#include <algorithm>
#include <cmath>
#include <unordered_set>

namespace eqb {

namespace {

constexpr std::size_t mt_shift = 397;  // MT19937's M
constexpr std::uint32_t mt_matrix_a = 0x9908b0dfU;
constexpr std::uint32_t mt_upper_mask = 0x80000000U;
constexpr std::uint32_t mt_lower_mask = 0x7fffffffU;
constexpr std::uint32_t mt_init_multiplier = 1812433253U;
constexpr std::uint32_t mt_array_seed = 19650218U;
constexpr std::uint32_t mt_array_multiplier_1 = 1664525U;
constexpr std::uint32_t mt_array_multiplier_2 = 1566083941U;
constexpr int word_bits = 32;
constexpr double two_pow_26 = 67108864.0;
constexpr double two_pow_minus_53 = 1.0 / 9007199254740992.0;
// random.sample: the size of a small set minus that of an empty list, and the
// smallest k for which the set's table grows (CPython's Lib/random.py).
constexpr std::size_t sample_small_setsize = 21;
constexpr std::size_t sample_big_set_k = 5;
constexpr double sample_set_base = 4.0;

int bit_length(std::uint64_t n) {
    int bits = 0;
    while (n != 0) {
        ++bits;
        n >>= 1U;
    }
    return bits;
}

}  // namespace

python_random::python_random(std::uint64_t seed) {
    std::vector<std::uint32_t> key;
    do {
        key.push_back(static_cast<std::uint32_t>(seed & 0xffffffffU));
        seed >>= static_cast<unsigned>(word_bits);
    } while (seed != 0);
    init_by_array(key);
}

void python_random::init_genrand(std::uint32_t s) {
    state_[0] = s;
    for (std::size_t i = 1; i < state_size; ++i) {
        const std::uint32_t prev = state_[i - 1];
        state_[i] = mt_init_multiplier * (prev ^ (prev >> 30U)) + static_cast<std::uint32_t>(i);
    }
    index_ = state_size;
}

void python_random::init_by_array(const std::vector<std::uint32_t>& key) {
    init_genrand(mt_array_seed);
    std::size_t i = 1;
    std::size_t j = 0;
    for (std::size_t k = std::max(state_size, key.size()); k > 0; --k) {
        const std::uint32_t prev = state_[i - 1];
        state_[i] =
            (state_[i] ^ ((prev ^ (prev >> 30U)) * mt_array_multiplier_1)) + key[j] + static_cast<std::uint32_t>(j);
        ++i;
        ++j;
        if (i >= state_size) {
            state_[0] = state_[state_size - 1];
            i = 1;
        }
        if (j >= key.size()) {
            j = 0;
        }
    }
    for (std::size_t k = state_size - 1; k > 0; --k) {
        const std::uint32_t prev = state_[i - 1];
        state_[i] = (state_[i] ^ ((prev ^ (prev >> 30U)) * mt_array_multiplier_2)) - static_cast<std::uint32_t>(i);
        ++i;
        if (i >= state_size) {
            state_[0] = state_[state_size - 1];
            i = 1;
        }
    }
    state_[0] = mt_upper_mask;
}

std::uint32_t python_random::next_uint32() {
    const auto twist = [](std::uint32_t upper, std::uint32_t lower, std::uint32_t far) {
        const std::uint32_t y = (upper & mt_upper_mask) | (lower & mt_lower_mask);
        return far ^ (y >> 1U) ^ ((y & 1U) != 0 ? mt_matrix_a : 0U);
    };
    if (index_ >= state_size) {
        std::size_t kk = 0;
        for (; kk < state_size - mt_shift; ++kk) {
            state_[kk] = twist(state_[kk], state_[kk + 1], state_[kk + mt_shift]);
        }
        for (; kk < state_size - 1; ++kk) {
            state_[kk] = twist(state_[kk], state_[kk + 1], state_[kk + mt_shift - state_size]);
        }
        state_[state_size - 1] = twist(state_[state_size - 1], state_[0], state_[mt_shift - 1]);
        index_ = 0;
    }
    std::uint32_t y = state_[index_++];
    y ^= (y >> 11U);
    y ^= (y << 7U) & 0x9d2c5680U;
    y ^= (y << 15U) & 0xefc60000U;
    y ^= (y >> 18U);
    return y;
}

std::uint64_t python_random::getrandbits(int k) {
    if (k <= 0) {
        return 0;
    }
    std::uint64_t out = 0;
    int shift = 0;
    for (int left = k; left > 0; left -= word_bits, shift += word_bits) {
        std::uint64_t r = next_uint32();
        if (left < word_bits) {
            r >>= static_cast<unsigned>(word_bits - left);
        }
        out |= r << static_cast<unsigned>(shift);
    }
    return out;
}

std::uint64_t python_random::randbelow(std::uint64_t n) {
    if (n == 0) {
        return 0;
    }
    const int k = bit_length(n);
    std::uint64_t r = getrandbits(k);
    while (r >= n) {
        r = getrandbits(k);
    }
    return r;
}

std::int64_t python_random::randint(std::int64_t a, std::int64_t b) {
    const auto width = static_cast<std::uint64_t>(b - a) + 1;
    return a + static_cast<std::int64_t>(randbelow(width));
}

double python_random::random() {
    const std::uint32_t a = next_uint32() >> 5U;
    const std::uint32_t b = next_uint32() >> 6U;
    return (static_cast<double>(a) * two_pow_26 + static_cast<double>(b)) * two_pow_minus_53;
}

std::vector<std::size_t> python_random::sample(std::size_t n, std::size_t k) {
    std::vector<std::size_t> result;
    if (k > n) {
        return result;
    }
    result.reserve(k);
    std::size_t setsize = sample_small_setsize;
    if (k > sample_big_set_k) {
        // math.log(k * 3, 4) is log(x) / log(4) in CPython.
        const double exponent = std::ceil(std::log(static_cast<double>(k * 3)) / std::log(sample_set_base));
        setsize += static_cast<std::size_t>(std::pow(sample_set_base, exponent));
    }
    if (n <= setsize) {
        std::vector<std::size_t> pool(n);
        for (std::size_t i = 0; i < n; ++i) {
            pool[i] = i;
        }
        for (std::size_t i = 0; i < k; ++i) {
            const auto j = static_cast<std::size_t>(randbelow(n - i));
            result.push_back(pool[j]);
            pool[j] = pool[n - i - 1];
        }
        return result;
    }
    std::unordered_set<std::size_t> selected;
    for (std::size_t i = 0; i < k; ++i) {
        auto j = static_cast<std::size_t>(randbelow(n));
        while (selected.count(j) != 0) {
            j = static_cast<std::size_t>(randbelow(n));
        }
        selected.insert(j);
        result.push_back(j);
    }
    return result;
}

std::vector<std::size_t> python_random::choices(std::size_t n, std::size_t k) {
    std::vector<std::size_t> result;
    result.reserve(k);
    const auto size = static_cast<double>(n);
    for (std::size_t i = 0; i < k; ++i) {
        result.push_back(static_cast<std::size_t>(std::floor(random() * size)));
    }
    return result;
}

}  // namespace eqb
