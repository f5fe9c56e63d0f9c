#include "data/sha256.hpp"

#include <openssl/evp.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <memory>

namespace eqb {
namespace {

struct md_ctx_free {
    void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};
using md_ctx_ptr = std::unique_ptr<EVP_MD_CTX, md_ctx_free>;

// A fresh SHA-256 context; OpenSSL failing here means it is out of memory.
md_ctx_ptr digest_begin(const EVP_MD* md) {
    md_ctx_ptr ctx(EVP_MD_CTX_new());
    if (!ctx || EVP_DigestInit_ex(ctx.get(), md, nullptr) != 1) {
        throw fatal_error("OpenSSL: cannot initialise a digest");
    }
    return ctx;
}

md_ctx_ptr sha256_begin() {
    return digest_begin(EVP_sha256());
}

// The digest of a file's contents after `prefix`, read in chunks.
result<std::string> digest_file(const EVP_MD* md, const std::filesystem::path& path, std::string_view prefix);

void sha256_update(EVP_MD_CTX* ctx, const void* data, std::size_t size) {
    if (EVP_DigestUpdate(ctx, data, size) != 1) {
        throw fatal_error("OpenSSL: SHA-256 update failed");
    }
}

std::string sha256_finish(EVP_MD_CTX* ctx) {
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int size = 0;
    if (EVP_DigestFinal_ex(ctx, digest.data(), &size) != 1) {
        throw fatal_error("OpenSSL: SHA-256 final failed");
    }
    constexpr std::string_view hex_digits = "0123456789abcdef";
    std::string hex;
    hex.reserve(2 * size);
    for (unsigned int i = 0; i < size; ++i) {
        hex.push_back(hex_digits[digest[i] >> 4U]);
        hex.push_back(hex_digits[digest[i] & 0x0FU]);
    }
    return hex;
}

}  // namespace

std::string sha256_hex(std::string_view bytes) {
    const auto ctx = sha256_begin();
    sha256_update(ctx.get(), bytes.data(), bytes.size());
    return sha256_finish(ctx.get());
}

result<std::string> sha256_file(const std::filesystem::path& path) {
    return digest_file(EVP_sha256(), path, "");
}

result<std::string> git_blob_sha1_file(const std::filesystem::path& path) {
    std::error_code ec;
    const auto size = std::filesystem::file_size(path, ec);
    if (ec) {
        return error{"cannot open " + path.string() + ": " + ec.message()};
    }
    // git hashes "blob SIZE\0" followed by the content.
    std::string header = "blob " + std::to_string(size);
    header.push_back('\0');
    return digest_file(EVP_sha1(), path, header);
}

namespace {

result<std::string> digest_file(const EVP_MD* md, const std::filesystem::path& path, std::string_view prefix) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return error{"cannot open " + path.string() + ": " + std::strerror(errno)};
    }
    const auto ctx = digest_begin(md);
    sha256_update(ctx.get(), prefix.data(), prefix.size());
    constexpr std::size_t chunk_size = 1 << 16;
    std::array<char, chunk_size> chunk{};
    while (in) {
        in.read(chunk.data(), chunk.size());
        const std::streamsize got = in.gcount();
        if (got > 0) {
            sha256_update(ctx.get(), chunk.data(), static_cast<std::size_t>(got));
        }
    }
    if (in.bad()) {
        return error{"cannot read " + path.string()};
    }
    return sha256_finish(ctx.get());
}

}  // namespace

}  // namespace eqb
