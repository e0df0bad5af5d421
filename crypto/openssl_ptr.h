// Owning pointers for OpenSSL objects: no raw *_free calls anywhere else (design guide section 6,
// PowerDNS coding guidelines). Only crypto/ includes OpenSSL headers.
#pragma once

#include <openssl/evp.h>

#include <memory>

namespace redoubt::crypto {

struct EvpMdCtxFree {
  void operator()(EVP_MD_CTX* ctx) const noexcept { EVP_MD_CTX_free(ctx); }
};
using EvpMdCtxPtr = std::unique_ptr<EVP_MD_CTX, EvpMdCtxFree>;

struct EvpPkeyFree {
  void operator()(EVP_PKEY* key) const noexcept { EVP_PKEY_free(key); }
};
using EvpPkeyPtr = std::unique_ptr<EVP_PKEY, EvpPkeyFree>;

}  // namespace redoubt::crypto
