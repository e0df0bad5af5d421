// (r, s) signatures of DSA (RFC 2536 section 3) and ECDSA (RFC 6605 section 4). DNS stores r and
// s as fixed-width big-endian integers side by side; OpenSSL reads and writes the DER
// Dss-Sig-Value / ECDSA-Sig-Value SEQUENCE { INTEGER r, INTEGER s } (RFC 3279 sections 2.2.2
// and 2.2.3). Shared by the signing (dnssec_signing_key.cc) and verifying (dnssec_key.cc)
// halves and by their tests.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "net/base/result.h"

namespace redoubt::crypto {

// The widest r or s DNS carries: 48 octets for P-384 (RFC 6605 section 4); DSA's are 20 (RFC
// 2536 section 3), P-256's 32.
inline constexpr size_t kMaxRsWidth = 48;

// A DER signature held without allocating (verification runs for every RRSIG): one SEQUENCE of
// two INTEGERs of at most kMaxRsWidth + 1 octets, so every length fits in one octet.
struct DerRsSignature {
  std::array<uint8_t, 2 + 2 * (2 + 1 + kMaxRsWidth)> bytes{};
  size_t size = 0;
  std::span<const uint8_t> view() const noexcept { return {bytes.data(), size}; }
};

// DER SEQUENCE { INTEGER r, INTEGER s } of the unsigned big-endian `r` and `s` (X.690 section
// 8.3: leading zero octets dropped, one zero octet added when the top bit is set). When r or s
// is empty or longer than kMaxRsWidth the result is empty (size 0), which verifies nothing.
DerRsSignature RsToDer(std::span<const uint8_t> r, std::span<const uint8_t> s) noexcept;

// The reverse, for signers: r | s, each left-padded with zeros to `width` octets. Fails with
// kCryptoFailure when `der` is no such SEQUENCE or r or s needs more than `width` octets.
Result<std::vector<uint8_t>> DerToRs(std::span<const uint8_t> der, size_t width);

}  // namespace redoubt::crypto
