# Compiler warnings and sanitizers, carried by INTERFACE targets that every
# project target links, so flags live in one place.
add_library(eqb_warnings INTERFACE)
target_compile_options(eqb_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion
  -Wnon-virtual-dtor -Woverloaded-virtual)
if(EQB_WARNINGS_AS_ERRORS)
  target_compile_options(eqb_warnings INTERFACE -Werror)
endif()
# g++ 12 at -O2/-O3 reports -Wrestrict inside libstdc++'s std::string for plain
# string concatenation (GCC bug 105329, fixed in 13): a false positive.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
  target_compile_options(eqb_warnings INTERFACE -Wno-restrict)
endif()

set(eqb_sanitizers "")
if(EQB_SANITIZE_ADDRESS)
  list(APPEND eqb_sanitizers address)
endif()
if(EQB_SANITIZE_UNDEFINED)
  list(APPEND eqb_sanitizers undefined)
endif()
if(EQB_SANITIZE_THREAD)
  list(APPEND eqb_sanitizers thread)
endif()
if(EQB_BUILD_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "EQB_BUILD_FUZZ needs clang: configure with CXX=clang++")
  endif()
  # Coverage for libFuzzer in every library; the fuzz targets add the driver.
  add_compile_options(-fsanitize=fuzzer-no-link)
  list(APPEND eqb_sanitizers address undefined)
  list(REMOVE_DUPLICATES eqb_sanitizers)
endif()
if(eqb_sanitizers)
  list(JOIN eqb_sanitizers "," eqb_sanitizer_list)
  add_compile_options(-fsanitize=${eqb_sanitizer_list} -fno-omit-frame-pointer
                      -fno-sanitize-recover=all)
  add_link_options(-fsanitize=${eqb_sanitizer_list})
endif()

# eqb_module(NAME SOURCES... [LINK libs...]) declares one static library per
# src/ folder, named eqb_NAME, with src/ as its include root.
function(eqb_module name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LINK" ${ARGN})
  add_library(eqb_${name} STATIC ${ARG_SOURCES})
  target_include_directories(eqb_${name} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(eqb_${name} PRIVATE eqb_warnings PUBLIC ${ARG_LINK})
endfunction()
