#pragma once
// Where eqbench keeps its datasets: the data directory and how it was chosen.

#include <filesystem>
#include <string>
#include <string_view>

namespace eqb {

// Which setting supplied the data directory, in the order they are tried.
enum class data_dir_source {
    FLAG,       // --data-dir
    ENV,        // $EQBENCH_DATA_DIR
    XDG_CACHE,  // $XDG_CACHE_HOME/eqbench
    HOME,       // $HOME/.cache/eqbench (or the password database's home)
};

struct data_dir_location {
    std::filesystem::path path;
    data_dir_source source = data_dir_source::FLAG;
};

// The data directory: `flag` if non-empty, else $EQBENCH_DATA_DIR, else
// $XDG_CACHE_HOME/eqbench (absolute values only, as the XDG spec says), else
// ~/.cache/eqbench. Reads the environment; creates nothing. Throws fatal_error
// when no home directory can be found.
data_dir_location data_dir_resolve(const std::string& flag);

// A short name of the source for messages: "--data-dir", "EQBENCH_DATA_DIR", ...
std::string_view data_dir_source_name(data_dir_source source);

}  // namespace eqb
