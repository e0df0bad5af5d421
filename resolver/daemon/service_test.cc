// Running as a service (service.h): the READY=1 message, the privilege plan and the checks that
// decide whether `user:` can keep writing the cache. The switch itself needs root and a second
// account: tests/integration/service.sh runs it for real.
#include "resolver/daemon/service.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace redoubt::resolver {
namespace {

Endpoint At(const char* text) { return *Endpoint::Parse(text); }

TEST(ReadyMessageTest, NamesAddressesWorkersAndMetrics) {
  EXPECT_EQ(ReadyMessage({At("127.0.0.1:53"), At("[::1]:53")}, 2, At("127.0.0.1:9153")),
            "READY=1\nSTATUS=answering on 127.0.0.1:53 [::1]:53 with 2 workers; metrics on 127.0.0.1:9153");
  EXPECT_EQ(ReadyMessage({At("127.0.0.1:5300")}, 1, std::nullopt),
            "READY=1\nSTATUS=answering on 127.0.0.1:5300 with 1 worker");
}

TEST(PlanPrivilegesTest, RootSwitchesOnlyWithAUser) {
  EXPECT_EQ(PlanPrivileges(0, "", std::nullopt), PrivilegeAction::kWarnRoot);
  EXPECT_EQ(PlanPrivileges(0, "redoubt", 101), PrivilegeAction::kSwitch);
  EXPECT_EQ(PlanPrivileges(101, "", std::nullopt), PrivilegeAction::kNone);
  EXPECT_EQ(PlanPrivileges(101, "redoubt", 101), PrivilegeAction::kAlreadyThatUser);
  EXPECT_EQ(PlanPrivileges(1000, "redoubt", 101), PrivilegeAction::kWarnOtherUser);
}

TEST(PlanPrivilegesTest, MessagesSayWhatHappens) {
  EXPECT_EQ(PlanMessage(PrivilegeAction::kWarnRoot, "", 0),
            "warning: running as root; set user: to drop privileges after binding");
  EXPECT_EQ(PlanMessage(PrivilegeAction::kAlreadyThatUser, "redoubt", 101),
            "running as user 'redoubt' already (uid 101): no switch needed");
  EXPECT_EQ(PlanMessage(PrivilegeAction::kWarnOtherUser, "redoubt", 1000).rfind("warning: user: is 'redoubt'", 0), 0u);
  EXPECT_EQ(PlanMessage(PrivilegeAction::kSwitch, "redoubt", 0), "");
  EXPECT_EQ(PlanMessage(PrivilegeAction::kNone, "", 101), "");
}

TEST(WritableByTest, OneClassOfBitsDecides) {
  UserAccount user{"redoubt", 101, 102, {102, 7}};
  EXPECT_TRUE(WritableBy(user, 101, 0, 0700, true));
  EXPECT_FALSE(WritableBy(user, 101, 0, 0500, true));
  EXPECT_FALSE(WritableBy(user, 101, 0, 0600, true));   // No search bit on a directory.
  EXPECT_TRUE(WritableBy(user, 101, 0, 0600, false));   // Enough for a file.
  EXPECT_FALSE(WritableBy(user, 101, 102, 0070, true));  // The owner's bits win, even if worse.
  EXPECT_TRUE(WritableBy(user, 0, 102, 0770, true));     // Primary group.
  EXPECT_TRUE(WritableBy(user, 0, 7, 0770, true));       // Supplementary group.
  EXPECT_FALSE(WritableBy(user, 0, 8, 0770, true));
  EXPECT_TRUE(WritableBy(user, 0, 8, 0777, true));       // Others.
  EXPECT_FALSE(WritableBy(user, 0, 0, 0700, true));      // Root-owned 0700: the case to refuse.
  EXPECT_TRUE(WritableBy(UserAccount{"root", 0, 0, {0}}, 5, 5, 0, true));
}

class CacheWritableTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("redoubt-service-test-" + std::to_string(getpid()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path dir_;
  // Someone who neither owns the directory nor is in its group.
  UserAccount stranger_{"stranger", getuid() + 4242, getgid() + 4242, {getgid() + 4242}};
};

TEST_F(CacheWritableTest, NamesTheDirectoryAndTheUser) {
  chmod(dir_.c_str(), 0700);
  auto checked = CheckCacheWritable(dir_.string(), stranger_);
  ASSERT_FALSE(checked.has_value());
  EXPECT_NE(checked.error().find("cache directory " + dir_.string() + ": " + dir_.string() + " is not writable by "
                                 "user 'stranger' (uid " + std::to_string(stranger_.uid) + ")"),
            std::string::npos)
      << checked.error();
  chmod(dir_.c_str(), 0777);
  EXPECT_TRUE(CheckCacheWritable(dir_.string(), stranger_).has_value());
}

TEST_F(CacheWritableTest, LmdbFilesMustBeWritableToo) {
  chmod(dir_.c_str(), 0777);
  std::ofstream(dir_ / "data.mdb") << "x";
  chmod((dir_ / "data.mdb").c_str(), 0644);
  auto checked = CheckCacheWritable(dir_.string(), stranger_);
  ASSERT_FALSE(checked.has_value());
  EXPECT_NE(checked.error().find((dir_ / "data.mdb").string() + " is not writable by user 'stranger'"),
            std::string::npos);
  chmod((dir_ / "data.mdb").c_str(), 0666);
  EXPECT_TRUE(CheckCacheWritable(dir_.string(), stranger_).has_value());
}

TEST_F(CacheWritableTest, MissingDirectoryIsLeftToTheOpen) {
  EXPECT_TRUE(CheckCacheWritable((dir_ / "absent").string(), stranger_).has_value());
  std::ofstream(dir_ / "file") << "x";
  auto checked = CheckCacheWritable((dir_ / "file").string(), stranger_);
  ASSERT_FALSE(checked.has_value());
  EXPECT_NE(checked.error().find("is not a directory"), std::string::npos);
}

TEST(LookUpUserTest, KnownAndUnknownNames) {
  auto root = LookUpUser("root");
  ASSERT_TRUE(root.has_value()) << root.error();
  EXPECT_EQ(root->uid, 0u);
  EXPECT_EQ(root->gid, 0u);
  EXPECT_FALSE(root->groups.empty());
  auto unknown = LookUpUser("no-such-user-redoubt-test");
  ASSERT_FALSE(unknown.has_value());
  EXPECT_EQ(unknown.error(), "user 'no-such-user-redoubt-test' (setting user:) does not exist");
}

}  // namespace
}  // namespace redoubt::resolver
