#include "crypto/digest.h"

#include <openssl/crypto.h>

#include <algorithm>

namespace redoubt::crypto {

const EVP_MD* DigestMd(DigestAlgorithm algorithm) noexcept {
  switch (algorithm) {
    case DigestAlgorithm::kMd5: return EVP_md5();
    case DigestAlgorithm::kSha1: return EVP_sha1();
    case DigestAlgorithm::kSha224: return EVP_sha224();
    case DigestAlgorithm::kSha256: return EVP_sha256();
    case DigestAlgorithm::kSha384: return EVP_sha384();
    case DigestAlgorithm::kSha512: return EVP_sha512();
  }
  return nullptr;
}

size_t DigestLength(DigestAlgorithm algorithm) noexcept {
  switch (algorithm) {
    case DigestAlgorithm::kMd5: return 16;
    case DigestAlgorithm::kSha1: return 20;
    case DigestAlgorithm::kSha224: return 28;
    case DigestAlgorithm::kSha256: return 32;
    case DigestAlgorithm::kSha384: return 48;
    case DigestAlgorithm::kSha512: return 64;
  }
  return 0;
}

Digest::Digest(std::span<const uint8_t> bytes) noexcept : size_(std::min<size_t>(bytes.size(), 64)) {
  std::copy_n(bytes.begin(), size_, data_.begin());
}

bool operator==(const Digest& a, const Digest& b) noexcept {
  return a.size_ == b.size_ && CRYPTO_memcmp(a.data_.data(), b.data_.data(), a.size_) == 0;
}

Result<Hasher> Hasher::Create(DigestAlgorithm algorithm) {
  EvpMdCtxPtr ctx(EVP_MD_CTX_new());
  const EVP_MD* md = DigestMd(algorithm);
  if (!ctx || !md || EVP_DigestInit_ex(ctx.get(), md, nullptr) != 1) {
    return Fail(Errc::kCryptoFailure);
  }
  return Hasher(std::move(ctx));
}

Status Hasher::Update(std::span<const uint8_t> bytes) {
  if (!ctx_ || EVP_DigestUpdate(ctx_.get(), bytes.data(), bytes.size()) != 1) {
    return Fail(Errc::kCryptoFailure);
  }
  return {};
}

Status Hasher::UpdateZeros(size_t count) {
  static constexpr std::array<uint8_t, 64> kZeros{};
  while (count > 0) {
    size_t n = std::min(count, kZeros.size());
    RETURN_IF_ERROR(Update({kZeros.data(), n}));
    count -= n;
  }
  return {};
}

Result<Digest> Hasher::Finish() {
  std::array<uint8_t, EVP_MAX_MD_SIZE> out;
  unsigned len = 0;
  if (!ctx_ || EVP_DigestFinal_ex(ctx_.get(), out.data(), &len) != 1) return Fail(Errc::kCryptoFailure);
  ctx_.reset();
  return Digest({out.data(), len});
}

Result<Digest> ComputeDigest(DigestAlgorithm algorithm,
                             std::initializer_list<std::span<const uint8_t>> parts) {
  ASSIGN_OR_RETURN(Hasher hasher, Hasher::Create(algorithm));
  for (auto part : parts) RETURN_IF_ERROR(hasher.Update(part));
  return hasher.Finish();
}

}  // namespace redoubt::crypto
