// Accepting a reply only for the query it answers: the same ID, a response to a standard
// query, and the very question sent, letter case included when 0x20 randomisation was used
// (RFC 5452 sections 4.1 and 9.1; draft-vixie-dnsext-dns0x20). Address and port are the
// transport's to match; everything here is pure and never touches a socket.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "net/dns/message_view.h"

namespace redoubt::dns {

// What was sent, as the matcher needs it.
struct SentQuery {
  uint16_t id = 0;
  Question question;  // qname exactly as sent (with its 0x20 case pattern).
};

enum class ReplyMatch : uint8_t {
  kMatch,
  kNotAResponse,    // QR clear or an opcode other than QUERY.
  kWrongId,
  kWrongQuestion,   // No question, several, or another name, type or class.
  kCaseMismatch,    // The right name in the wrong letter case: a 0x20 miss (or a server that
                    // does not preserve case; the caller keeps per-server fallback).
};

std::string_view ReplyMatchName(ReplyMatch match) noexcept;

// Compares a parsed reply with the query it claims to answer. Only kMatch may be used; every
// other value means drop the packet, count it, and (per security.md section 5) move the
// exchange to TCP.
ReplyMatch MatchReply(const MessageView& reply, const SentQuery& sent) noexcept;

// `name` with the case of each ASCII letter chosen by one bit of `random` (bit i of the
// sequence for the i-th letter, cycling when the bits run out), for 0x20 randomisation.
// Non-letters are unchanged; an empty `random` returns the name as it is.
Name RandomizeCase(const Name& name, std::span<const uint8_t> random);

}  // namespace redoubt::dns
