#include "data/verify.hpp"

#include <system_error>

#include "data/sha256.hpp"

namespace eqb {

std::filesystem::path dataset_local_path(const dataset_file& file, const std::filesystem::path& data_dir) {
    return data_dir / std::filesystem::path(file.name);
}

verify_outcome dataset_verify(const dataset_file& file, const std::filesystem::path& data_dir) {
    const auto local = dataset_local_path(file, data_dir);
    std::error_code ec;
    const auto status = std::filesystem::status(local, ec);
    if (status.type() == std::filesystem::file_type::not_found) {
        return {verify_status::MISSING, {}, {}};
    }
    if (ec) {
        return {verify_status::UNREADABLE, {}, local.string() + ": " + ec.message()};
    }
    if (!std::filesystem::is_regular_file(status)) {
        return {verify_status::UNREADABLE, {}, local.string() + ": not a regular file"};
    }
    const bool archive = !file.git_blob_sha1.empty();
    auto digest = archive ? git_blob_sha1_file(local) : sha256_file(local);
    if (!digest) {
        return {verify_status::UNREADABLE, {}, digest.err().message};
    }
    const verify_status verdict =
        *digest == (archive ? file.git_blob_sha1 : file.sha256) ? verify_status::OK : verify_status::MISMATCH;
    return {verdict, std::move(*digest), {}};
}

}  // namespace eqb
