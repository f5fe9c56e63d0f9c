// SHA-256 against the FIPS 180-2 test vectors, in memory and from files.

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "data/sha256.hpp"

namespace {

TEST(data_sha256_test, known_vectors) {
    EXPECT_EQ(eqb::sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    EXPECT_EQ(eqb::sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    EXPECT_EQ(eqb::sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
              "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    EXPECT_EQ(eqb::sha256_hex(std::string(1000000, 'a')),
              "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(data_sha256_test, bytes_after_a_nul_count) {
    const std::string with_nul("a\0b", 3);
    EXPECT_NE(eqb::sha256_hex(with_nul), eqb::sha256_hex("a"));
    EXPECT_EQ(eqb::sha256_hex(with_nul).size(), 64U);
}

class data_sha256_file_test : public ::testing::Test {
  protected:
    void SetUp() override {
        dir_ = std::filesystem::temp_directory_path() / ("eqb-data-sha256-test-" + std::to_string(::getpid()));
        std::filesystem::create_directories(dir_);
    }
    void TearDown() override { std::filesystem::remove_all(dir_); }
    std::filesystem::path dir_;
};

TEST_F(data_sha256_file_test, a_file_hashes_as_its_bytes_across_read_chunks) {
    // Sizes around the 64 KiB read chunk, and the million-'a' vector.
    for (const std::size_t size :
         {std::size_t{0}, std::size_t{65535}, std::size_t{65536}, std::size_t{65537}, std::size_t{200000}}) {
        std::string bytes(size, '\0');
        for (std::size_t i = 0; i < size; ++i) {
            bytes[i] = static_cast<char>((i * 131) % 251);
        }
        const auto path = dir_ / ("f" + std::to_string(size));
        std::ofstream(path, std::ios::binary) << bytes;
        const auto digest = eqb::sha256_file(path);
        ASSERT_TRUE(digest.ok()) << digest.err().message;
        EXPECT_EQ(*digest, eqb::sha256_hex(bytes)) << "size " << size;
    }
    const auto million = dir_ / "million";
    std::ofstream(million, std::ios::binary) << std::string(1000000, 'a');
    const auto digest = eqb::sha256_file(million);
    ASSERT_TRUE(digest.ok());
    EXPECT_EQ(*digest, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST_F(data_sha256_file_test, a_missing_file_is_an_error_naming_it) {
    const auto path = dir_ / "absent.json";
    const auto digest = eqb::sha256_file(path);
    ASSERT_FALSE(digest.ok());
    EXPECT_NE(digest.err().message.find(path.string()), std::string::npos) << digest.err().message;
}

}  // namespace
