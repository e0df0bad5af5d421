#include "crypto/hmac.h"

#include <openssl/core_names.h>
#include <openssl/params.h>

#include <array>

namespace redoubt::crypto {
namespace {

// Fetched once: EVP_MAC_fetch takes a lock and searches the provider tables. The object is
// reference counted and safe to share between threads.
EVP_MAC* HmacAlgorithm() {
  static const EvpMacPtr mac(EVP_MAC_fetch(nullptr, OSSL_MAC_NAME_HMAC, nullptr));
  return mac.get();
}

}  // namespace

Result<Hmac> Hmac::Create(DigestAlgorithm algorithm, std::span<const uint8_t> key) {
  const EVP_MD* md = DigestMd(algorithm);
  EVP_MAC* mac = HmacAlgorithm();
  if (!md || !mac) return Fail(Errc::kCryptoFailure);
  EvpMacCtxPtr ctx(EVP_MAC_CTX_new(mac));
  // EVP_MD_get0_name gives the provider's name ("SHA256"); a const_cast because OSSL_PARAM
  // takes char* for input strings too.
  std::array<OSSL_PARAM, 2> params = {
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
                                       const_cast<char*>(EVP_MD_get0_name(md)), 0),
      OSSL_PARAM_construct_end()};
  // A null key pointer means "keep the previous key" to OpenSSL, so an empty key needs a
  // non-null pointer.
  static constexpr uint8_t kEmpty = 0;
  const uint8_t* key_data = key.empty() ? &kEmpty : key.data();
  if (!ctx || EVP_MAC_init(ctx.get(), key_data, key.size(), params.data()) != 1) {
    return Fail(Errc::kCryptoFailure);
  }
  return Hmac(std::move(ctx));
}

Status Hmac::Update(std::span<const uint8_t> bytes) {
  if (!ctx_ || EVP_MAC_update(ctx_.get(), bytes.data(), bytes.size()) != 1) {
    return Fail(Errc::kCryptoFailure);
  }
  return {};
}

Result<Digest> Hmac::Finish() {
  std::array<uint8_t, EVP_MAX_MD_SIZE> out;
  size_t length = 0;
  if (!ctx_ || EVP_MAC_final(ctx_.get(), out.data(), &length, out.size()) != 1) {
    return Fail(Errc::kCryptoFailure);
  }
  ctx_.reset();
  return Digest({out.data(), length});
}

Result<Digest> ComputeHmac(DigestAlgorithm algorithm, std::span<const uint8_t> key,
                           std::initializer_list<std::span<const uint8_t>> parts) {
  ASSIGN_OR_RETURN(Hmac hmac, Hmac::Create(algorithm, key));
  for (auto part : parts) RETURN_IF_ERROR(hmac.Update(part));
  return hmac.Finish();
}

}  // namespace redoubt::crypto
