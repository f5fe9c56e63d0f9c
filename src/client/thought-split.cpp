#include "client/thought-split.hpp"

#include <nlohmann/json.hpp>

#include <cstddef>

#include "core/python-str.hpp"

namespace eqb::detail {
extern const unsigned char thought_formats_json[];
extern const std::size_t thought_formats_json_size;
}  // namespace eqb::detail

namespace eqb {

namespace {

using json = nlohmann::json;

constexpr const char* thought_separator = "\n\n";

std::size_t leading_whitespace(std::string_view text) {
    return text.size() - python_lstrip(text).size();
}

void thought_append(std::string& thought, std::string_view part) {
    if (!thought.empty()) {
        thought += thought_separator;
    }
    thought += part;
}

// Where the close that ends a block opened before `from` is (nested opens
// counted), or npos when it never closes.
std::size_t block_end(std::string_view text, std::size_t from, const thought_block_format& f) {
    int depth = 1;
    std::size_t pos = from;
    while (true) {
        const std::size_t close = text.find(f.close, pos);
        if (close == std::string_view::npos) {
            return std::string_view::npos;
        }
        const std::size_t open = text.find(f.open, pos);
        if (open != std::string_view::npos && open < close) {
            ++depth;
            pos = open + f.open.size();
            continue;
        }
        if (--depth == 0) {
            return close;
        }
        pos = close + f.close.size();
    }
}

const thought_block_format* block_opening(std::string_view text, const thought_formats& formats) {
    const std::string_view rest = text.substr(leading_whitespace(text));
    for (const auto& f : formats.blocks) {
        if (!f.open.empty() && rest.substr(0, f.open.size()) == f.open) {
            return &f;
        }
    }
    return nullptr;
}

thought_split_result blocks_split(std::string_view text, const thought_formats& formats) {
    thought_split_result out;
    std::string_view rest = text;
    // Leading blocks, one after another.
    while (const thought_block_format* f = block_opening(rest, formats)) {
        const std::size_t inside = leading_whitespace(rest) + f->open.size();
        const std::size_t end = block_end(rest, inside, *f);
        out.format = f->name;
        if (end == std::string_view::npos) {
            thought_append(out.thought, rest.substr(inside));
            out.unterminated = true;
            return out;
        }
        thought_append(out.thought, rest.substr(inside, end - inside));
        rest = rest.substr(end + f->close.size());
        rest = rest.substr(leading_whitespace(rest));
    }
    if (!out.format.empty()) {
        out.answer = std::string(rest);
        return out;
    }
    // A thought the chat template opened: the earliest close that ends it.
    const thought_block_format* ended_by = nullptr;
    std::size_t earliest = std::string_view::npos;
    for (const auto& f : formats.blocks) {
        if (f.close.empty()) {
            continue;
        }
        const std::size_t end = block_end(text, 0, f);
        if (end < earliest) {
            earliest = end;
            ended_by = &f;
        }
    }
    if (ended_by == nullptr) {
        out.answer = std::string(text);
        return out;
    }
    out.format = ended_by->name;
    out.thought = std::string(text.substr(0, earliest));
    rest = text.substr(earliest + ended_by->close.size());
    out.answer = std::string(rest.substr(leading_whitespace(rest)));
    return out;
}

thought_split_result channels_split(std::string_view text, const thought_channel_format& f) {
    thought_split_result out;
    out.format = f.name;
    bool answered = false;
    std::size_t pos = text.find(f.channel);
    while (pos != std::string_view::npos) {
        const std::size_t name_at = pos + f.channel.size();
        const std::size_t header_end = text.find(f.message, name_at);
        if (header_end == std::string_view::npos) {
            break;  // cut inside a header
        }
        std::string_view name = text.substr(name_at, header_end - name_at);
        name = name.substr(0, name.find_first_of(" <"));
        const std::size_t body_at = header_end + f.message.size();
        std::size_t body_end = text.find(f.channel, body_at);
        for (const auto& end : f.ends) {
            body_end = std::min(body_end, text.find(end, body_at));
        }
        const std::string_view body =
            text.substr(body_at, body_end == std::string_view::npos ? std::string_view::npos : body_end - body_at);
        if (name == f.answer_channel) {
            out.answer += body;
            answered = true;
        } else {
            thought_append(out.thought, body);
        }
        pos = body_end == std::string_view::npos ? body_end : text.find(f.channel, body_end);
    }
    out.unterminated = !answered;
    return out;
}

std::string text_field(const json& object, const char* key, const std::string& label, const std::string& where,
                       std::string& problem) {
    if (!object.contains(key) || !object[key].is_string()) {
        if (problem.empty()) {
            problem = label + ": " + where + "." + key + ": expected a string";
        }
        return "";
    }
    return object[key].get<std::string>();
}

}  // namespace

result<thought_formats> thought_formats_parse(const std::string& json_text, const std::string& label) {
    const json root = json::parse(json_text, nullptr, false);
    if (root.is_discarded() || !root.is_object()) {
        return error{label + ": not a JSON object"};
    }
    thought_formats out;
    std::string problem;
    const auto list = [&](const char* key) -> const json* {
        if (!root.contains(key)) {
            return nullptr;
        }
        if (!root[key].is_array()) {
            problem = label + ": " + key + ": expected an array";
            return nullptr;
        }
        return &root[key];
    };
    if (const json* blocks = list("blocks")) {
        for (std::size_t i = 0; i < blocks->size(); ++i) {
            const json& b = (*blocks)[i];
            const std::string where = "blocks[" + std::to_string(i) + "]";
            if (!b.is_object()) {
                return error{label + ": " + where + ": expected an object"};
            }
            thought_block_format f{text_field(b, "name", label, where, problem),
                                   text_field(b, "open", label, where, problem),
                                   text_field(b, "close", label, where, problem)};
            if (problem.empty() && (f.open.empty() || f.close.empty())) {
                problem = label + ": " + where + ": open and close must not be empty";
            }
            out.blocks.push_back(std::move(f));
        }
    }
    if (const json* channels = list("channels")) {
        for (std::size_t i = 0; i < channels->size(); ++i) {
            const json& c = (*channels)[i];
            const std::string where = "channels[" + std::to_string(i) + "]";
            if (!c.is_object()) {
                return error{label + ": " + where + ": expected an object"};
            }
            thought_channel_format f;
            f.name = text_field(c, "name", label, where, problem);
            f.channel = text_field(c, "channel", label, where, problem);
            f.message = text_field(c, "message", label, where, problem);
            f.answer_channel = text_field(c, "answer_channel", label, where, problem);
            if (c.contains("ends") && c["ends"].is_array()) {
                for (const auto& end : c["ends"]) {
                    if (end.is_string() && !end.get<std::string>().empty()) {
                        f.ends.push_back(end.get<std::string>());
                    }
                }
            }
            if (problem.empty() && (f.channel.empty() || f.message.empty())) {
                problem = label + ": " + where + ": channel and message must not be empty";
            }
            out.channels.push_back(std::move(f));
        }
    }
    if (!problem.empty()) {
        return error{problem};
    }
    return out;
}

const thought_formats& thought_formats_builtin() {
    static const thought_formats formats = [] {
        const std::string text(reinterpret_cast<const char*>(detail::thought_formats_json),
                               detail::thought_formats_json_size);
        auto parsed = thought_formats_parse(text, "thought-formats.json");
        // The file is part of the build; a broken one fails every reasoning test.
        return parsed ? *parsed : thought_formats{};
    }();
    return formats;
}

thought_split_result thought_split(std::string_view text, const thought_formats& formats) {
    for (const auto& f : formats.channels) {
        if (text.find(f.channel) != std::string_view::npos) {
            return channels_split(text, f);
        }
    }
    return blocks_split(text, formats);
}

}  // namespace eqb
