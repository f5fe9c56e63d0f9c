// The examples under every --help.

#include "cli/commands.hpp"

namespace eqb {

std::string help_footer(std::initializer_list<const char*> examples) {
    std::string out = "\nExamples:\n";
    for (const char* e : examples) {
        out += std::string("  ") + e + "\n";
    }
    return out +
           "\nEvery command takes --data-dir DIR before it (the datasets; default $EQBENCH_DATA_DIR, else the cache "
           "that `eqbench data fetch` fills).\n";
}

}  // namespace eqb
