// The control reply renderer (control_reply.h): the layouts people read, and JSON that always
// parses, whatever octets a cached name or a server's message carries.
#include "resolver/control/control_reply.h"

#include <gtest/gtest.h>

#include <limits>

namespace redoubt::resolver {
namespace {

TEST(ControlReply, RecordLayoutAlignsValues) {
  ControlReply reply;
  reply.items.push_back({{"version", std::string("0.1.0")}, {"workers", uint64_t{2}}, {"validation", true}});
  EXPECT_EQ(RenderControlReply(reply, ControlFormat::kText),
            "version:    0.1.0\nworkers:    2\nvalidation: yes\n");
  EXPECT_EQ(RenderControlReply(reply, ControlFormat::kJson),
            "{\"ok\":true,\"message\":\"\",\"items\":[{\"version\":\"0.1.0\",\"workers\":2,\"validation\":true}]}\n");
}

TEST(ControlReply, TableLayoutHasAHeaderAndColumns) {
  ControlReply reply;
  reply.layout = ControlLayout::kTable;
  reply.items.push_back({{"zone", std::string("corp.example.")}, {"servers", std::string("10.0.0.1:53")}});
  reply.items.push_back({{"zone", std::string("a.")}, {"servers", std::string("10.0.0.2:53")}});
  EXPECT_EQ(RenderControlReply(reply, ControlFormat::kText),
            "zone           servers\ncorp.example.  10.0.0.1:53\na.             10.0.0.2:53\n");
}

TEST(ControlReply, LinesLayoutAndMessage) {
  ControlReply reply;
  reply.layout = ControlLayout::kLines;
  reply.message = "2 samples";
  reply.items.push_back({{"name", std::string("redoubt_up")}, {"value", 1.0}});
  reply.items.push_back({{"name", std::string("redoubt_ratio")}, {"value", 0.25}});
  EXPECT_EQ(RenderControlReply(reply, ControlFormat::kText), "2 samples\nredoubt_up 1\nredoubt_ratio 0.25\n");
}

TEST(ControlReply, ErrorsAndStatusLine) {
  ControlReply reply = ControlReply::Error("no cache: cache.enabled is false");
  EXPECT_EQ(EncodeControlReply(reply, ControlFormat::kText), "ERROR\nerror: no cache: cache.enabled is false\n");
  EXPECT_EQ(EncodeControlReply(reply, ControlFormat::kJson),
            "ERROR\n{\"ok\":false,\"error\":\"no cache: cache.enabled is false\"}\n");
  EXPECT_EQ(EncodeControlReply(ControlReply{}, ControlFormat::kText), "OK\n");
}

// A name from the wire may hold any octet (RFC 2181 section 11); the JSON must still parse.
TEST(ControlReply, JsonStringsEscapeEverythingUnsafe) {
  EXPECT_EQ(JsonString("a\"b\\c"), "\"a\\\"b\\\\c\"");
  EXPECT_EQ(JsonString("line\nnext\ttab"), "\"line\\nnext\\ttab\"");
  EXPECT_EQ(JsonString(std::string("nul\0bel\x07", 8)), "\"nul\\u0000bel\\u0007\"");
  EXPECT_EQ(JsonString("del\x7f"), "\"del\\u007f\"");
  EXPECT_EQ(JsonString("caf\xc3\xa9"), "\"caf\xc3\xa9\"");               // Valid UTF-8 kept.
  EXPECT_EQ(JsonString("bad\xff"), "\"bad\xef\xbf\xbd\"");             // Invalid octet.
  EXPECT_EQ(JsonString("\xc3"), "\"\xef\xbf\xbd\"");                   // Truncated sequence.
  EXPECT_EQ(JsonString("\xc0\xaf"), "\"\xef\xbf\xbd\xef\xbf\xbd\"");   // Overlong '/'.
  EXPECT_EQ(JsonString("\xed\xa0\x80"), "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"");  // Surrogate.
}

TEST(ControlReply, NonFiniteNumbersStayValidJson) {
  ControlReply reply;
  reply.items.push_back({{"inf", std::numeric_limits<double>::infinity()}});
  EXPECT_EQ(RenderControlReply(reply, ControlFormat::kJson),
            "{\"ok\":true,\"message\":\"\",\"items\":[{\"inf\":\"+Inf\"}]}\n");
}

}  // namespace
}  // namespace redoubt::resolver
