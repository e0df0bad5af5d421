// CHECKSUM digests over raw DNS messages (specs/checksum.md section 5;
// draft-muks-dnsop-dns-message-checksums-01 with SHA-256 as algorithm 2).
//
// The digest covers the whole message as sent, from the header's first octet to the last, with
// the DIGEST octets of the option taken as zeros. net/dns/checksum_option.h finds where those
// octets are; this file hashes.
#pragma once

#include <cstdint>
#include <span>

#include "net/base/result.h"
#include "net/dns/checksum_option.h"

namespace redoubt::crypto {

// Server side (section 5, steps 2-3): `message` holds the final reply whose option has a
// zero-filled DIGEST of the algorithm's length at digest_offset; hashes it and writes the
// digest in place. Fails with kUnsupported for algorithms other than 1 and 2, kOutOfRange when
// the digest does not lie inside the message. Writes nothing on failure.
Status SealChecksum(std::span<uint8_t> message, size_t digest_offset, uint8_t algorithm);

// Server side, whole message: finds the one CHECKSUM option with `option_code` in a rendered
// reply (added with dns::MakeChecksumReplyOption) and seals it with its own algorithm. Fails
// with kNotFound when the message has no such option and the errors of SealChecksum.
Status SealChecksumOption(std::span<uint8_t> message, uint16_t option_code);

// Client side (section 5, verification): hashes `message` as if its digest_length octets at
// digest_offset were zero (no copy of the packet) and compares with those octets in constant
// time. kUnsupported for unknown algorithms, kOutOfRange for a span outside the message,
// kDigestMismatch for a wrong length or a wrong digest.
Status VerifyChecksumDigest(std::span<const uint8_t> message, size_t digest_offset,
                            size_t digest_length, uint8_t algorithm);

// The client's full check of a reply (sections 6 and 8): finds the option with `option_code`,
// compares its nonce with `expected_nonce` and verifies the digest.
enum class ChecksumVerdict : uint8_t {
  kVerified,        // Nonce and digest match.
  kAbsent,          // No option (or several, or an unknown algorithm: treated as absent).
  kNonceMismatch,   // Discard.
  kDigestMismatch,  // Discard: a forged fragment.
  kMalformed,       // The message does not parse.
};
ChecksumVerdict CheckReply(std::span<const uint8_t> message, uint16_t option_code,
                           const dns::ChecksumNonce& expected_nonce);
// The same, for a reply already parsed into `view` from `message` (the upstream's reply match
// filter parses every reply once and judges its CHECKSUM from that parse).
ChecksumVerdict CheckReply(const dns::MessageView& view, std::span<const uint8_t> message,
                           uint16_t option_code, const dns::ChecksumNonce& expected_nonce);

}  // namespace redoubt::crypto
