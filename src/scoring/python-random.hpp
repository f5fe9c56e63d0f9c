#pragma once
// Python 3.11's random.Random, bit for bit: the Mersenne Twister seeded from a
// non-negative int as CPython seeds it, and the few methods the EQ-Bench 3 and
// Creative Writing v3 references draw with (randint, sample, choices).

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace eqb {

class python_random {
  public:
    // random.Random(seed): MT19937 init_by_array over the 32-bit words of `seed`,
    // least significant first (one word 0 for seed 0).
    explicit python_random(std::uint64_t seed);

    // One raw 32-bit output of the generator (genrand_uint32).
    std::uint32_t next_uint32();

    // getrandbits(k) for 0 <= k <= 64: k uniformly random bits (32-bit words
    // filled least significant first, the last one shifted right as CPython does).
    std::uint64_t getrandbits(int k);

    // _randbelow(n): getrandbits(n.bit_length()) redrawn while >= n; n = 1 still
    // consumes draws. Precondition n > 0 (0 is returned, drawing nothing, for n = 0).
    std::uint64_t randbelow(std::uint64_t n);

    // randint(a, b) = a + _randbelow(b - a + 1). Precondition a <= b.
    std::int64_t randint(std::int64_t a, std::int64_t b);

    // random(): a double in [0, 1) from two 32-bit outputs (53 random bits).
    double random();

    // sample(range(n), k): k distinct indices in draw order, by CPython's pool
    // method (small n) or set method (n > 21 + 4 ** ceil(log(3k, 4)) for k > 5).
    // Precondition k <= n (an empty list otherwise, drawing nothing).
    std::vector<std::size_t> sample(std::size_t n, std::size_t k);

    // choices(range(n), k=k) without weights: floor(random() * n), k times.
    std::vector<std::size_t> choices(std::size_t n, std::size_t k);

  private:
    static constexpr std::size_t state_size = 624;
    void init_genrand(std::uint32_t s);
    void init_by_array(const std::vector<std::uint32_t>& key);

    std::array<std::uint32_t, state_size> state_{};
    std::size_t index_ = state_size + 1;
};

}  // namespace eqb
