// HMAC (RFC 2104) over the digests of digest.h, through OpenSSL's EVP_MAC: the MAC of TSIG
// (RFC 8945 sections 4.3 and 6). Known answers in hmac_test.cc: RFC 2202 (MD5, SHA-1) and
// RFC 4231 (SHA-224 to SHA-512).
#pragma once

#include <cstdint>
#include <initializer_list>
#include <span>

#include "crypto/digest.h"
#include "crypto/openssl_ptr.h"
#include "net/base/result.h"

namespace redoubt::crypto {

// Incremental HMAC: Update() any number of times, then Finish() once.
class Hmac {
 public:
  // A context keyed with `key`. Any key length is valid, empty included (RFC 2104 section 2:
  // keys longer than the block are hashed, shorter ones padded with zeros); the key is not kept
  // outside OpenSSL's context, which wipes it when freed. Fails with kCryptoFailure only if
  // OpenSSL cannot set up the algorithm.
  static Result<Hmac> Create(DigestAlgorithm algorithm, std::span<const uint8_t> key);
  // Feeds bytes. kCryptoFailure after Finish() or on an OpenSSL failure.
  Status Update(std::span<const uint8_t> bytes);
  // The full-length MAC: DigestLength(algorithm) octets. A second call fails with kCryptoFailure.
  Result<Digest> Finish();

 private:
  explicit Hmac(EvpMacCtxPtr ctx) : ctx_(std::move(ctx)) {}
  EvpMacCtxPtr ctx_;
};

// One-shot HMAC of the concatenation of `parts` under `key`; errors as Hmac.
Result<Digest> ComputeHmac(DigestAlgorithm algorithm, std::span<const uint8_t> key,
                           std::initializer_list<std::span<const uint8_t>> parts);

}  // namespace redoubt::crypto
