// What the resolver does with a UDP reply, given its CHECKSUM verdict, whether the kernel
// reassembled it from fragments, and what the server has shown before (specs/checksum.md
// sections 6 and 8; security.md A5 and A6). A pure function, so every rule has a unit test.
//
//   verified digest                      -> accept (the server is known capable from now on)
//   nonce or digest mismatch             -> discard, retry over TCP (a forged reply or fragment)
//   no usable option, server capable     -> discard, retry over TCP (a possible downgrade)
//   no usable option, reassembled reply  -> discard, retry over TCP (draft-fujiwara-dnsop-
//                                           fragment-attack: an unverifiable fragmented reply)
//   no usable option otherwise           -> accept (the server does not speak CHECKSUM)
//
// "No usable option" covers an absent option, several options and an unknown algorithm, which
// the -01/-02 texts tell a client to treat as absent.
#pragma once

#include <cstdint>

#include "crypto/checksum.h"

namespace redoubt::resolver {

enum class ChecksumOutcome : uint8_t {
  kVerified,              // Accept.
  kNotOffered,            // Accept: a plain server, whole datagram.
  kNonceMismatch,         // Discard.
  kDigestMismatch,        // Discard.
  kDowngrade,             // Discard: a capable server's reply without a usable option.
  kFragmentedUnverified,  // Discard: reassembled, nothing to verify it with.
  kMalformed,             // Discard.
};

// True for the outcomes whose reply may be used.
constexpr bool Accepted(ChecksumOutcome outcome) {
  return outcome == ChecksumOutcome::kVerified || outcome == ChecksumOutcome::kNotOffered;
}

// Judges one UDP reply to a query that carried the option. `fragment_size` is the kernel's
// IP_RECVFRAGSIZE (0 when the datagram arrived whole); `server_capable` is true when this
// server has sent a verified CHECKSUM before.
ChecksumOutcome JudgeUdpReply(crypto::ChecksumVerdict verdict, uint16_t fragment_size,
                              bool server_capable);

}  // namespace redoubt::resolver
