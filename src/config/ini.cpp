#include "config/ini.hpp"

#include <algorithm>
#include <set>

#include "core/text.hpp"

namespace eqb {
namespace {

std::vector<std::string> split_lines(const std::string& text) {
    std::vector<std::string> lines;
    std::string current;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '\n' || c == '\r') {
            lines.push_back(current);
            current.clear();
            if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
                ++i;
            }
        } else {
            current += c;
        }
    }
    if (!current.empty()) {
        lines.push_back(current);
    }
    return lines;
}

}  // namespace

const ini_section* ini_document::section(const std::string& name) const {
    for (const auto& s : sections) {
        if (s.name == name) {
            return &s;
        }
    }
    return nullptr;
}

const ini_entry* ini_document::find(const std::string& section_name, const std::string& key) const {
    for (const std::string& name : {section_name, std::string("DEFAULT")}) {
        if (const ini_section* s = section(name); s != nullptr) {
            for (const auto& e : s->entries) {
                if (e.key == key) {
                    return &e;
                }
            }
        }
    }
    return nullptr;
}

ini_document ini_parse(const std::string& text, const std::vector<std::string>& raw_sections,
                       std::vector<ini_problem>& problems) {
    ini_document doc;
    ini_section* current = nullptr;
    bool current_raw = false;
    ini_entry* last_entry = nullptr;  // the key a continuation line would extend
    std::size_t indent_level = 0;
    std::set<std::string> seen_sections;
    std::set<std::string> seen_keys;  // of the current section
    std::vector<std::string> continuation;
    const auto flush_continuation = [&] {
        if (last_entry != nullptr && last_entry->value && !continuation.empty()) {
            std::string joined = *last_entry->value;
            for (const auto& part : continuation) {
                joined += "\n" + part;
            }
            last_entry->value = text_rstrip(joined);
        }
        continuation.clear();
    };

    const auto lines = split_lines(text);
    for (std::size_t i = 0; i < lines.size(); ++i) {
        const int lineno = static_cast<int>(i) + 1;
        const std::string& line = lines[i];
        const std::string value = text_strip(line);
        const bool comment = !value.empty() && (value[0] == '#' || value[0] == ';');
        if (value.empty() || comment) {
            // configparser keeps blank lines inside a multi-line value; a later
            // indented line still continues it.
            if (value.empty() && last_entry != nullptr && last_entry->value) {
                continuation.emplace_back();
            }
            continue;
        }
        const std::size_t indent = line.find_first_not_of(" \t");
        if (current != nullptr && current_raw) {
            if (!(value.front() == '[' && value.find(']') != std::string::npos && indent == 0)) {
                current->lines.push_back({value, lineno});
                continue;
            }
        } else if (current != nullptr && last_entry != nullptr && indent > indent_level) {
            if (!last_entry->value) {
                problems.push_back({lineno, "an indented line continues the key '" + last_entry->key +
                                                "', which has no value (un-indent it, or add '= value')"});
                continue;
            }
            continuation.push_back(value);
            current->lines.push_back({value, lineno});
            continue;
        }
        flush_continuation();
        indent_level = indent;
        if (value.front() == '[') {
            const std::size_t close = value.rfind(']');
            if (close != std::string::npos && close > 1) {
                const std::string name = value.substr(1, close - 1);
                last_entry = nullptr;
                seen_keys.clear();
                if (seen_sections.count(name) != 0) {
                    problems.push_back({lineno, "section [" + name + "] appears a second time"});
                    current = nullptr;
                    for (auto& s : doc.sections) {
                        if (s.name == name) {
                            current = &s;
                        }
                    }
                } else {
                    seen_sections.insert(name);
                    doc.sections.push_back(ini_section{name, lineno, {}, {}});
                    current = &doc.sections.back();
                }
                current_raw = std::find(raw_sections.begin(), raw_sections.end(), name) != raw_sections.end();
                if (current_raw) {
                    current->entries.clear();
                }
                continue;
            }
        }
        if (current == nullptr) {
            problems.push_back({lineno, "'" + value + "' comes before any [section] header"});
            continue;
        }
        current->lines.push_back({value, lineno});
        const std::size_t delim = value.find_first_of("=:");
        ini_entry entry;
        entry.line = lineno;
        if (delim == std::string::npos) {
            entry.key = value;
        } else {
            entry.key = text_rstrip(value.substr(0, delim));
            entry.value = text_strip(value.substr(delim + 1));
        }
        if (entry.key.empty()) {
            problems.push_back({lineno, "'" + value + "' has no key before '" + value.substr(delim, 1) + "'"});
            last_entry = nullptr;
            continue;
        }
        if (!seen_keys.insert(entry.key).second) {
            problems.push_back({lineno, "key '" + entry.key + "' appears a second time in [" + current->name + "]"});
            last_entry = nullptr;
            continue;
        }
        current->entries.push_back(std::move(entry));
        last_entry = &current->entries.back();
    }
    flush_continuation();
    return doc;
}

}  // namespace eqb
