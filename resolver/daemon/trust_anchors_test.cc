#include "resolver/daemon/trust_anchors.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

#include "resolver/daemon/root_hints.h"

namespace redoubt::resolver {
namespace {

std::string WriteFile(const std::string& name, const std::string& text) {
  std::string path = ::testing::TempDir() + "/" + name;
  std::ofstream(path) << text;
  return path;
}

TEST(TrustAnchorsTest, BuiltinRootAnchorsAreTheTwoRootKskDs) {
  auto anchors = LoadTrustAnchors({});
  ASSERT_TRUE(anchors.has_value());
  ASSERT_EQ(anchors->size(), 2u);
  for (const auto& r : *anchors) {
    EXPECT_TRUE(r.owner.IsRoot());
    EXPECT_EQ(r.type, dns::RrType::DS);
  }
}

TEST(TrustAnchorsTest, FilesWithDsAndDnskeyLoad) {
  std::string path = WriteFile("anchors.key",
                               ". 3600 IN DS 12345 13 2 "
                               "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n"
                               "example. 3600 IN DNSKEY 257 3 13 "
                               "mdsswUyr3DPW132mOi8V9xESWE8jTo0dxCjjnopKl+GqJxpVXckHAeF+KkxLbxILfDLUT0rAK9iUzy1L53eKGQ==\n");
  auto anchors = LoadTrustAnchors({path});
  ASSERT_TRUE(anchors.has_value()) << anchors.error().ToString();
  EXPECT_EQ(anchors->size(), 2u);
  std::remove(path.c_str());
}

TEST(TrustAnchorsTest, OtherRecordsAndBadFilesAreErrors) {
  std::string a_record = WriteFile("a.key", "www.example. 300 IN A 192.0.2.1\n");
  auto wrong = LoadTrustAnchors({a_record});
  ASSERT_FALSE(wrong.has_value());
  EXPECT_NE(wrong.error().ToString().find("is not a trust anchor"), std::string::npos);
  std::string zsk = WriteFile("zsk.key", "example. 300 IN DNSKEY 0 3 13 AAAA\n");
  EXPECT_FALSE(LoadTrustAnchors({zsk}).has_value());
  std::string broken = WriteFile("broken.key", ". 300 IN DS 1 2\n");
  auto syntax = LoadTrustAnchors({broken});
  ASSERT_FALSE(syntax.has_value());
  EXPECT_NE(syntax.error().ToString().find("broken.key:1:"), std::string::npos);
  EXPECT_FALSE(LoadTrustAnchors({"/nonexistent/anchors.key"}).has_value());
  for (const auto& p : {a_record, zsk, broken}) std::remove(p.c_str());
}

TEST(RootHintsTest, BuiltinHintsHaveThirteenServersWithAddresses) {
  auto hints = LoadRootHints("");
  ASSERT_TRUE(hints.has_value());
  EXPECT_EQ(hints->servers.size(), 13u);
  for (const auto& server : hints->servers) EXPECT_EQ(server.addresses.size(), 2u) << server.name.ToText();
}

TEST(RootHintsTest, HintsWithoutAddressesAreRejected) {
  std::string path = WriteFile("hints.zone", ". 3600 NS a.root.example.\n");
  auto hints = LoadRootHints(path);
  ASSERT_FALSE(hints.has_value());
  EXPECT_NE(hints.error().ToString().find("no root name server with an address"), std::string::npos);
  std::remove(path.c_str());
}

}  // namespace
}  // namespace redoubt::resolver
