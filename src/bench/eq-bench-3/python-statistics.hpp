#pragma once
// Python's statistics.mean over floats, reproduced exactly: the values are
// summed as exact rationals and the quotient is rounded once to the nearest
// double (ties to even), as CPython 3.11 does through fractions.

#include <optional>
#include <span>

namespace eqb::eq3 {

// statistics.mean(values) for floats; nullopt when `values` is empty (Python
// raises StatisticsError). With an infinity or NaN among them, the non-finite
// values are added in float arithmetic and divided by the count, as Python does.
std::optional<double> python_statistics_mean(std::span<const double> values);

}  // namespace eqb::eq3
