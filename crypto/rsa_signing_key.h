// RSA private keys for signing DNS data: the lab's legacy signer (RFC 2065 section 4.1.2,
// RFC 2537 RSA/MD5; RFC 3110 RSA/SHA-1) and validator tests that need signatures made on the
// spot. Verification lives with the validator; this is the signing half only.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "crypto/openssl_ptr.h"
#include "net/base/result.h"

namespace redoubt::crypto {

// DNSSEC algorithm numbers an RSA key can sign with (RFC 4034 Appendix A.1, RFC 5702).
enum class RsaAlgorithm : uint8_t { kRsaMd5 = 1, kRsaSha1 = 5, kRsaSha256 = 8, kRsaSha512 = 10 };

// Maps a DNSSEC algorithm number to RsaAlgorithm; fails with kUnsupported for anything else.
Result<RsaAlgorithm> RsaAlgorithmFromNumber(uint8_t number);

// The DNS public key field (RFC 3110 section 2, RFC 2537 section 2) of an RSA `key`: exponent
// length (one octet, or zero then two octets when over 255), exponent, modulus; big-endian, no
// leading zeros. Shared by RsaSigningKey and DnssecSigningKey.
std::vector<uint8_t> RsaPublicKeyField(const EVP_PKEY* key);

class RsaSigningKey {
 public:
  // Reads a PEM private key (PKCS#1 or PKCS#8, as `openssl genrsa` writes it). Fails with
  // kCryptoFailure when the file is unreadable or holds no RSA key.
  static Result<RsaSigningKey> LoadPem(const std::string& path);
  // Makes a fresh key of `bits` bits with exponent 65537.
  static Result<RsaSigningKey> Generate(unsigned bits);

  // The public key in DNS form (RFC 3110 section 2, RFC 2537 section 2): exponent length (one
  // octet, or zero then two octets when over 255), exponent, modulus; all big-endian, no
  // leading zeros. This is the KEY/DNSKEY public key field.
  std::vector<uint8_t> PublicKeyField() const;

  // PKCS#1 v1.5 signature of `data` with the algorithm's hash (RFC 2537 section 3 for MD5,
  // RFC 3110 section 3, RFC 5702 section 3). For RSA/MD5 leading zero octets are removed as
  // RFC 2537 requires; the others keep the modulus length.
  Result<std::vector<uint8_t>> Sign(RsaAlgorithm algorithm, std::span<const uint8_t> data) const;

  // Checks `signature` over `data` (left-padding a short RSA/MD5 signature); for tests of the
  // signer and of hand-made vectors.
  bool Verify(RsaAlgorithm algorithm, std::span<const uint8_t> data,
              std::span<const uint8_t> signature) const;

 private:
  explicit RsaSigningKey(EvpPkeyPtr key) : key_(std::move(key)) {}
  EvpPkeyPtr key_;
};

}  // namespace redoubt::crypto
