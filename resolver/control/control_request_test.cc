// The control request parser (control_request.h): the grammar as a table, and the inputs a local
// client could send to confuse the daemon.
#include "resolver/control/control_request.h"

#include <gtest/gtest.h>

namespace redoubt::resolver {
namespace {

TEST(ControlRequest, EveryCommandParsesWithItsArguments) {
  struct Row {
    const char* line;
    ControlCommand command;
    const char* name;  // Expected argument, or null.
  };
  const Row rows[] = {
      {"text status", ControlCommand::kStatus, nullptr},
      {"text stats", ControlCommand::kStats, nullptr},
      {"text flush www.example.com", ControlCommand::kFlush, "www.example.com."},
      {"text flush-zone example.com.", ControlCommand::kFlushZone, "example.com."},
      {"text flush-zone .", ControlCommand::kFlushZone, "."},
      {"text flush-all", ControlCommand::kFlushAll, nullptr},
      {"text flush-bogus", ControlCommand::kFlushBogus, nullptr},
      {"text flush-negative", ControlCommand::kFlushNegative, nullptr},
      {"text dump-cache", ControlCommand::kDumpCache, nullptr},
      {"text forward-zones", ControlCommand::kForwardZones, nullptr},
      {"text trust-anchors", ControlCommand::kTrustAnchors, nullptr},
      {"text mirror-refresh example.", ControlCommand::kMirrorRefresh, "example."},
      {"text nta-add broken.example", ControlCommand::kNtaAdd, "broken.example."},
      {"text nta-remove broken.example", ControlCommand::kNtaRemove, "broken.example."},
      {"text nta-list", ControlCommand::kNtaList, nullptr},
      {"text reload", ControlCommand::kReload, nullptr},
  };
  for (const Row& row : rows) {
    auto request = ParseControlRequest(std::string(row.line) + "\n");
    ASSERT_TRUE(request) << row.line << ": " << request.error();
    EXPECT_EQ(request->command, row.command) << row.line;
    EXPECT_EQ(request->format, ControlFormat::kText);
    if (row.name == nullptr) {
      EXPECT_FALSE(request->name.has_value()) << row.line;
    } else {
      ASSERT_TRUE(request->name.has_value()) << row.line;
      EXPECT_EQ(request->name->ToText(), row.name);
    }
  }
}

// nta-add's optional LIFETIME (RFC 7646 section 2: temporary).
TEST(ControlRequest, NtaAddTakesAnOptionalLifetime) {
  auto plain = ParseControlRequest("text nta-add broken.example");
  ASSERT_TRUE(plain) << plain.error();
  EXPECT_FALSE(plain->lifetime_seconds.has_value());
  auto timed = ParseControlRequest("json nta-add broken.example 2h");
  ASSERT_TRUE(timed) << timed.error();
  EXPECT_EQ(timed->lifetime_seconds, 7200u);
  for (const char* line : {"text nta-add", "text nta-add a.example 1h extra", "text nta-remove",
                           "text nta-remove a.example 1h", "text nta-list a.example",
                           "text reload /etc/redoubt/other.yaml"}) {
    EXPECT_FALSE(ParseControlRequest(line)) << line;
  }
  auto too_long = ParseControlRequest("text nta-add a.example 2w");
  ASSERT_FALSE(too_long);
  EXPECT_NE(too_long.error().find("one week"), std::string::npos) << too_long.error();
  auto bad_unit = ParseControlRequest("text nta-add a.example 2y");
  ASSERT_FALSE(bad_unit);
  EXPECT_NE(bad_unit.error().find("unknown unit 'y'"), std::string::npos) << bad_unit.error();
}

TEST(ControlRequest, NamesOfCommandsRoundTrip) {
  for (std::string_view name : ControlCommandNames()) {
    bool takes_name = name == "flush" || name == "flush-zone" || name == "mirror-refresh" ||
                      name == "nta-add" || name == "nta-remove";
    std::vector<std::string> arguments;
    if (takes_name) arguments.push_back("example.org");
    auto request = ParseControlRequest(FormatControlRequest(ControlFormat::kJson, name, arguments));
    ASSERT_TRUE(request) << name << ": " << request.error();
    EXPECT_EQ(ControlCommandName(request->command), name);
    EXPECT_EQ(request->format, ControlFormat::kJson);
  }
}

TEST(ControlRequest, RefusalsSayWhy) {
  struct Row {
    std::string line;
    const char* reason;
  };
  const Row rows[] = {
      {"", "empty request"},
      {"xml status", "unknown format 'xml'"},
      {"text", "no command; commands: status, stats"},
      {"text flsh a", "unknown command 'flsh'"},
      {"text flush", "flush takes one domain name"},
      {"text flush a b", "flush takes one domain name"},
      {"text status now", "status takes no argument"},
      {"text  status", "single spaces"},
      {"text status ", "single spaces"},
      {"text flush a..b", "is not a domain name"},
      {"text flush " + std::string(64, 'a') + ".com", "is not a domain name"},
      {std::string("text flush a\0b", 14), "printable ASCII"},
      {"text flush caf\xc3\xa9.example", "printable ASCII"},
      {"text\tstatus", "printable ASCII"},
      {"text status\r", "printable ASCII"},
      {"text flush " + std::string(2000, 'a'), "too long"},
  };
  for (const Row& row : rows) {
    auto request = ParseControlRequest(row.line);
    ASSERT_FALSE(request) << "accepted: " << row.line;
    EXPECT_NE(request.error().find(row.reason), std::string::npos) << row.line << " -> " << request.error();
  }
}

// `nta add ZONE LIFETIME`: RFC 7646 section 2 wants NTAs temporary; BIND caps them at a week.
TEST(NegativeAnchorLifetime, UnitsAndBounds) {
  struct Row {
    const char* text;
    uint32_t seconds;  // 0: refused.
  };
  const Row rows[] = {{"3600", 3600}, {"90s", 90}, {"30m", 1800}, {"1h", 3600}, {"2d", 172800},
                      {"1w", 604800}, {"8d", 0},   {"0", 0},       {"", 0},     {"h", 0},
                      {"1y", 0},      {"-5", 0},   {"1h30m", 0},   {"9999999999", 0}};
  for (const Row& row : rows) {
    auto parsed = ParseNegativeAnchorLifetime(row.text);
    if (row.seconds == 0) {
      EXPECT_FALSE(parsed) << row.text;
    } else {
      ASSERT_TRUE(parsed) << row.text << ": " << parsed.error();
      EXPECT_EQ(*parsed, row.seconds) << row.text;
    }
  }
}

}  // namespace
}  // namespace redoubt::resolver
