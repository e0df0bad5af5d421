// RFC 8509's decision as a truth table: which answers become SERVFAIL.
#include "resolver/query/root_key_sentinel.h"

#include <gtest/gtest.h>

#include <vector>

namespace redoubt::resolver {
namespace {

dns::Name N(const char* text) { return *dns::Name::FromText(text); }

TEST(RootKeySentinel, LabelsAreReadExactly) {
  struct Row {
    const char* qname;
    SentinelKind kind;
    uint16_t tag;
  };
  const Row rows[] = {
      {"root-key-sentinel-is-ta-20326.example.", SentinelKind::kIsTa, 20326},
      {"ROOT-KEY-SENTINEL-NOT-TA-38696.example.", SentinelKind::kNotTa, 38696},
      {"root-key-sentinel-is-ta-00001.", SentinelKind::kIsTa, 1},
      {"root-key-sentinel-is-ta-65535.x.", SentinelKind::kIsTa, 65535},
      {"root-key-sentinel-is-ta-65536.x.", SentinelKind::kNone, 0},    // Not a key tag.
      {"root-key-sentinel-is-ta-2032.x.", SentinelKind::kNone, 0},     // Four digits.
      {"root-key-sentinel-is-ta-203260.x.", SentinelKind::kNone, 0},   // Six digits.
      {"root-key-sentinel-is-ta-2032a.x.", SentinelKind::kNone, 0},
      {"www.root-key-sentinel-is-ta-20326.x.", SentinelKind::kNone, 0},  // Leftmost label only.
      {"root-key-sentinel-is-tb-20326.x.", SentinelKind::kNone, 0},
      {"example.", SentinelKind::kNone, 0},
      {".", SentinelKind::kNone, 0},
  };
  for (const Row& row : rows) {
    SentinelLabel label = ParseSentinelLabel(N(row.qname));
    EXPECT_EQ(label.kind, row.kind) << row.qname;
    EXPECT_EQ(label.key_tag, row.tag) << row.qname;
  }
}

// RFC 8509 section 3.2, with the root trusting key 20326 only.
TEST(RootKeySentinel, SecureAnswersAreRefusedByTheRule) {
  const std::vector<uint16_t> root{20326};
  const SentinelLabel is_trusted{SentinelKind::kIsTa, 20326}, is_other{SentinelKind::kIsTa, 38696};
  const SentinelLabel not_trusted{SentinelKind::kNotTa, 20326}, not_other{SentinelKind::kNotTa, 38696};
  struct Row {
    SentinelLabel label;
    dns::RrType qtype;
    dns::Security security;
    bool refused;
    dns::Rcode rcode = dns::Rcode::NOERROR;
  };
  const Row rows[] = {
      {is_trusted, dns::RrType::A, dns::Security::kSecure, false},
      {is_other, dns::RrType::A, dns::Security::kSecure, true},
      {not_trusted, dns::RrType::AAAA, dns::Security::kSecure, true},
      {not_other, dns::RrType::AAAA, dns::Security::kSecure, false},
      // Not validated as secure: left alone (the client learns the resolver does not validate).
      {is_other, dns::RrType::A, dns::Security::kInsecure, false},
      {not_trusted, dns::RrType::A, dns::Security::kIndeterminate, false},
      {is_other, dns::RrType::A, dns::Security::kBogus, false},
      // Only A and AAAA.
      {is_other, dns::RrType::TXT, dns::Security::kSecure, false},
      {not_trusted, dns::RrType::MX, dns::Security::kSecure, false},
      // Negative answers are not judged.
      {is_other, dns::RrType::A, dns::Security::kSecure, false, dns::Rcode::NXDOMAIN},
      {not_trusted, dns::RrType::A, dns::Security::kSecure, false, dns::Rcode::SERVFAIL},
      // No sentinel label.
      {SentinelLabel{}, dns::RrType::A, dns::Security::kSecure, false},
  };
  for (const Row& row : rows) {
    EXPECT_EQ(SentinelRefuses(row.label, row.qtype, row.rcode, row.security, root), row.refused)
        << static_cast<int>(row.label.kind) << " " << row.label.key_tag << " " << dns::RrTypeToText(row.qtype);
  }
  EXPECT_TRUE(SentinelRefuses(is_trusted, dns::RrType::A, dns::Rcode::NOERROR, dns::Security::kSecure, {}))
      << "with no root anchor no key is trusted";
}

}  // namespace
}  // namespace redoubt::resolver
