#include "core/python-float.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace eqb {

double python_round(double x, int ndigits) {
    if (!std::isfinite(x)) {
        return x;
    }
    // glibc's printf rounds the exact binary value correctly, ties to even.
    char buf[512];
    std::snprintf(buf, sizeof buf, "%.*f", ndigits, x);
    return std::strtod(buf, nullptr);
}

std::string python_float_repr(double x) {
    if (std::isnan(x)) {
        return "nan";
    }
    if (std::isinf(x)) {
        return x > 0 ? "inf" : "-inf";
    }
    if (x == 0.0) {
        return std::signbit(x) ? "-0.0" : "0.0";
    }
    // The shortest digits that read back to x, as CPython's repr (dtoa mode 0).
    char buf[64];
    for (int precision = 1; precision <= 17; ++precision) {
        std::snprintf(buf, sizeof buf, "%.*e", precision - 1, x);
        if (std::strtod(buf, nullptr) == x) {
            break;
        }
    }
    const std::string sci(buf);
    const bool negative = sci[0] == '-';
    const std::size_t e_at = sci.find('e');
    std::string digits;
    for (std::size_t i = negative ? 1 : 0; i < e_at; ++i) {
        if (sci[i] != '.') {
            digits += sci[i];
        }
    }
    while (digits.size() > 1 && digits.back() == '0') {
        digits.pop_back();
    }
    const int exponent = std::atoi(sci.c_str() + e_at + 1);
    // Built with append() throughout: g++ 12 at -O3 warns falsely (-Wrestrict)
    // on chains of string operator+.
    std::string out;
    if (negative) {
        out.append(1, '-');
    }
    const auto n = static_cast<int>(digits.size());
    if (exponent >= -4 && exponent < 16) {
        // Fixed notation, as repr uses for 1e-4 <= |x| < 1e16 ("0.0001", "140.0").
        if (exponent < 0) {
            out.append("0.");
            out.append(static_cast<std::size_t>(-exponent - 1), '0');
            out.append(digits);
        } else if (exponent + 1 >= n) {
            out.append(digits);
            out.append(static_cast<std::size_t>(exponent + 1 - n), '0');
            out.append(".0");
        } else {
            const auto point = static_cast<std::size_t>(exponent + 1);
            out.append(digits, 0, point);
            out.append(1, '.');
            out.append(digits, point, std::string::npos);
        }
        return out;
    }
    out.append(digits, 0, 1);
    if (n > 1) {
        out.append(1, '.');
        out.append(digits, 1, std::string::npos);
    }
    char exp_buf[16];
    std::snprintf(exp_buf, sizeof exp_buf, "e%c%02d", exponent < 0 ? '-' : '+', std::abs(exponent));
    out.append(exp_buf);
    return out;
}

}  // namespace eqb
