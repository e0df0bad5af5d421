// The RFC 5011 state file (managed_anchor_file.h): saved atomically, read back equal, a missing
// file is no state, a malformed one names its line, and the saved file is a plain anchor file.
#include "resolver/daemon/managed_anchor_file.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdio>
#include <fstream>

#include "resolver/daemon/trust_anchors.h"

namespace redoubt::resolver {
namespace {

using KeyList = std::vector<std::vector<uint8_t>>;

std::vector<uint8_t> Key(uint8_t seed) {
  std::vector<uint8_t> rdata = {1, 1, 3,
                                static_cast<uint8_t>(dns::DnssecAlgorithm::ECDSAP256SHA256)};
  for (int i = 0; i < 64; ++i) rdata.push_back(static_cast<uint8_t>(seed + i));
  return rdata;
}

std::string TempPath(const std::string& name) {
  std::string path = ::testing::TempDir() + "/" + name;
  std::remove(path.c_str());
  return path;
}

TEST(ManagedAnchorFileTest, SaveThenLoadGivesTheSameState) {
  std::string path = TempPath("root.key.state");
  EXPECT_EQ(ManagedStatePath("/etc/redoubt/root.key"), "/etc/redoubt/root.key.state");
  TrustPointState root = InitialTrustPoint(dns::Name(), KeyList{Key(1)}, 1'767'225'600);
  root.keys.push_back(
      {Key(9), KeyState::kAddPend, 1'767'225'700, 1'767'225'700, 1'767'225'700, 1'769'817'700});
  ASSERT_TRUE(SaveManagedAnchorFile(path, {root}).has_value());
  auto loaded = LoadManagedAnchorFile(path);
  ASSERT_TRUE(loaded.has_value()) << loaded.error();
  ASSERT_TRUE(loaded->has_value());
  EXPECT_EQ(**loaded, std::vector{root});
  struct stat st {};
  EXPECT_NE(::stat((path + ".tmp").c_str(), &st), 0);  // No temporary left behind.
  // The daemon's anchor loader takes the state file as an anchor file: the Valid key only.
  auto anchors = LoadTrustAnchors({path}, /*root=*/nullptr);
  ASSERT_TRUE(anchors.has_value()) << anchors.error().ToString();
  ASSERT_EQ(anchors->size(), 1u);
  EXPECT_EQ((*anchors)[0].rdata, Key(1));
  std::remove(path.c_str());
}

TEST(ManagedAnchorFileTest, MissingFileIsNoState) {
  auto loaded = LoadManagedAnchorFile(TempPath("absent.state"));
  ASSERT_TRUE(loaded.has_value());
  EXPECT_FALSE(loaded->has_value());
}

TEST(ManagedAnchorFileTest, MalformedFileNamesPathAndLine) {
  std::string path = TempPath("bad.state");
  std::ofstream(path) << "; redoubt-managed-keys v1\n; trust-point . last-refresh never\n";
  auto loaded = LoadManagedAnchorFile(path);
  ASSERT_FALSE(loaded.has_value());
  EXPECT_EQ(loaded.error().rfind(path + ":2: ", 0), 0u) << loaded.error();
  std::remove(path.c_str());
}

TEST(ManagedAnchorFileTest, UnwritableDirectoryFailsAndLeavesNothing) {
  auto saved = SaveManagedAnchorFile("/nonexistent-dir-5011/root.key.state", {});
  ASSERT_FALSE(saved.has_value());
  EXPECT_NE(saved.error().find("/nonexistent-dir-5011/root.key.state.tmp"), std::string::npos);
}

}  // namespace
}  // namespace redoubt::resolver
