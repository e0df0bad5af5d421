// Test helpers for RFC 5011 rollovers (anchor_rollover_test, the daemon's anchor maintainer
// tests): a KSK with real keys, and a zone's DNSKEY RRset signed as a zone publishes it.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "crypto/dnssec_signing_key.h"
#include "crypto/ds_digest.h"
#include "net/dns/canonical.h"
#include "net/dns/rrset.h"
#include "resolver/validator/anchor_maintenance.h"

namespace redoubt::resolver::testing {

constexpr int64_t kRolloverT0 = 1'767'225'600;  // 2026-01-01.
constexpr int64_t kDay = 86400;
constexpr uint32_t kRootDnskeyTtl = 172800;  // The root's DNSKEY TTL.

// A key-signing key (flags 257, ECDSA P-256) made for the test.
class LabKey {
 public:
  LabKey() : key_(*crypto::DnssecSigningKey::Generate(dns::DnssecAlgorithm::ECDSAP256SHA256)) {}
  std::vector<uint8_t> Rdata(bool revoked = false) const { return crypto::DnskeyRdata(key_, Flags(revoked)); }
  uint16_t Flags(bool revoked) const { return revoked ? 257 | kDnskeyRevokeFlag : 257; }
  uint16_t Tag(bool revoked = false) const { return dns::KeyTag(Rdata(revoked)); }
  const crypto::DnssecSigningKey& key() const { return key_; }

 private:
  crypto::DnssecSigningKey key_;
};

struct Signer {
  const LabKey* key;
  bool revoked = false;
};

// `zone`'s DNSKEY RRset as published at `now`: `rdatas`, signed by each of `signers` for two
// weeks from an hour ago (re-signed at every step, as the root is), TTL `ttl`.
inline dns::RRset PublishDnskeys(const dns::Name& zone, std::vector<std::vector<uint8_t>> rdatas,
                                 const std::vector<Signer>& signers, int64_t now,
                                 uint32_t ttl = kRootDnskeyTtl) {
  dns::RRset set;
  set.owner = zone;
  set.type = dns::RrType::DNSKEY;
  set.ttl = ttl;
  set.rdatas = std::move(rdatas);
  for (const Signer& s : signers) {
    auto sig = crypto::SignRRset(s.key->key(), s.key->Flags(s.revoked), zone, zone, dns::RrType::DNSKEY, ttl,
                                 set.rdatas, static_cast<uint32_t>(now - 3600), static_cast<uint32_t>(now + 14 * kDay));
    EXPECT_TRUE(sig.has_value());
    if (sig) set.sigs.push_back(*sig);
  }
  return set;
}

// The SHA-256 DS (RFC 4509) of `key` at `zone`.
inline dns::rdata::DS DsOf(const LabKey& key, const dns::Name& zone = dns::Name()) {
  dns::rdata::DS ds;
  ds.key_tag = dns::KeyTag(key.Rdata());
  ds.algorithm = dns::DnssecAlgorithm::ECDSAP256SHA256;
  ds.digest_type = 2;
  auto digest = crypto::DsDigest(2, zone, key.Rdata());
  if (digest) ds.digest.bytes.assign(digest->bytes().begin(), digest->bytes().end());
  return ds;
}

}  // namespace redoubt::resolver::testing
