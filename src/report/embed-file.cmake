# cmake -DINPUT=<file> -DOUTPUT=<file.cpp> -DSYMBOL=<name> -P embed-file.cmake
# Writes INPUT into a C++ source as a byte array `eqb::detail::SYMBOL` with its
# size `SYMBOL_size`, so that the report's page template is part of the binary.
file(READ "${INPUT}" hex HEX)
string(LENGTH "${hex}" hex_length)
math(EXPR size "${hex_length} / 2")
string(REPEAT "0x[0-9a-f][0-9a-f]," 16 bytes_per_line_pattern)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
string(REGEX REPLACE "(${bytes_per_line_pattern})" "\\1\n    " bytes "${bytes}")
file(WRITE "${OUTPUT}" "// Generated from ${INPUT} by embed-file.cmake; do not edit.
#include <cstddef>

namespace eqb::detail {

extern const unsigned char ${SYMBOL}[] = {
    ${bytes}0x00};
extern const std::size_t ${SYMBOL}_size = ${size};

}  // namespace eqb::detail
")
