#include "net/dns/reply_match.h"

#include <vector>

namespace redoubt::dns {

std::string_view ReplyMatchName(ReplyMatch match) noexcept {
  switch (match) {
    case ReplyMatch::kMatch: return "match";
    case ReplyMatch::kNotAResponse: return "not-a-response";
    case ReplyMatch::kWrongId: return "wrong-id";
    case ReplyMatch::kWrongQuestion: return "wrong-question";
    case ReplyMatch::kCaseMismatch: return "case-mismatch";
  }
  return "?";
}

ReplyMatch MatchReply(const MessageView& reply, const SentQuery& sent) noexcept {
  const Header& header = reply.header();
  if (!header.qr || header.opcode != Opcode::QUERY) return ReplyMatch::kNotAResponse;
  if (header.id != sent.id) return ReplyMatch::kWrongId;
  if (reply.questions().size() != 1) return ReplyMatch::kWrongQuestion;
  const Question& got = reply.questions().front();
  if (got.qtype != sent.question.qtype || got.qclass != sent.question.qclass ||
      !(got.qname == sent.question.qname)) {
    return ReplyMatch::kWrongQuestion;
  }
  if (!got.qname.IdenticalTo(sent.question.qname)) return ReplyMatch::kCaseMismatch;
  return ReplyMatch::kMatch;
}

Name RandomizeCase(const Name& name, std::span<const uint8_t> random) {
  if (random.empty()) return name;
  std::vector<uint8_t> wire(name.wire().begin(), name.wire().end());
  size_t bit = 0;
  size_t pos = 0;
  while (pos < wire.size() && wire[pos] != 0) {
    size_t length = wire[pos];
    for (size_t i = pos + 1; i <= pos + length; ++i) {
      uint8_t c = static_cast<uint8_t>(wire[i] | 0x20);
      if (c < 'a' || c > 'z') continue;
      size_t index = bit % (random.size() * 8);
      bool upper = (random[index / 8] >> (index % 8)) & 1;
      wire[i] = upper ? static_cast<uint8_t>(c & ~0x20) : c;
      ++bit;
    }
    pos += length + 1;
  }
  auto result = Name::FromWire(wire);
  return result ? *result : name;
}

}  // namespace redoubt::dns
