// DNSSEC public keys for signature verification: the DNSKEY public key field of each algorithm
// RFC 8624 section 3.1 says a validator must (or should) implement, imported once into OpenSSL
// and reused for every RRSIG check against that key (design guide section 6: the signed bytes
// are built in net/dns; the check is here). Below an operator-configured legacy trust point
// (AlgorithmPolicy::kLegacyTrustPoint) also the KEY public key field and SIG signatures of
// RFC 2535's RSA/MD5 (RFC 2537) and DSA (RFC 2536). Model: Unbound val_secalgo.c.
#pragma once

#include <cstdint>
#include <span>

#include "crypto/dnssec_algorithms.h"
#include "crypto/openssl_ptr.h"
#include "net/base/result.h"
#include "net/dns/types.h"

namespace redoubt::crypto {

class DnssecPublicKey {
 public:
  // Imports a DNSKEY public key field (RFC 4034 section 2.1.4) under the modern policy
  // (AlgorithmPolicy::kModern, RFC 8624 section 3.1):
  //  - RSA (5, 7, 8, 10): RFC 3110 section 2, exponent length in one octet (or a zero octet and
  //    two octets), exponent, modulus. A modulus outside 1024..4096 bits (RFC 3110 section 2,
  //    RFC 5702 section 2, RFC 8624 section 3.1) or an exponent over 64 bits fails with
  //    kUnsupported; an empty or even modulus or an empty exponent with kBadRdata.
  //  - ECDSA (13, 14): RFC 6605 section 4, the point as x | y, 64 octets for P-256, 96 for P-384.
  //  - EdDSA (15, 16): RFC 8080 section 3, 32 octets for Ed25519, 57 for Ed448.
  // Algorithms CanValidate() refuses fail with kUnsupported; fields of the wrong shape with
  // kBadRdata; a field OpenSSL refuses (an EC point not on the curve) with kCryptoFailure.
  // Never throws.
  static Result<DnssecPublicKey> Import(dns::DnssecAlgorithm algorithm,
                                        std::span<const uint8_t> public_key);

  // Imports a KEY or DNSKEY public key field under `policy`. kModern is the two-argument form.
  // kLegacyTrustPoint (only for data below an operator-configured legacy trust point) accepts
  // what CanValidateLegacy() accepts, and differs from kModern in:
  //  - RSAMD5 (1, RFC 2537 section 2) and RSASHA1 (5, RFC 3110 section 2): the RFC 3110 layout
  //    above with a modulus of 512..4096 bits (RFC 2537 section 2 and RFC 3110 section 2 allow
  //    512); the other RSA algorithms keep the 1024-bit floor.
  //  - DSA (3, RFC 2536 section 2): T (one octet, 0..8), Q (20 octets), then P, G and Y of
  //    64 + 8 T octets each, nothing after; any other shape fails with kBadRdata. OpenSSL 3.0's
  //    default provider imports and verifies DSA with SHA-1 as it is (its FIPS provider would
  //    refuse SHA-1 signatures).
  // Algorithms the policy refuses fail with kUnsupported. Never throws.
  static Result<DnssecPublicKey> Import(dns::DnssecAlgorithm algorithm,
                                        std::span<const uint8_t> public_key,
                                        AlgorithmPolicy policy);

  DnssecPublicKey(DnssecPublicKey&&) noexcept = default;
  DnssecPublicKey& operator=(DnssecPublicKey&&) noexcept = default;
  DnssecPublicKey(const DnssecPublicKey&) = delete;
  DnssecPublicKey& operator=(const DnssecPublicKey&) = delete;

  // True when `signature`, in the RRSIG Signature field form, verifies over `data`:
  //  - RSA: PKCS#1 v1.5 with SHA-1 (5, 7), SHA-256 (8) or SHA-512 (10), RFC 3110 section 3,
  //    RFC 5702 section 3; the signature must be exactly as long as the modulus.
  //  - RSAMD5 (1, legacy keys only): PKCS#1 v1.5 with MD5, RFC 2537 section 3. Signers strip
  //    leading zero octets, so a signature shorter than the modulus is left-padded with zeros;
  //    an empty or longer one gives false.
  //  - DSA (3, legacy keys only): RFC 2536 section 3, T | R | S, 41 octets, T equal to the key's;
  //    SHA-1 over the data; R and S re-encoded as DER for OpenSSL.
  //  - ECDSA: r | s, 64 octets (P-256, SHA-256) or 96 (P-384, SHA-384), RFC 6605 section 4;
  //    re-encoded as DER for OpenSSL.
  //  - EdDSA: pure Ed25519 (64 octets) or Ed448 (114 octets), RFC 8080 section 4.
  // Any malformed input gives false. Thread-compatible: a const method that may run
  // concurrently on one key. Never throws.
  bool Verify(std::span<const uint8_t> data, std::span<const uint8_t> signature) const noexcept;

  dns::DnssecAlgorithm algorithm() const noexcept { return algorithm_; }
  // The key size: RSA modulus bits; DSA P bits (512 + 64 T for a well-formed key); 256 (P-256),
  // 384 (P-384), 256 (Ed25519), 456 (Ed448) as OpenSSL's EVP_PKEY_get_bits and BIND's key
  // listings give them.
  unsigned bits() const noexcept { return bits_; }

 private:
  DnssecPublicKey(dns::DnssecAlgorithm algorithm, EvpPkeyPtr key, unsigned bits,
                  uint8_t dsa_t) noexcept
      : algorithm_(algorithm), key_(std::move(key)), bits_(bits), dsa_t_(dsa_t) {}

  dns::DnssecAlgorithm algorithm_;
  EvpPkeyPtr key_;
  unsigned bits_;
  uint8_t dsa_t_;  // DSA only: the key size parameter T every signature repeats (RFC 2536).
};

}  // namespace redoubt::crypto
