// Message digests through OpenSSL: MD5 (legacy RSA/MD5, hmac-md5), SHA-1, SHA-224 (hmac-sha224),
// SHA-256, SHA-384 and SHA-512 (FIPS 180-4; RFC 4034 Appendix A.2 and RFC 4509/6605 DS digests;
// CHECKSUM algorithms 1 and 2, specs/checksum.md section 4; the TSIG HMACs, RFC 8945 section 6).
#pragma once

#include <array>
#include <cstdint>
#include <span>

#include "crypto/openssl_ptr.h"
#include "net/base/result.h"

namespace redoubt::crypto {

enum class DigestAlgorithm : uint8_t { kMd5, kSha1, kSha224, kSha256, kSha384, kSha512 };

// Output length in octets: 16, 20, 28, 32, 48, 64.
size_t DigestLength(DigestAlgorithm algorithm) noexcept;

// The OpenSSL digest behind `algorithm` (for the crypto layer's own use, e.g. HMAC); never null
// for a valid enumerator.
const EVP_MD* DigestMd(DigestAlgorithm algorithm) noexcept;

// A digest value; holds up to 64 octets inline (no heap on the hot path).
class Digest {
 public:
  Digest() = default;
  Digest(std::span<const uint8_t> bytes) noexcept;  // NOLINT: at most 64 octets kept.
  std::span<const uint8_t> bytes() const noexcept { return {data_.data(), size_}; }
  size_t size() const noexcept { return size_; }
  const uint8_t* data() const noexcept { return data_.data(); }
  friend bool operator==(const Digest& a, const Digest& b) noexcept;

 private:
  std::array<uint8_t, 64> data_{};
  size_t size_ = 0;
};

// Incremental hashing: Update() any number of times, then Finish() once.
class Hasher {
 public:
  // Fails with kCryptoFailure only if OpenSSL cannot set up the algorithm.
  static Result<Hasher> Create(DigestAlgorithm algorithm);
  Status Update(std::span<const uint8_t> bytes);
  // Feeds `count` zero octets (used to hash a buffer as if a field were zeroed).
  Status UpdateZeros(size_t count);
  Result<Digest> Finish();

 private:
  explicit Hasher(EvpMdCtxPtr ctx) : ctx_(std::move(ctx)) {}
  EvpMdCtxPtr ctx_;
};

// One-shot digest of the concatenation of `parts`.
Result<Digest> ComputeDigest(DigestAlgorithm algorithm,
                             std::initializer_list<std::span<const uint8_t>> parts);

}  // namespace redoubt::crypto
