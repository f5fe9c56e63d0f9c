#include "data/data-dir.hpp"

#include <pwd.h>
#include <unistd.h>

#include <cstdlib>
#include <vector>

#include "core/result.hpp"

namespace eqb {
namespace {

// An environment variable, or "" when unset; set-but-empty counts as unset.
std::string env_value(const char* name) {
    const char* value = std::getenv(name);
    return value != nullptr ? std::string(value) : std::string();
}

// $HOME, else the password database (HOME may be unset under cron or systemd).
std::string home_dir() {
    std::string home = env_value("HOME");
    if (!home.empty()) {
        return home;
    }
    const long size_hint = ::sysconf(_SC_GETPW_R_SIZE_MAX);
    std::vector<char> buffer(size_hint > 0 ? static_cast<std::size_t>(size_hint) : 16384);
    passwd entry{};
    passwd* found = nullptr;
    if (::getpwuid_r(::getuid(), &entry, buffer.data(), buffer.size(), &found) == 0 && found != nullptr &&
        found->pw_dir != nullptr) {
        home = found->pw_dir;
    }
    return home;
}

}  // namespace

data_dir_location data_dir_resolve(const std::string& flag) {
    if (!flag.empty()) {
        return {flag, data_dir_source::FLAG};
    }
    if (std::string env = env_value("EQBENCH_DATA_DIR"); !env.empty()) {
        return {env, data_dir_source::ENV};
    }
    // The XDG spec says relative values are invalid and must be ignored.
    if (std::filesystem::path xdg = env_value("XDG_CACHE_HOME"); xdg.is_absolute()) {
        return {xdg / "eqbench", data_dir_source::XDG_CACHE};
    }
    const std::string home = home_dir();
    if (home.empty()) {
        throw fatal_error("cannot find a data directory: no home directory; pass --data-dir or set EQBENCH_DATA_DIR");
    }
    return {std::filesystem::path(home) / ".cache" / "eqbench", data_dir_source::HOME};
}

std::string_view data_dir_source_name(data_dir_source source) {
    switch (source) {
        case data_dir_source::FLAG:
            return "--data-dir";
        case data_dir_source::ENV:
            return "EQBENCH_DATA_DIR";
        case data_dir_source::XDG_CACHE:
            return "XDG_CACHE_HOME";
        case data_dir_source::HOME:
            return "HOME";
    }
    return "unknown";
}

}  // namespace eqb
