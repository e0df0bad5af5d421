#include "crypto/dss_signature.h"

#include <openssl/ec.h>

#include <algorithm>

#include "crypto/openssl_ptr.h"

namespace redoubt::crypto {
namespace {

constexpr uint8_t kDerInteger = 0x02;   // X.690 section 8.3, universal tag 2.
constexpr uint8_t kDerSequence = 0x30;  // X.690 section 8.9, universal tag 16, constructed.

// Writes the unsigned big-endian `value` (not empty) as a DER INTEGER at `out`. Returns its size.
size_t PutDerInteger(std::span<const uint8_t> value, uint8_t* out) noexcept {
  while (value.size() > 1 && value[0] == 0) value = value.subspan(1);
  size_t pad = (value[0] & 0x80) != 0 ? 1 : 0;
  out[0] = kDerInteger;
  out[1] = static_cast<uint8_t>(pad + value.size());
  out[2] = 0;
  std::copy(value.begin(), value.end(), out + 2 + pad);
  return 2 + pad + value.size();
}

bool Fits(std::span<const uint8_t> value) noexcept {
  return !value.empty() && value.size() <= kMaxRsWidth;
}

}  // namespace

DerRsSignature RsToDer(std::span<const uint8_t> r, std::span<const uint8_t> s) noexcept {
  DerRsSignature der;
  if (!Fits(r) || !Fits(s)) return der;
  size_t length = 2;
  length += PutDerInteger(r, der.bytes.data() + length);
  length += PutDerInteger(s, der.bytes.data() + length);
  der.bytes[0] = kDerSequence;
  der.bytes[1] = static_cast<uint8_t>(length - 2);
  der.size = length;
  return der;
}

// ECDSA_SIG is OpenSSL's (r, s) pair; its DER form is DSA's too (RFC 3279 section 2.2.2), and
// unlike DSA_SIG it is not deprecated in OpenSSL 3.
Result<std::vector<uint8_t>> DerToRs(std::span<const uint8_t> der, size_t width) {
  const unsigned char* cursor = der.data();
  EcdsaSigPtr sig(d2i_ECDSA_SIG(nullptr, &cursor, static_cast<long>(der.size())));
  if (!sig) return Fail(Errc::kCryptoFailure);
  std::vector<uint8_t> out(2 * width);
  const int w = static_cast<int>(width);
  if (BN_bn2binpad(ECDSA_SIG_get0_r(sig.get()), out.data(), w) != w ||
      BN_bn2binpad(ECDSA_SIG_get0_s(sig.get()), out.data() + width, w) != w) {
    return Fail(Errc::kCryptoFailure);
  }
  return out;
}

}  // namespace redoubt::crypto
