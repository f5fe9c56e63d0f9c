#include <gtest/gtest.h>

#include "core/python-float.hpp"

namespace {

struct round_case {
    double x;
    int ndigits;
    double expected;  // what CPython's round(x, ndigits) returns
};

TEST(python_round, matches_cpython_on_ties_and_binary_values) {
    const round_case cases[] = {
        {2.675, 2, 2.67},  // 2.675 is 2.67499999... in binary
        {0.125, 2, 0.12},  // exact tie: half to even
        {0.375, 2, 0.38},  // exact tie: half to even
        {69.515609166, 2, 69.52},
        {-0.125, 2, -0.12},
        {1.005, 2, 1.0},  // 1.00499999...
        {171.0, 2, 171.0},
        {83.875, 2, 83.88},  // exact tie: 83.875 -> 83.88 (8 is even)
        {83.865, 2, 83.86},  // 83.864999... in binary
        {2.5, 0, 2.0},
        {3.5, 0, 4.0},
    };
    for (const auto& c : cases) {
        EXPECT_EQ(eqb::python_round(c.x, c.ndigits), c.expected) << c.x << " to " << c.ndigits;
    }
}

TEST(python_float_repr, matches_cpython_repr) {
    EXPECT_EQ(eqb::python_float_repr(140.0), "140.0");
    EXPECT_EQ(eqb::python_float_repr(69.52), "69.52");
    EXPECT_EQ(eqb::python_float_repr(0.1), "0.1");
    EXPECT_EQ(eqb::python_float_repr(4.3888188740444), "4.3888188740444");
    EXPECT_EQ(eqb::python_float_repr(-0.46780000000000044), "-0.46780000000000044");
    EXPECT_EQ(eqb::python_float_repr(1e16), "1e+16");
    EXPECT_EQ(eqb::python_float_repr(0.0001), "0.0001");
    EXPECT_EQ(eqb::python_float_repr(1e-05), "1e-05");
    EXPECT_EQ(eqb::python_float_repr(1.2345678901234568e+17), "1.2345678901234568e+17");
    EXPECT_EQ(eqb::python_float_repr(-2.5), "-2.5");
    EXPECT_EQ(eqb::python_float_repr(0.0), "0.0");
}

}  // namespace
