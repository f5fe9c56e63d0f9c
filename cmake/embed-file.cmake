# cmake -DINPUT=<file> -DOUTPUT=<file.cpp> -DSYMBOL=<name> [-DNAMESPACE=<ns>] -P embed-file.cmake
# Writes one data file into a C++ source as a byte array (any bytes survive):
# `NAMESPACE::SYMBOL[]` and `NAMESPACE::SYMBOL_size` (default eqb::detail), so
# that data the binary needs (the report's page, the thought formats) is part of it.
if(NOT NAMESPACE)
  set(NAMESPACE "eqb::detail")
endif()
file(READ "${INPUT}" hex HEX)
string(LENGTH "${hex}" hex_length)
math(EXPR size "${hex_length} / 2")
string(REPEAT "0x[0-9a-f][0-9a-f]," 16 bytes_per_line_pattern)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
string(REGEX REPLACE "(${bytes_per_line_pattern})" "\\1\n    " bytes "${bytes}")
get_filename_component(input_name "${INPUT}" NAME)
file(WRITE "${OUTPUT}" "// Generated from ${input_name} by cmake/embed-file.cmake; do not edit.
#include <cstddef>

namespace ${NAMESPACE} {

extern const unsigned char ${SYMBOL}[];
extern const std::size_t ${SYMBOL}_size;
const unsigned char ${SYMBOL}[] = {
    ${bytes}0x00};
const std::size_t ${SYMBOL}_size = ${size};

}  // namespace ${NAMESPACE}
")
