#include "crypto/ds_digest.h"

#include <optional>

#include "crypto/dnssec_algorithms.h"
#include "net/dns/canonical.h"

namespace redoubt::crypto {
namespace {

constexpr size_t kDnskeyFixedLength = 4;  // Flags (2), protocol (1), algorithm (1).

std::optional<DigestAlgorithm> DsHash(uint8_t digest_type) noexcept {
  switch (digest_type) {
    case 1: return DigestAlgorithm::kSha1;
    case 2: return DigestAlgorithm::kSha256;
    case 4: return DigestAlgorithm::kSha384;
    default: return std::nullopt;
  }
}

}  // namespace

Result<Digest> DsDigest(uint8_t digest_type, const dns::Name& owner,
                        std::span<const uint8_t> dnskey_rdata) {
  std::optional<DigestAlgorithm> hash = DsHash(digest_type);
  if (!hash) return Fail(Errc::kUnsupported);
  dns::Name canonical = owner.ToLower();
  return ComputeDigest(*hash, {canonical.wire(), dnskey_rdata});
}

bool DsMatchesKey(const dns::rdata::DS& ds, const dns::Name& owner,
                  std::span<const uint8_t> dnskey_rdata) {
  if (dnskey_rdata.size() < kDnskeyFixedLength || !CanDigestDs(ds.digest_type)) return false;
  if (static_cast<uint8_t>(ds.algorithm) != dnskey_rdata[3]) return false;
  if (ds.key_tag != dns::KeyTag(dnskey_rdata)) return false;
  Result<Digest> digest = DsDigest(ds.digest_type, owner, dnskey_rdata);
  if (!digest || digest->size() != ds.digest.bytes.size()) return false;
  return *digest == Digest(ds.digest.bytes);
}

}  // namespace redoubt::crypto
