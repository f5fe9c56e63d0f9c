#include "report/files.hpp"

#include <unistd.h>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <random>
#include <system_error>

namespace eqb {

result<bool> file_write_atomic(const std::filesystem::path& path, const std::string& bytes) {
    std::error_code ec;
    if (path.has_parent_path()) {
        std::filesystem::create_directories(path.parent_path(), ec);
    }
    std::random_device rd;
    const auto tmp = path.string() + ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(rd());
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        if (!out) {
            return error{path.string() + ": cannot write (creating " + tmp + " failed)"};
        }
        out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
        out.flush();
        if (!out) {
            std::filesystem::remove(tmp, ec);
            return error{path.string() + ": write failed"};
        }
    }
    std::filesystem::rename(tmp, path, ec);
    if (ec) {
        std::filesystem::remove(tmp, ec);
        return error{path.string() + ": cannot replace the file: " + ec.message()};
    }
    return true;
}

result<bool> raw_results_merge(const std::filesystem::path& path, const std::string& key,
                               const std::string& entry_json) {
    using ojson = nlohmann::ordered_json;
    ojson doc = ojson::object();
    if (std::filesystem::exists(path)) {
        std::ifstream in(path, std::ios::binary);
        const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        try {
            doc = ojson::parse(bytes);
        } catch (const ojson::exception& e) {
            // Never overwrite a file we cannot read: the user's earlier runs are in it.
            return error{path.string() + ": existing file is not valid JSON (" + e.what() +
                         "); move it aside to write new results"};
        }
        if (!doc.is_object()) {
            return error{path.string() + ": existing file is not a JSON object; move it aside to write new results"};
        }
    }
    try {
        doc[key] = ojson::parse(entry_json);
    } catch (const ojson::exception& e) {
        return error{path.string() + ": run entry is not valid JSON: " + e.what()};
    }
    return file_write_atomic(path, doc.dump(2) + "\n");
}

const std::vector<std::string>& benchmark_csv_header() {
    // As the reference writes it: ", " between names, so readers of its files
    // find the same column names (with their leading spaces).
    static const std::vector<std::string> header = {"Run ID",
                                                    " Benchmark Completed",
                                                    " Prompt Format",
                                                    " Model Path",
                                                    " Lora Path",
                                                    " Quantization",
                                                    " Benchmark Score",
                                                    " Benchmark Version",
                                                    " Num Questions Parseable",
                                                    " Num Iterations",
                                                    " Inference Engine",
                                                    " Ooba Params",
                                                    " Download Filters",
                                                    " Error"};
    return header;
}

std::string csv_field(const std::string& value) {
    if (value.find_first_of(",\"\r\n") == std::string::npos) {
        return value;
    }
    std::string out = "\"";
    for (const char c : value) {
        if (c == '"') {
            out += '"';
        }
        out += c;
    }
    out += '"';
    return out;
}

result<bool> benchmark_csv_append(const std::filesystem::path& path, const std::vector<std::string>& row) {
    std::string existing;
    if (std::filesystem::exists(path)) {
        std::ifstream in(path, std::ios::binary);
        existing.assign((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    }
    const auto line = [](const std::vector<std::string>& fields) {
        std::string out;
        for (std::size_t i = 0; i < fields.size(); ++i) {
            if (i > 0) {
                out += ',';
            }
            out += csv_field(fields[i]);
        }
        return out + "\n";
    };
    if (existing.empty()) {
        existing = line(benchmark_csv_header());
    } else if (existing.back() != '\n') {
        existing += '\n';
    }
    existing += line(row);
    return file_write_atomic(path, existing);
}

}  // namespace eqb
