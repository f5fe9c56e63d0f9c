#pragma once
// `eqbench translate` as a library call: the translating engine's endpoints,
// the pack the answers are checked with, the engine run with its progress told
// to a listener, the output written.

#include <atomic>
#include <string>
#include <vector>

#include "batch/batch.hpp"
#include "bench/translate/translate.hpp"

namespace eqb {

struct translate_request {
    std::string source;
    std::string to;
    std::string mode = "full";
    std::string engine = "openai";
    std::string model;
    std::vector<std::string> base_urls;
    std::string api_key_env;
    std::string out;
    std::string language_pack;
    std::string results_dir = ".";
    int concurrency = 8;
    int tries = 3;
    int retries = 5;
    double timeout = 300.0;
    bool overwrite = false;
    bool verbose = false;
    bool translate_criteria = false;
};

struct translate_result {
    translate_outcome outcome;
    bool pack_known = true;  // false: no pack for the target, markers and names unchecked
    int rejections = 0;      // answers rejected and asked again
};

// Translates request.source into request.out. Errors: setup (engine, pack,
// store, the source file) and the store.
result<translate_result> batch_translate(const translate_request& request, batch_listener& listener,
                                         const std::atomic<bool>& stop);

}  // namespace eqb
