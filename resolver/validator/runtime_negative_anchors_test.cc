#include "resolver/validator/runtime_negative_anchors.h"

#include <gtest/gtest.h>


#include "resolver/validator/trust_anchor_store.h"

namespace redoubt::resolver {
namespace {

dns::Name N(const char* text) { return *dns::Name::FromText(text); }

class RuntimeNegativeAnchorsTest : public ::testing::Test {
 protected:
  int64_t now_ = 1'800'000'000;
  RuntimeNegativeAnchors anchors_{[this] { return now_; }};
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
TEST_F(RuntimeNegativeAnchorsTest, StateIsSerialisedAndRestored) {
  anchors_.Add(N("a.example."), 60);
  anchors_.Add(N("b.example."), 3600);
  RuntimeNegativeAnchors restarted([this] { return now_ + 120; });
  ASSERT_TRUE(restarted.Restore(anchors_.Serialize(), "state"));
  EXPECT_TRUE(restarted.Covers(N("www.b.example.")));
  EXPECT_FALSE(restarted.Covers(N("www.a.example.")));
  auto expired = restarted.TakeExpired();
  ASSERT_EQ(expired.size(), 1u);
  EXPECT_EQ(expired[0].ToText(), "a.example.");
}

TEST_F(RuntimeNegativeAnchorsTest, EmptyTextIsAnEmptySetAndABadLineIsNamed) {
  ASSERT_TRUE(anchors_.Restore("", "state"));
  EXPECT_TRUE(anchors_.List().empty());
  auto loaded = anchors_.Restore("# header\nok.example. 1800000100\nbad line here\n", "state");
  ASSERT_FALSE(loaded);
  EXPECT_NE(loaded.error().find("state:3: expected 'ZONE EXPIRES'"), std::string::npos) << loaded.error();
  EXPECT_FALSE(anchors_.Restore("not..a.name 5\n", "state")) << "a bad zone name is refused";
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
