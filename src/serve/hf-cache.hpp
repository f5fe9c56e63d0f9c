#pragma once
// The Hugging Face cache layout (HUB/models--ORG--NAME), for -d: delete the
// model files eqbench caused to be downloaded, never a path the user gave.

#include <filesystem>
#include <optional>
#include <string>

namespace eqb {

// The hub cache folder: `configured` ([Huggingface] cache_dir), else
// $HF_HUB_CACHE, else $HF_HOME/hub, else ~/.cache/huggingface/hub.
std::filesystem::path hf_hub_cache(const std::string& configured);

// HUB/models--ORG--NAME for a model id "ORG/NAME" (or "NAME"); nullopt when
// `model` is not a Hugging Face id (empty, absolute, '~', "..", an existing path).
std::optional<std::filesystem::path> hf_model_cache_dir(const std::filesystem::path& hub, const std::string& model);

}  // namespace eqb
