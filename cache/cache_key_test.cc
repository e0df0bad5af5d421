#include "cache/cache_key.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

namespace redoubt::cache {
namespace {

dns::Name N(const char* text) { return *dns::Name::FromText(text); }

TEST(CacheKeyTest, KeysOfANameAndItsSubtreeShareItsPrefix) {
  std::string zone = N("Example.").LookupKey();
  EXPECT_TRUE(RRsetKey(N("example."), dns::RrType::A).starts_with(zone));
  EXPECT_TRUE(RRsetKey(N("WWW.example."), dns::RrType::A).starts_with(zone));
  EXPECT_TRUE(NxDomainKey(N("nx.example.")).starts_with(zone));
  EXPECT_FALSE(RRsetKey(N("examples."), dns::RrType::A).starts_with(zone));
  EXPECT_NE(RRsetKey(N("example."), dns::RrType::A), RRsetKey(N("example."), dns::RrType::AAAA));
  EXPECT_EQ(RRsetKey(N("EXAMPLE."), dns::RrType::A), RRsetKey(N("example."), dns::RrType::A));
}

TEST(CacheKeyTest, NsecKeysSortInCanonicalOrder) {
  // RFC 4034 section 6.1's example order.
  std::vector<const char*> canonical = {"example.", "a.example.", "yljkjljk.a.example.",
                                        "Z.a.example.", "zABC.a.EXAMPLE.", "z.example.",
                                        "\\001.z.example.", "*.z.example.", "\\200.z.example."};
  std::vector<std::string> keys;
  for (const char* name : canonical) keys.push_back(NsecKey(N("example."), N(name)));
  EXPECT_TRUE(std::is_sorted(keys.begin(), keys.end()));
  for (const auto& key : keys) EXPECT_TRUE(key.starts_with(NsecPrefix(N("example."))));
}

// dump-cache names each entry by its key: the owner comes back, lowercased, for RRset,
// NODATA and NXDOMAIN keys (the root too); NSEC/NSEC3 keys and truncated keys give nothing.
TEST(CacheKeyTest, KeyOwnerReadsBackRRsetAndNxDomainOwners) {
  auto owner = [](const std::string& key) {
    auto name = KeyOwner(key);
    return name ? name->ToText() : std::string("none");
  };
  EXPECT_EQ(owner(RRsetKey(N("WwW.Example.COM."), dns::RrType::AAAA)), "www.example.com.");
  EXPECT_EQ(owner(NxDomainKey(N("gone.example."))), "gone.example.");
  EXPECT_EQ(owner(RRsetKey(dns::Name::Root(), dns::RrType::NS)), ".");
  EXPECT_EQ(owner(NsecKey(N("example."), N("a.example."))), "none");
  EXPECT_EQ(owner(Nsec3Key(N("example."), std::vector<uint8_t>{1, 2, 3})), "none");
  std::string key = RRsetKey(N("a.example."), dns::RrType::A);
  EXPECT_EQ(owner(key.substr(0, key.size() - 1)), "none");  // Cut short.
  EXPECT_EQ(owner(""), "none");
}

}  // namespace
}  // namespace redoubt::cache
