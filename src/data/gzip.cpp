#include "data/gzip.hpp"

#include <zlib.h>

#include <fstream>
#include <iterator>

namespace eqb {

result<std::string> gzip_decompress(const std::string& compressed) {
    z_stream stream{};
    // 16 + MAX_WBITS: gzip framing only (not zlib or raw deflate).
    constexpr int gzip_window_bits = 16 + MAX_WBITS;
    if (inflateInit2(&stream, gzip_window_bits) != Z_OK) {
        return error{"cannot start gzip decompression"};
    }
    std::string out;
    std::string chunk(1 << 16, '\0');
    stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed.data()));
    stream.avail_in = static_cast<uInt>(compressed.size());
    int status = Z_OK;
    while (true) {
        stream.next_out = reinterpret_cast<Bytef*>(chunk.data());
        stream.avail_out = static_cast<uInt>(chunk.size());
        status = inflate(&stream, Z_NO_FLUSH);
        if (status != Z_OK && status != Z_STREAM_END) {
            break;
        }
        out.append(chunk.data(), chunk.size() - stream.avail_out);
        if (status == Z_STREAM_END) {
            if (stream.avail_in == 0) {
                break;
            }
            // Another member follows (gunzip reads concatenated members as one file).
            if (inflateReset(&stream) != Z_OK) {
                status = Z_DATA_ERROR;
                break;
            }
        } else if (stream.avail_in == 0 && stream.avail_out != 0) {
            status = Z_BUF_ERROR;  // the input ended inside a member
            break;
        }
    }
    inflateEnd(&stream);
    if (status != Z_STREAM_END) {
        return error{status == Z_BUF_ERROR ? "gzip data is truncated" : "not valid gzip data"};
    }
    return out;
}

result<std::string> gzip_file_read(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return error{path.string() + ": cannot read the file"};
    }
    const std::string compressed((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto text = gzip_decompress(compressed);
    if (!text) {
        return error{path.string() + ": " + text.err().message};
    }
    return text;
}

}  // namespace eqb
