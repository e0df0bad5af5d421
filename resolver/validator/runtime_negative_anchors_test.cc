#include "resolver/validator/runtime_negative_anchors.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "resolver/validator/trust_anchor_store.h"

namespace redoubt::resolver {
namespace {

dns::Name N(const char* text) { return *dns::Name::FromText(text); }

class RuntimeNegativeAnchorsTest : public ::testing::Test {
 protected:
  int64_t now_ = 1'800'000'000;
  RuntimeNegativeAnchors anchors_{[this] { return now_; }};
  std::string path_ = (std::filesystem::temp_directory_path() /
                       ("redoubt-nta-" + std::to_string(getpid()))).string();
  void TearDown() override { std::filesystem::remove(path_); }
};

// RFC 7646 section 2: an NTA covers its zone and everything below, and nothing else.
TEST_F(RuntimeNegativeAnchorsTest, CoversTheZoneAndBelowOnly) {
  EXPECT_FALSE(anchors_.Covers(N("broken.example.")));
  ASSERT_TRUE(anchors_.Add(N("Broken.Example."), 600));
  EXPECT_TRUE(anchors_.Covers(N("broken.example.")));
  EXPECT_TRUE(anchors_.Covers(N("www.BROKEN.example.")));
  EXPECT_FALSE(anchors_.Covers(N("example.")));
  EXPECT_FALSE(anchors_.Covers(N("notbroken.example.")));
  ASSERT_EQ(anchors_.List().size(), 1u);
  EXPECT_EQ(anchors_.List()[0].zone.ToText(), "broken.example.");
}

// RFC 7646 section 2 "temporary": a forgotten NTA must not disable validation for ever.
TEST_F(RuntimeNegativeAnchorsTest, ALifetimeEndsAndTheZoneIsHandedBackForFlushing) {
  anchors_.Add(N("a.example."), 60);
  anchors_.Add(N("b.example."), 3600);
  now_ += 60;
  EXPECT_FALSE(anchors_.Covers(N("www.a.example."))) << "covered after its lifetime";
  EXPECT_TRUE(anchors_.Covers(N("www.b.example.")));
  auto expired = anchors_.TakeExpired();
  ASSERT_EQ(expired.size(), 1u);
  EXPECT_EQ(expired[0].ToText(), "a.example.");
  EXPECT_TRUE(anchors_.TakeExpired().empty());
  EXPECT_EQ(anchors_.List().size(), 1u);
}

TEST_F(RuntimeNegativeAnchorsTest, AddingAgainMovesTheEndAndRemoveForgets) {
  anchors_.Add(N("a.example."), 60);
  anchors_.Add(N("A.EXAMPLE."), 600);
  ASSERT_EQ(anchors_.List().size(), 1u);
  EXPECT_EQ(anchors_.List()[0].expires, now_ + 600);
  EXPECT_TRUE(anchors_.Remove(N("a.example.")));
  EXPECT_FALSE(anchors_.Remove(N("a.example.")));
  EXPECT_FALSE(anchors_.Covers(N("a.example.")));
}

// A flood of `nta add` cannot grow the set without bound.
TEST_F(RuntimeNegativeAnchorsTest, TheSetIsBounded) {
  for (size_t i = 0; i < kMaxRuntimeNegativeAnchors; ++i) {
    ASSERT_TRUE(anchors_.Add(*dns::Name::FromText("z" + std::to_string(i) + ".example."), 60));
  }
  EXPECT_FALSE(anchors_.Add(N("one-more.example."), 60));
  EXPECT_TRUE(anchors_.Add(N("z7.example."), 120)) << "extending an existing one is no growth";
}

// The state survives a restart; expired entries come back so that they get flushed.
TEST_F(RuntimeNegativeAnchorsTest, StateIsSavedAndLoaded) {
  anchors_.Add(N("a.example."), 60);
  anchors_.Add(N("b.example."), 3600);
  ASSERT_TRUE(anchors_.Save(path_));
  EXPECT_FALSE(std::filesystem::exists(path_ + ".tmp"));
  RuntimeNegativeAnchors restarted([this] { return now_ + 120; });
  ASSERT_TRUE(restarted.Load(path_));
  EXPECT_TRUE(restarted.Covers(N("www.b.example.")));
  EXPECT_FALSE(restarted.Covers(N("www.a.example.")));
  auto expired = restarted.TakeExpired();
  ASSERT_EQ(expired.size(), 1u);
  EXPECT_EQ(expired[0].ToText(), "a.example.");
}

TEST_F(RuntimeNegativeAnchorsTest, AMissingFileIsEmptyAndABadLineIsNamed) {
  ASSERT_TRUE(anchors_.Load(path_ + ".none"));
  EXPECT_TRUE(anchors_.List().empty());
  std::ofstream(path_) << "# header\nok.example. 1800000100\nbad line here\n";
  auto loaded = anchors_.Load(path_);
  ASSERT_FALSE(loaded);
  EXPECT_NE(loaded.error().find(path_ + ":3: expected 'ZONE EXPIRES'"), std::string::npos) << loaded.error();
  EXPECT_TRUE(anchors_.List().empty()) << "a bad file must not leave half a set";
}

// The store consults an attached runtime set (the validator's only question).
TEST(TrustAnchorStoreRuntime, AttachedRuntimeAnchorsCount) {
  int64_t now = 1000;
  RuntimeNegativeAnchors runtime([&] { return now; });
  TrustAnchorStore store({}, {N("configured.example.")});
  store.AttachRuntimeNegativeAnchors(&runtime);
  EXPECT_TRUE(store.UnderNegativeAnchor(N("www.configured.example.")));
  EXPECT_FALSE(store.UnderNegativeAnchor(N("www.added.example.")));
  runtime.Add(N("added.example."), 60);
  EXPECT_TRUE(store.UnderNegativeAnchor(N("www.added.example.")));
  now += 61;
  EXPECT_FALSE(store.UnderNegativeAnchor(N("www.added.example.")));
}

}  // namespace
}  // namespace redoubt::resolver
