#include "crypto/nsec3_hash.h"

#include <openssl/evp.h>

#include <array>

#include "crypto/openssl_ptr.h"
#include "net/dns/types.h"

namespace redoubt::crypto {

Result<Digest> Nsec3Hash(const dns::Name& name, uint8_t hash_algorithm,
                         std::span<const uint8_t> salt, uint16_t iterations) {
  if (hash_algorithm != static_cast<uint8_t>(dns::Nsec3HashAlgorithm::SHA1)) {
    return Fail(Errc::kUnsupported);
  }
  const dns::Name lower = name.ToLower();
  EvpMdCtxPtr ctx(EVP_MD_CTX_new());
  if (!ctx) return Fail(Errc::kCryptoFailure);
  std::array<uint8_t, EVP_MAX_MD_SIZE> out{};
  unsigned len = 0;
  std::span<const uint8_t> input = lower.wire();
  // One context reused for every round: the rounds are the cost RFC 9276 warns about.
  for (uint32_t round = 0; round <= iterations; ++round) {
    if (EVP_DigestInit_ex(ctx.get(), EVP_sha1(), nullptr) != 1 ||
        EVP_DigestUpdate(ctx.get(), input.data(), input.size()) != 1 ||
        EVP_DigestUpdate(ctx.get(), salt.data(), salt.size()) != 1 ||
        EVP_DigestFinal_ex(ctx.get(), out.data(), &len) != 1) {
      return Fail(Errc::kCryptoFailure);
    }
    input = std::span<const uint8_t>(out.data(), len);
  }
  return Digest(input);
}

}  // namespace redoubt::crypto
