// The CHECKSUM EDNS option, -01 layout (specs/checksum.md section 3.1;
// draft-muks-dnsop-dns-message-checksums-01 plus SHA-256 as algorithm 2 from the -02 text).
//
//   OPTION-CODE (configurable, default 65434) | OPTION-LENGTH = 9 + digest length
//   NONCE (8 octets) | ALGORITHM (1 octet) | DIGEST (0, 20 or 32 octets)
//
// This file only builds and locates the option; hashing is crypto/checksum.h's job (the codec
// never touches OpenSSL). A verifier hashes the raw received bytes with the digest zeroed, so
// FindChecksumOption reports exactly where the digest sits in the buffer.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>

#include "net/base/result.h"
#include "net/dns/rdata/fields.h"

namespace redoubt::dns {

class MessageView;  // net/dns/message_view.h

inline constexpr size_t kChecksumNonceSize = 8;
using ChecksumNonce = std::array<uint8_t, kChecksumNonceSize>;

enum class ChecksumAlgorithm : uint8_t { kEmpty = 0, kSha1 = 1, kSha256 = 2 };
// Digest length of an algorithm: 0 for EMPTY, 20 for SHA-1, 32 for SHA-256; nullopt if unknown.
std::optional<size_t> ChecksumDigestLength(uint8_t algorithm);

// The 13-octet query option: nonce, ALGORITHM 0, no digest (spec section 3.1).
EdnsOption MakeChecksumQueryOption(uint16_t option_code, const ChecksumNonce& nonce);
// A reply option with a zero-filled digest of the algorithm's length, to be sealed in place
// once the message is final (spec section 5, server steps 1-3).
EdnsOption MakeChecksumReplyOption(uint16_t option_code, const ChecksumNonce& nonce,
                                   ChecksumAlgorithm algorithm);

// Where the option sits in a received message.
struct ChecksumLocation {
  ChecksumNonce nonce{};
  uint8_t algorithm = 0;
  size_t digest_offset = 0;  // Absolute offset of the DIGEST octets in the buffer.
  size_t digest_length = 0;
  int count = 0;             // CHECKSUM options in the message; several mean "ignore all"
                             // for a client and FORMERR for a server (spec sections 6-7).
};

// Parses `message` and finds the CHECKSUM option with `option_code` in its OPT record.
// nullopt when the message has no OPT or no such option. Fails with the parser's error for a
// malformed message and kBadEdnsOption when the option is shorter than 9 octets. The location
// is that of the first option; `count` tells how many there were.
Result<std::optional<ChecksumLocation>> FindChecksumOption(std::span<const uint8_t> message,
                                                           uint16_t option_code);
// The same, for a message already parsed into `view` (offsets within the buffer `view` was
// parsed from): no second parse of a reply the caller has read.
Result<std::optional<ChecksumLocation>> FindChecksumOption(const MessageView& view, uint16_t option_code);

}  // namespace redoubt::dns
