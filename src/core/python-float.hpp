#pragma once
// Python float semantics the reference's numbers and messages depend on.

#include <string>

namespace eqb {

// Python's round(x, ndigits) for ndigits >= 0: the exact binary value rounded
// half-to-even in decimal (CPython rounds through correctly rounded dtoa).
double python_round(double x, int ndigits);

// Python's repr()/str() of a float: the shortest text that reads back to the
// same value, with ".0" on integral values ("140.0", "69.52", "inf", "nan").
std::string python_float_repr(double x);

}  // namespace eqb
