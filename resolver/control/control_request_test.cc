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

TEST(ControlRequest, NamesOfCommandsRoundTrip) {
  for (std::string_view name : ControlCommandNames()) {
    bool takes_name = name == "flush" || name == "flush-zone" || name == "mirror-refresh";
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

}  // namespace
}  // namespace redoubt::resolver
