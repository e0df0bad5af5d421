// Base16, Base32hex and Base64 (RFC 4648 sections 8, 7 and 4), as DNS presentation format uses
// them: Base64 for keys and signatures (RFC 4034 sections 2.2, 3.2), Base32hex without padding
// for NSEC3 hashed owner names (RFC 5155 section 3.3), hex for digests (RFC 4034 section 5.3).
// Decoders are strict (no whitespace, correct padding, no junk) and return kBadBase64,
// kBadBase32 or kBadHex; they never throw.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "net/base/result.h"

namespace redoubt::dns {

std::string EncodeBase64(std::span<const uint8_t> bytes);
Result<std::vector<uint8_t>> DecodeBase64(std::string_view text);

// Lowercase, no padding (the NSEC3 presentation form).
std::string EncodeBase32Hex(std::span<const uint8_t> bytes);
// Case-insensitive; padding is not accepted.
Result<std::vector<uint8_t>> DecodeBase32Hex(std::string_view text);

// Lowercase.
std::string EncodeHex(std::span<const uint8_t> bytes);
// Case-insensitive; an odd number of digits fails.
Result<std::vector<uint8_t>> DecodeHex(std::string_view text);

}  // namespace redoubt::dns
