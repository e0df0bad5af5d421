#include "crypto/checksum.h"

#include <openssl/crypto.h>

#include "crypto/digest.h"

namespace redoubt::crypto {
namespace {

Result<DigestAlgorithm> ForChecksum(uint8_t algorithm) {
  switch (static_cast<dns::ChecksumAlgorithm>(algorithm)) {
    case dns::ChecksumAlgorithm::kSha1: return DigestAlgorithm::kSha1;
    case dns::ChecksumAlgorithm::kSha256: return DigestAlgorithm::kSha256;
    default: return Fail(Errc::kUnsupported);
  }
}

// Digest of message with [offset, offset + length) replaced by zeros.
Result<Digest> HashWithZeroedSpan(std::span<const uint8_t> message, size_t offset, size_t length,
                                  DigestAlgorithm algorithm) {
  ASSIGN_OR_RETURN(Hasher hasher, Hasher::Create(algorithm));
  RETURN_IF_ERROR(hasher.Update(message.first(offset)));
  RETURN_IF_ERROR(hasher.UpdateZeros(length));
  RETURN_IF_ERROR(hasher.Update(message.subspan(offset + length)));
  return hasher.Finish();
}

}  // namespace

Status SealChecksum(std::span<uint8_t> message, size_t digest_offset, uint8_t algorithm) {
  ASSIGN_OR_RETURN(DigestAlgorithm md, ForChecksum(algorithm));
  size_t length = DigestLength(md);
  if (digest_offset > message.size() || message.size() - digest_offset < length) {
    return Fail(Errc::kOutOfRange);
  }
  ASSIGN_OR_RETURN(Digest digest, HashWithZeroedSpan(message, digest_offset, length, md));
  std::copy(digest.bytes().begin(), digest.bytes().end(), message.begin() + static_cast<std::ptrdiff_t>(digest_offset));
  return {};
}

Status VerifyChecksumDigest(std::span<const uint8_t> message, size_t digest_offset,
                            size_t digest_length, uint8_t algorithm) {
  ASSIGN_OR_RETURN(DigestAlgorithm md, ForChecksum(algorithm));
  if (digest_offset > message.size() || message.size() - digest_offset < digest_length) {
    return Fail(Errc::kOutOfRange);
  }
  // specs/checksum.md section 4: a digest of the wrong length is treated as a mismatch.
  if (digest_length != DigestLength(md)) return Fail(Errc::kDigestMismatch);
  ASSIGN_OR_RETURN(Digest digest, HashWithZeroedSpan(message, digest_offset, digest_length, md));
  if (CRYPTO_memcmp(digest.data(), message.data() + digest_offset, digest_length) != 0) {
    return Fail(Errc::kDigestMismatch);
  }
  return {};
}

Status SealChecksumOption(std::span<uint8_t> message, uint16_t option_code) {
  auto found = dns::FindChecksumOption(message, option_code);
  if (!found) return Unexpected<Error>(found.error());
  if (!*found) return Fail(Errc::kNotFound);
  return SealChecksum(message, (*found)->digest_offset, (*found)->algorithm);
}

namespace {

ChecksumVerdict Judge(const Result<std::optional<dns::ChecksumLocation>>& found,
                      std::span<const uint8_t> message, const dns::ChecksumNonce& expected_nonce) {
  if (!found) return ChecksumVerdict::kMalformed;
  if (!*found || (*found)->count > 1) return ChecksumVerdict::kAbsent;
  const auto& loc = **found;
  if (!ForChecksum(loc.algorithm)) return ChecksumVerdict::kAbsent;  // Unknown algorithm.
  if (CRYPTO_memcmp(loc.nonce.data(), expected_nonce.data(), expected_nonce.size()) != 0) {
    return ChecksumVerdict::kNonceMismatch;
  }
  Status ok = VerifyChecksumDigest(message, loc.digest_offset, loc.digest_length, loc.algorithm);
  return ok ? ChecksumVerdict::kVerified : ChecksumVerdict::kDigestMismatch;
}

}  // namespace

ChecksumVerdict CheckReply(std::span<const uint8_t> message, uint16_t option_code,
                           const dns::ChecksumNonce& expected_nonce) {
  return Judge(dns::FindChecksumOption(message, option_code), message, expected_nonce);
}

ChecksumVerdict CheckReply(const dns::MessageView& view, std::span<const uint8_t> message,
                           uint16_t option_code, const dns::ChecksumNonce& expected_nonce) {
  return Judge(dns::FindChecksumOption(view, option_code), message, expected_nonce);
}

}  // namespace redoubt::crypto
