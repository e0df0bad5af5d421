#include "resolver/validator/trust_anchor_store.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace redoubt::resolver {
namespace {

dns::Name N(const std::string& text) { return *dns::Name::FromText(text); }

// A DNSKEY anchor record for `zone` (the store keeps its RDATA as given).
dns::Record DnskeyAt(const std::string& zone) {
  dns::Record r;
  r.owner = N(zone);
  r.type = dns::RrType::DNSKEY;
  r.rdata = {1, 1, 3, 13, 0xAB};
  return r;
}

std::string ClosestText(const TrustAnchorStore& store, const std::string& name) {
  const TrustAnchor* anchor = store.Closest(N(name));
  return anchor ? anchor->zone.ToText() : "none";
}

// RFC 4035 section 4.3: the anchor that covers a name is its closest enclosing one, whether the
// store tries each zone (a few anchors) or looks up the name's ancestors (many): the same
// answers, case ignored, and a zone that is only a string suffix ("xexample.") never covers.
TEST(TrustAnchorStoreTest, ClosestIsTheDeepestEnclosingAnchorWithFewOrManyAnchors) {
  for (size_t extra : {size_t{0}, TrustAnchorStore::kScanAtMost + 1}) {
    std::vector<dns::Record> records = {DnskeyAt("example."), DnskeyAt("sub.example."), DnskeyAt("org.")};
    for (size_t i = 0; i < extra; ++i) records.push_back(DnskeyAt("z" + std::to_string(i) + ".net."));
    TrustAnchorStore store(records, {});
    SCOPED_TRACE("anchors: " + std::to_string(records.size()));
    EXPECT_EQ(ClosestText(store, "www.sub.example."), "sub.example.");
    EXPECT_EQ(ClosestText(store, "WWW.Sub.EXAMPLE."), "sub.example.");
    EXPECT_EQ(ClosestText(store, "sub.example."), "sub.example.");
    EXPECT_EQ(ClosestText(store, "other.example."), "example.");
    EXPECT_EQ(ClosestText(store, "xsub.example."), "example.");  // Not below sub.example.
    // One label "x\003sub" whose last octets spell the zone's wire form: still not below it.
    EXPECT_EQ(ClosestText(store, "x\\003sub.example."), "example.");
    EXPECT_EQ(ClosestText(store, "xexample."), "none");
    EXPECT_EQ(ClosestText(store, "example.com."), "none");
    EXPECT_EQ(ClosestText(store, "a.b.c.org."), "org.");
    EXPECT_EQ(ClosestText(store, "."), "none");
    if (extra > 0) {
      EXPECT_EQ(ClosestText(store, "w.z3.net."), "z3.net.");
    }
  }
  TrustAnchorStore rooted({DnskeyAt("."), DnskeyAt("example.")}, {});
  EXPECT_EQ(ClosestText(rooted, "www.example."), "example.");
  EXPECT_EQ(ClosestText(rooted, "www.example.com."), ".");
  EXPECT_EQ(ClosestText(rooted, "."), ".");
}

// A copy answers from its own anchors (its zone lists are names, not pointers into the other).
TEST(TrustAnchorStoreTest, CopyAnswersLikeTheOriginal) {
  TrustAnchorStore copy;
  {
    TrustAnchorStore original({DnskeyAt("example."), DnskeyAt("a.example.")}, {});
    copy = original;
  }
  EXPECT_EQ(ClosestText(copy, "www.a.example."), "a.example.");
  EXPECT_EQ(ClosestText(copy, "b.example."), "example.");
}

}  // namespace
}  // namespace redoubt::resolver
