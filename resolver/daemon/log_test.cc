// The daemon's logger (log.h): JSON escaping (RFC 8259 section 7, RFC 3629), RFC 3339 timestamps
// and the two line formats.
#include "resolver/daemon/log.h"

#include <gtest/gtest.h>

namespace redoubt::resolver {
namespace {

TEST(JsonEscapeTest, PlainTextPassesThrough) {
  EXPECT_EQ(JsonEscape(""), "");
  EXPECT_EQ(JsonEscape("listening on 127.0.0.1:53 with 2 workers"), "listening on 127.0.0.1:53 with 2 workers");
}

TEST(JsonEscapeTest, QuotesAndBackslashesAreEscaped) {
  EXPECT_EQ(JsonEscape("say \"hi\""), "say \\\"hi\\\"");
  EXPECT_EQ(JsonEscape("C:\\dir\\"), "C:\\\\dir\\\\");
  EXPECT_EQ(JsonEscape("/"), "/");  // Solidus may stay as it is.
}

TEST(JsonEscapeTest, ControlBytesAreEscaped) {
  EXPECT_EQ(JsonEscape("a\nb\tc\rd"), "a\\nb\\tc\\rd");
  EXPECT_EQ(JsonEscape("\b\f"), "\\b\\f");
  EXPECT_EQ(JsonEscape(std::string_view("\x00\x01\x1f\x7f", 4)), "\\u0000\\u0001\\u001f\\u007f");
  EXPECT_EQ(JsonEscape("\x1b[31mred"), "\\u001b[31mred");  // No terminal escapes reach a log viewer.
}

TEST(JsonEscapeTest, WellFormedUtf8IsKept) {
  EXPECT_EQ(JsonEscape("caf\xC3\xA9"), "caf\xC3\xA9");                   // U+00E9
  EXPECT_EQ(JsonEscape("\xE2\x82\xAC"), "\xE2\x82\xAC");                 // U+20AC
  EXPECT_EQ(JsonEscape("\xF0\x9F\x98\x80"), "\xF0\x9F\x98\x80");         // U+1F600
  EXPECT_EQ(JsonEscape("\xF4\x8F\xBF\xBF"), "\xF4\x8F\xBF\xBF");         // U+10FFFF
}

TEST(JsonEscapeTest, InvalidUtf8BecomesReplacementCharacters) {
  const std::string fffd = "\xEF\xBF\xBD";
  EXPECT_EQ(JsonEscape("a\xFF" "b"), "a" + fffd + "b");          // Never valid.
  EXPECT_EQ(JsonEscape("\x80"), fffd);                          // Stray continuation byte.
  EXPECT_EQ(JsonEscape("\xC3"), fffd);                          // Truncated at the end.
  EXPECT_EQ(JsonEscape("\xC3(x"), fffd + "(x");                 // Truncated mid-text.
  EXPECT_EQ(JsonEscape("\xC0\xAF"), fffd + fffd);               // Overlong '/'.
  EXPECT_EQ(JsonEscape("\xE0\x80\xAF"), fffd + fffd + fffd);    // Overlong, three bytes.
  EXPECT_EQ(JsonEscape("\xED\xA0\x80"), fffd + fffd + fffd);    // UTF-16 surrogate D800.
  EXPECT_EQ(JsonEscape("\xF4\x90\x80\x80"), fffd + fffd + fffd + fffd);  // Past U+10FFFF.
  EXPECT_EQ(JsonEscape("\xF5\x80"), fffd + fffd);
}

TEST(Rfc3339Test, UtcWithMilliseconds) {
  EXPECT_EQ(Rfc3339Utc(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(Rfc3339Utc(1796241700123), "2026-12-02T20:01:40.123Z");
  EXPECT_EQ(Rfc3339Utc(951782400007), "2000-02-29T00:00:00.007Z");  // Leap day.
  EXPECT_EQ(Rfc3339Utc(-1), "1969-12-31T23:59:59.999Z");
}

TEST(FormatLogLineTest, TextIsTheOldFormat) {
  EXPECT_EQ(FormatLogLine(LogFormat::kText, LogLevel::kError, "cannot listen", 0), "redoubt: cannot listen\n");
  EXPECT_EQ(FormatLogLine(LogFormat::kText, LogLevel::kInfo, "a \"b\"", 0), "redoubt: a \"b\"\n");
}

TEST(FormatLogLineTest, JsonHasTheStableKeys) {
  EXPECT_EQ(FormatLogLine(LogFormat::kJson, LogLevel::kWarning, "warning: \"x\"\n", 1796241700123),
            "{\"ts\":\"2026-12-02T20:01:40.123Z\",\"level\":\"warning\",\"msg\":\"warning: \\\"x\\\"\\n\"}\n");
  EXPECT_EQ(LevelName(LogLevel::kError), "error");
  EXPECT_EQ(LevelName(LogLevel::kInfo), "info");
  EXPECT_EQ(LevelName(LogLevel::kDebug), "debug");
}

}  // namespace
}  // namespace redoubt::resolver
