# cmake -DPACK_DIR=<dir> -DOUTPUT=<file.cpp> -P embed-packs.cmake
# Writes every PACK_DIR/*.json into a C++ source as a byte array, so that any
# bytes survive and adding a language needs no C++.
file(GLOB pack_files "${PACK_DIR}/*.json")
list(SORT pack_files)

# CMake regexes have no {n}: spell out 16 bytes for one line.
string(REPEAT "0x[0-9a-f][0-9a-f]," 16 bytes_per_line_pattern)

set(body "")
set(entries "")
set(index 0)
foreach(pack_file IN LISTS pack_files)
  get_filename_component(code "${pack_file}" NAME_WLE)
  if(NOT code MATCHES "^[A-Za-z0-9_-]+$")
    message(FATAL_ERROR "language pack file name '${code}.json': use letters, digits, '_' or '-'")
  endif()
  file(READ "${pack_file}" hex HEX)
  string(LENGTH "${hex}" hex_length)
  math(EXPR size "${hex_length} / 2")
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
  string(REGEX REPLACE "(${bytes_per_line_pattern})" "\\1\n    " bytes "${bytes}")
  string(APPEND body "const unsigned char pack_${index}[] = {\n    ${bytes}0x00};\n")
  string(APPEND entries "    {\"${code}\", pack_${index}, ${size}},\n")
  math(EXPR index "${index} + 1")
endforeach()

set(text "// Generated from src/lang/packs/*.json by src/lang/embed-packs.cmake; do not edit.
#include \"lang/builtin-packs.hpp\"

namespace eqb::detail {
namespace {

${body}
}  // namespace

const builtin_pack_file builtin_pack_files[] = {
${entries}    {\"\", nullptr, 0},
};
const std::size_t builtin_pack_count = ${index};

}  // namespace eqb::detail
")

file(WRITE "${OUTPUT}" "${text}")
