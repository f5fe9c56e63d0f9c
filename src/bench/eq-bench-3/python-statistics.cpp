#include "bench/eq-bench-3/python-statistics.hpp"

#include <boost/multiprecision/cpp_int.hpp>

#include <cmath>
#include <cstdint>
#include <limits>

namespace eqb::eq3 {
namespace {

using big = boost::multiprecision::cpp_int;

constexpr int double_mantissa_bits = 53;
constexpr int double_min_exponent = -1074;  // the exponent of the smallest subnormal's unit
// Bits the quotient keeps beyond the 53 of a double, so one rounding step suffices.
constexpr int guard_bits = 3;

// The double nearest to numerator / denominator x 2^exponent (numerator >= 0,
// denominator > 0), ties to even, with subnormals and overflow to infinity.
double rational_to_double(const big& numerator, const big& denominator, long exponent) {
    if (numerator == 0) {
        return 0.0;
    }
    const long num_bits = static_cast<long>(boost::multiprecision::msb(numerator)) + 1;
    const long den_bits = static_cast<long>(boost::multiprecision::msb(denominator)) + 1;
    // Scale so the integer quotient has at least 53 + guard bits.
    const long shift = double_mantissa_bits + guard_bits - (num_bits - den_bits) + 1;
    big q;
    big r;
    if (shift >= 0) {
        boost::multiprecision::divide_qr(big(numerator << static_cast<unsigned>(shift)), denominator, q, r);
    } else {
        boost::multiprecision::divide_qr(numerator, big(denominator << static_cast<unsigned>(-shift)), q, r);
    }
    const bool sticky = r != 0;
    long q_exponent = exponent - shift;  // value = (q + r/den) x 2^q_exponent
    const long q_bits = static_cast<long>(boost::multiprecision::msb(q)) + 1;
    const long top = q_exponent + q_bits - 1;  // binary exponent of the leading bit
    const long ulp = std::max(top - (double_mantissa_bits - 1), static_cast<long>(double_min_exponent));
    const long drop = ulp - q_exponent;
    big kept = q;
    if (drop > 0) {
        const auto d = static_cast<unsigned>(drop);
        const big low = q & ((big(1) << d) - 1);
        kept = q >> d;
        const big half = big(1) << (d - 1);
        if (low > half || (low == half && (sticky || (kept & 1) != 0))) {
            kept += 1;
        }
        q_exponent = ulp;
    }
    // kept < 2^54 here, so the conversion is exact; ldexp overflows to infinity.
    return std::ldexp(static_cast<double>(static_cast<std::uint64_t>(kept)), static_cast<int>(q_exponent));
}

}  // namespace

std::optional<double> python_statistics_mean(std::span<const double> values) {
    if (values.empty()) {
        return std::nullopt;
    }
    const auto n = static_cast<double>(values.size());
    // Python keeps the non-finite values apart and adds them as floats.
    bool any_special = false;
    double special = 0.0;
    for (const double v : values) {
        if (!std::isfinite(v)) {
            special = any_special ? special + v : v;
            any_special = true;
        }
    }
    if (any_special) {
        return special / n;
    }
    // Every finite double is m x 2^e with integer m and e >= -1074: sum them
    // exactly over the common exponent -1074.
    big sum = 0;
    for (const double v : values) {
        if (v == 0.0) {
            continue;
        }
        int e = 0;
        const double fraction = std::frexp(std::fabs(v), &e);  // |v| = fraction x 2^e, 0.5 <= fraction < 1
        const auto mantissa = static_cast<std::uint64_t>(std::ldexp(fraction, double_mantissa_bits));
        const long exponent = static_cast<long>(e) - double_mantissa_bits;  // |v| = mantissa x 2^exponent
        // A subnormal's mantissa has trailing zeros, so the right shift is exact.
        const long shift = exponent - double_min_exponent;
        const big term = shift >= 0 ? big(big(mantissa) << static_cast<unsigned>(shift))
                                    : big(big(mantissa) >> static_cast<unsigned>(-shift));
        if (v < 0) {
            sum -= term;
        } else {
            sum += term;
        }
    }
    const bool negative = sum < 0;
    const big magnitude = negative ? big(-sum) : sum;
    const double mean = rational_to_double(magnitude, big(values.size()), double_min_exponent);
    return negative ? -mean : mean;
}

}  // namespace eqb::eq3
