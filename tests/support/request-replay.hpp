#pragma once
// Answers chat requests from a reference run's request log (the eqbench3 and
// creative-writing-v3 conformance folders): a request is found by its replay
// key, the SHA-256 of its canonical JSON, and gets the answer the reference
// got; the n-th identical request gets the n-th logged answer. A request the
// log does not hold is recorded as a miss (it differs from what the reference
// sent).

#include <nlohmann/json.hpp>

#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/python-float.hpp"
#include "data/gzip.hpp"
#include "data/sha256.hpp"

namespace eqb::test {

class request_replay {
  public:
    // Reads a requests.jsonl.gz log; throws when it cannot.
    explicit request_replay(const std::filesystem::path& log) {
        auto text = gzip_file_read(log);
        if (!text) {
            throw std::runtime_error(text.err().message);
        }
        std::size_t start = 0;
        while (start < text->size()) {
            std::size_t end = text->find('\n', start);
            if (end == std::string::npos) {
                end = text->size();
            }
            if (end > start) {
                auto line = nlohmann::ordered_json::parse(text->substr(start, end - start));
                const std::string key =
                    line.contains("key") ? line["key"].get<std::string>() : line["sha256"].get<std::string>();
                answers_[key].push_back(line["answer"].get<std::string>());
                lines_.push_back(std::move(line));
            }
            start = end + 1;
        }
    }

    // The canonical form's SHA-256 for a request body (the README's definition:
    // model, messages, temperature, max_tokens, min_p; numbers as Python floats,
    // absent ones null; sorted keys, no spaces, non-ASCII kept).
    static std::string key_of(const nlohmann::json& body) {
        const auto number = [&body](const char* name) -> std::string {
            if (!body.contains(name) || body[name].is_null()) {
                return "null";
            }
            return python_float_repr(body[name].get<double>());
        };
        nlohmann::json messages = body.value("messages", nlohmann::json::array());
        std::string canonical = "{\"max_tokens\":" + number("max_tokens");
        canonical += ",\"messages\":" + messages.dump(-1, ' ', false, nlohmann::json::error_handler_t::strict);
        canonical += ",\"min_p\":" + number("min_p");
        canonical += ",\"model\":" + nlohmann::json(body.value("model", std::string())).dump();
        canonical += ",\"temperature\":" + number("temperature") + "}";
        return sha256_hex(canonical);
    }

    // The logged answer for a request body, or nullopt (a miss, recorded).
    std::optional<std::string> answer(const std::string& request_body) {
        const auto body = nlohmann::json::parse(request_body, nullptr, false);
        const std::string key = body.is_discarded() ? std::string("unparsable") : key_of(body);
        std::lock_guard lock(mutex_);
        const auto found = answers_.find(key);
        const std::size_t seen = asked_[key]++;
        if (found == answers_.end() || found->second.empty()) {
            misses_.push_back(request_body);
            return std::nullopt;
        }
        // Repeats beyond the log get the last answer (the stand-in answers by content).
        return found->second[std::min(seen, found->second.size() - 1)];
    }

    // Requests the log does not hold, as received.
    std::vector<std::string> misses() const {
        std::lock_guard lock(mutex_);
        return misses_;
    }
    // Every logged request, in order.
    const std::vector<nlohmann::ordered_json>& lines() const { return lines_; }

  private:
    std::vector<nlohmann::ordered_json> lines_;
    std::map<std::string, std::vector<std::string>> answers_;
    mutable std::mutex mutex_;
    std::map<std::string, std::size_t> asked_;
    std::vector<std::string> misses_;
};

}  // namespace eqb::test
