#pragma once
// The Hugging Face cache layout (HUB/models--ORG--NAME), for -d: delete the
// model files eqbench caused to be downloaded, never a path the user gave.

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"

namespace eqb {

// The hub cache folder: `configured` ([Huggingface] cache_dir), else
// $HF_HUB_CACHE, else $HF_HOME/hub, else ~/.cache/huggingface/hub.
std::filesystem::path hf_hub_cache(const std::string& configured);

// HUB/models--ORG--NAME for a model id "ORG/NAME" (or "NAME"); nullopt when
// `model` is not a Hugging Face id (empty, absolute, '~', "..", an existing path).
std::optional<std::filesystem::path> hf_model_cache_dir(const std::filesystem::path& hub, const std::string& model);

// What to download for a server that wants the model as a folder.
struct hf_download_spec {
    std::string model;  // a Hugging Face id
    std::vector<std::string> include_patterns;
    std::vector<std::string> exclude_patterns;
    std::string cache_dir;  // [Huggingface] cache_dir; "" = huggingface-cli's default
};

// Downloads the model with `huggingface-cli download` (blocking; Ctrl-C reaches
// it through the terminal) and returns its local snapshot folder; the error says
// what to install or what the tool printed.
result<std::string> hf_download(const hf_download_spec& spec);

}  // namespace eqb
