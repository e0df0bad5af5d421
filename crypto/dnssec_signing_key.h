// DNSSEC private keys for every algorithm CanValidate() accepts: signatures made on the spot for
// the validator's tests, the crypto tests and lab tools. Generalises RsaSigningKey (which stays
// for the legacy RSA/MD5 signer). Verification is DnssecPublicKey's job.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "crypto/openssl_ptr.h"
#include "net/base/result.h"
#include "net/dns/name.h"
#include "net/dns/rdata/dnssec.h"
#include "net/dns/types.h"

namespace redoubt::crypto {

class DnssecSigningKey {
 public:
  // A fresh key pair for `algorithm` (RFC 3110 / RFC 5702 RSA of `rsa_bits` bits with exponent
  // 65537; RFC 6605 P-256 or P-384; RFC 8080 Ed25519 or Ed448). Algorithms CanValidate()
  // refuses fail with kUnsupported; an OpenSSL failure (RSA under 512 bits) with kCryptoFailure.
  // Any `rsa_bits` OpenSSL accepts is allowed, so that tests can make keys the validator refuses.
  static Result<DnssecSigningKey> Generate(dns::DnssecAlgorithm algorithm,
                                           unsigned rsa_bits = 2048);

  dns::DnssecAlgorithm algorithm() const noexcept { return algorithm_; }

  // The DNSKEY public key field (RFC 4034 section 2.1.4) in the exact format
  // DnssecPublicKey::Import reads: RFC 3110 section 2, RFC 6605 section 4 (x | y) or RFC 8080
  // section 3 (the raw public key).
  std::vector<uint8_t> PublicKeyField() const;

  // A signature of `data` in RRSIG Signature field form (what DnssecPublicKey::Verify reads):
  // RSA PKCS#1 v1.5 as long as the modulus (RFC 3110 section 3, RFC 5702 section 3), ECDSA r | s
  // (RFC 6605 section 4), pure EdDSA (RFC 8080 section 4). Fails with kCryptoFailure.
  Result<std::vector<uint8_t>> Sign(std::span<const uint8_t> data) const;

 private:
  DnssecSigningKey(dns::DnssecAlgorithm algorithm, EvpPkeyPtr key) noexcept
      : algorithm_(algorithm), key_(std::move(key)) {}

  dns::DnssecAlgorithm algorithm_;
  EvpPkeyPtr key_;
};

// Test/lab helper: the DNSKEY RDATA (RFC 4034 section 2.1, wire form) for `key`: `flags`
// (257 for a KSK, 256 for a ZSK), protocol 3, the key's algorithm, its public key field.
std::vector<uint8_t> DnskeyRdata(const DnssecSigningKey& key, uint16_t flags);

// Signs the class IN RRset `owner`/`type` whose RDATA (storage form) are `rdatas`: builds the
// RRSIG (RFC 4034 section 3.1: type covered, algorithm, labels = the owner's label count without
// a leading "*" label (section 3.1.3), original TTL, expiration, inception, key tag
// (Appendix B) of DnskeyRdata(key, key_flags), signer), computes dns::SignedData
// (section 3.1.8.1), signs it, and returns the finished RRSIG. Fails with the SignedData error
// (bad RDATA) or kCryptoFailure.
Result<dns::rdata::RRSIG> SignRRset(const DnssecSigningKey& key, uint16_t key_flags,
                                    const dns::Name& signer, const dns::Name& owner,
                                    dns::RrType type, uint32_t original_ttl,
                                    std::span<const std::vector<uint8_t>> rdatas,
                                    uint32_t inception, uint32_t expiration);

}  // namespace redoubt::crypto
