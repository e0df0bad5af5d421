#include "resolver/daemon/trust_anchors.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

#include "net/dns/rdata.h"
#include "resolver/daemon/root_hints.h"

namespace redoubt::resolver {
namespace {

std::string WriteFile(const std::string& name, const std::string& text) {
  std::string path = ::testing::TempDir() + "/" + name;
  std::ofstream(path) << text;
  return path;
}

constexpr char kP256Key[] =
    "mdsswUyr3DPW132mOi8V9xESWE8jTo0dxCjjnopKl+GqJxpVXckHAeF+KkxLbxILfDLUT0rAK9iUzy1L53eKGQ==";

// The compiled-in root anchors, whatever this machine's /usr/share/dns holds.
const RootAnchorChoice& BuiltinRoot() {
  static const RootAnchorChoice choice = ChooseRootAnchors(::testing::TempDir() + "/no-such-dir/root.key");
  return choice;
}

TEST(TrustAnchorsTest, BuiltinRootAnchorsAreTheTwoRootKskDs) {
  EXPECT_EQ(BuiltinRoot().source, "built-in");
  EXPECT_EQ(BuiltinRoot().warning, "");
  auto anchors = LoadTrustAnchors({}, &BuiltinRoot());
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
                               "example. 3600 IN DNSKEY 257 3 13 " + std::string(kP256Key) + "\n");
  auto anchors = LoadTrustAnchors({path}, /*root=*/nullptr);
  ASSERT_TRUE(anchors.has_value()) << anchors.error().ToString();
  EXPECT_EQ(anchors->size(), 2u);
  // builtin-root-anchor adds the root's two DS to the files' anchors.
  auto with_root = LoadTrustAnchors({path}, &BuiltinRoot());
  ASSERT_TRUE(with_root.has_value());
  EXPECT_EQ(with_root->size(), 4u);
  std::remove(path.c_str());
}

TEST(TrustAnchorsTest, NoFilesAndNoBuiltinAnchorGiveNoAnchors) {
  auto anchors = LoadTrustAnchors({}, /*root=*/nullptr);
  ASSERT_TRUE(anchors.has_value());
  EXPECT_TRUE(anchors->empty());
}

// RFC 4034 sections 5.3 and 2.2: the algorithm may be a mnemonic. The root DS written that way is
// the very record built in, so with builtin-root-anchor it is not counted twice.
TEST(TrustAnchorsTest, AlgorithmMnemonicsLoadAndMatchTheNumericForm) {
  std::string path = WriteFile("mnemonic.key",
                               ". IN DS 20326 RSASHA256 2 "
                               "E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D\n"
                               "example. IN DNSKEY 257 3 ECDSAP256SHA256 " + std::string(kP256Key) + "\n");
  auto anchors = LoadTrustAnchors({path}, /*root=*/nullptr);
  ASSERT_TRUE(anchors.has_value()) << anchors.error().ToString();
  ASSERT_EQ(anchors->size(), 2u);
  auto ds = dns::Decode<dns::rdata::DS>((*anchors)[0].rdata);
  ASSERT_TRUE(ds.has_value());
  EXPECT_EQ(ds->key_tag, 20326);
  EXPECT_EQ(ds->algorithm, dns::DnssecAlgorithm::RSASHA256);
  EXPECT_EQ(ds->digest_type, static_cast<uint8_t>(dns::DsDigestType::SHA256));
  auto key = dns::Decode<dns::rdata::DNSKEY>((*anchors)[1].rdata);
  ASSERT_TRUE(key.has_value());
  EXPECT_EQ(key->algorithm, dns::DnssecAlgorithm::ECDSAP256SHA256);
  auto with_root = LoadTrustAnchors({path}, &BuiltinRoot());
  ASSERT_TRUE(with_root.has_value());
  EXPECT_EQ(with_root->size(), 3u);  // KSK-2017 and KSK-2024 DS, then the DNSKEY.
  std::remove(path.c_str());
}

TEST(TrustAnchorsTest, OtherRecordsAndBadFilesAreErrors) {
  std::string a_record = WriteFile("a.key", "www.example. 300 IN A 192.0.2.1\n");
  auto wrong = LoadTrustAnchors({a_record}, nullptr);
  ASSERT_FALSE(wrong.has_value());
  EXPECT_NE(wrong.error().ToString().find("is not a trust anchor"), std::string::npos);
  std::string zsk = WriteFile("zsk.key", "example. 300 IN DNSKEY 0 3 13 AAAA\n");
  EXPECT_FALSE(LoadTrustAnchors({zsk}, nullptr).has_value());
  std::string broken = WriteFile("broken.key", ". 300 IN DS 1 2\n");
  auto syntax = LoadTrustAnchors({broken}, nullptr);
  ASSERT_FALSE(syntax.has_value());
  EXPECT_NE(syntax.error().ToString().find("broken.key:1:"), std::string::npos);
  EXPECT_FALSE(LoadTrustAnchors({"/nonexistent/anchors.key"}, nullptr).has_value());
  for (const auto& p : {a_record, zsk, broken}) std::remove(p.c_str());
}

// Debian's dns-root-data file, when present and sound, gives the root's anchors (the
// distribution keeps it current across KSK rolls); it replaces the compiled-in DS set.
TEST(RootAnchorChoiceTest, DistroRootKeyFileIsUsedWhenSound) {
  std::string path = WriteFile("distro-root.key", ". IN DNSKEY 257 3 13 " + std::string(kP256Key) + " ; keytag x\n");
  RootAnchorChoice choice = ChooseRootAnchors(path);
  EXPECT_EQ(choice.source, path);
  EXPECT_EQ(choice.warning, "");
  ASSERT_EQ(choice.records.size(), 1u);
  EXPECT_EQ(choice.records[0].type, dns::RrType::DNSKEY);
  auto anchors = LoadTrustAnchors({}, &choice);
  ASSERT_TRUE(anchors.has_value());
  EXPECT_EQ(anchors->size(), 1u);  // Not the built-in DS as well.
  std::remove(path.c_str());
}

// A damaged or foreign file never stops the start: the built-in anchors, and a warning that
// names the file and what is wrong with it.
TEST(RootAnchorChoiceTest, DamagedOrForeignDistroFileFallsBackToTheBuiltinAnchors) {
  struct Row {
    const char* name;
    std::string text;
    const char* reason;
  };
  const Row rows[] = {
      {"syntax.key", ". IN DNSKEY 257 3\n", "syntax.key:1:"},
      {"empty.key", "; nothing\n", "no trust anchor"},
      {"zsk.key", ". IN DNSKEY 0 3 13 " + std::string(kP256Key) + "\n", "not a zone key"},
      {"other.key", "example. IN DNSKEY 257 3 13 " + std::string(kP256Key) + "\n", "other than the root"},
      {"a.key", ". IN A 192.0.2.1\n", "is not a trust anchor"},
  };
  for (const Row& row : rows) {
    std::string path = WriteFile(row.name, row.text);
    RootAnchorChoice choice = ChooseRootAnchors(path);
    EXPECT_EQ(choice.source, "built-in") << row.name;
    EXPECT_NE(choice.warning.find("not using the root anchors of " + path), std::string::npos) << choice.warning;
    EXPECT_NE(choice.warning.find(row.reason), std::string::npos) << choice.warning;
    EXPECT_EQ(choice.records.size(), 2u) << row.name;
    std::remove(path.c_str());
  }
}

// Issue #13: legacy-trust-anchors files hold zone KEYs that hold a key, nothing else.
TEST(TrustAnchorsTest, LegacyTrustPointsAreZoneKeysHoldingAKey) {
  std::string good = WriteFile("legacy.key", "legacy. 300 IN KEY 256 3 1 AwEAAcBUUWwBOW8=\n"
                                             "legacy. 300 IN KEY 256 3 5 AwEAAcBUUWwBOW8=\n");
  auto loaded = LoadLegacyTrustAnchors({good});
  ASSERT_TRUE(loaded.has_value()) << loaded.error().ToString();
  EXPECT_EQ(loaded->size(), 2u);
  std::string no_key = WriteFile("nokey.key", "unsigned.legacy. 300 IN KEY 49408 3 1\n");
  EXPECT_NE(LoadLegacyTrustAnchors({no_key}).error().ToString().find("not a zone key holding a key"),
            std::string::npos);
  std::string host_key = WriteFile("host.key", "host.legacy. 300 IN KEY 512 3 1 AwEAAcBUUWwBOW8=\n");
  EXPECT_FALSE(LoadLegacyTrustAnchors({host_key}).has_value());
  std::string dnskey = WriteFile("dnskey.key", "example. 300 IN DNSKEY 257 3 13 " + std::string(kP256Key) + "\n");
  EXPECT_NE(LoadLegacyTrustAnchors({dnskey}).error().ToString().find("is not a legacy trust anchor"),
            std::string::npos);
  std::string ecc = WriteFile("ecc.key", "legacy. 300 IN KEY 256 3 4 AwEAAcBUUWwBOW8=\n");
  EXPECT_NE(LoadLegacyTrustAnchors({ecc}).error().ToString().find("cannot verify"), std::string::npos);
  for (const auto& p : {good, no_key, host_key, dnskey, ecc}) std::remove(p.c_str());
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
