// Key redaction: whole tokens only, only keys long enough to be secret, and a
// note for the short ones.

#include <gtest/gtest.h>

#include <string>

#include "core/secret.hpp"

namespace {

// Key-shaped strings are built from parts so that nothing key-like is committed.
const std::string long_key = std::string("sk-") + "test" + "0123456789";

TEST(secret_test, whole_tokens_of_a_long_key_are_redacted) {
    EXPECT_EQ(eqb::secret_redact("Bearer " + long_key + " was refused", long_key), "Bearer [REDACTED] was refused");
    EXPECT_EQ(eqb::secret_redact("\"key\":\"" + long_key + "\"", long_key), "\"key\":\"[REDACTED]\"");
    EXPECT_EQ(eqb::secret_redact(long_key + "," + long_key, long_key), "[REDACTED],[REDACTED]");
    // Part of a longer token is not the key.
    EXPECT_EQ(eqb::secret_redact("x" + long_key, long_key), "x" + long_key);
    EXPECT_EQ(eqb::secret_redact(long_key + "9", long_key), long_key + "9");
    EXPECT_EQ(eqb::secret_redact(long_key + "-x " + long_key, long_key), long_key + "-x [REDACTED]");
}

TEST(secret_test, short_keys_change_nothing) {
    for (const std::string key : {"e", "a", "sk-1", "none", "1234567"}) {
        SCOPED_TRACE(key);
        const std::string answer = "Remorseful: 2\nSkeptical: 8\nnone of these\n" + key;
        EXPECT_EQ(eqb::secret_redact(answer, key), answer);
        EXPECT_FALSE(eqb::secret_redactable(key));
        const std::string note = eqb::secret_short_key_note(key, "OPENAI_API_KEY");
        EXPECT_NE(note.find("OPENAI_API_KEY"), std::string::npos);
        EXPECT_NE(note.find("shorter than 8"), std::string::npos);
    }
    EXPECT_TRUE(eqb::secret_short_key_note("", "OPENAI_API_KEY").empty());
    EXPECT_TRUE(eqb::secret_short_key_note(long_key, "OPENAI_API_KEY").empty());
    EXPECT_EQ(eqb::secret_short_key_note(long_key, "X").find(long_key), std::string::npos);
}

}  // namespace
