#include "resolver/server/responder.h"

#include <algorithm>

#include "crypto/checksum.h"
#include "net/dns/checksum_option.h"
#include "net/dns/edns.h"
#include "net/dns/message_builder.h"

namespace redoubt::resolver {
namespace {

using dns::Rcode;

constexpr size_t kMaxTcpMessage = 65535;

struct ParsedQuery {
  dns::Header header;
  dns::Question question;
  std::optional<dns::Edns> edns;
  std::optional<dns::ChecksumNonce> checksum;  // To echo in a sealed CHECKSUM option.
};

// What the query's CHECKSUM options ask of the reply (specs/checksum.md section 7): nothing,
// an echo of the nonce, or FORMERR (several options, or one too short to hold a nonce).
enum class ChecksumRequest : uint8_t { kNone, kEcho, kFormErr };
ChecksumRequest ReadChecksum(std::span<const uint8_t> bytes, uint16_t code, ParsedQuery& query) {
  auto found = dns::FindChecksumOption(bytes, code);
  if (!found) return ChecksumRequest::kFormErr;
  if (!*found) return ChecksumRequest::kNone;
  if ((*found)->count > 1) return ChecksumRequest::kFormErr;
  // A query's ALGORITHM must be 0; any other value means "ignore the option" (-01 text).
  if ((*found)->algorithm != 0) return ChecksumRequest::kNone;
  query.checksum = (*found)->nonce;
  return ChecksumRequest::kEcho;
}

bool Allowed(const std::vector<Prefix>& allow, const IpAddress& client) {
  return std::any_of(allow.begin(), allow.end(), [&](const Prefix& p) { return p.Contains(client); });
}

// The largest reply this client may get (RFC 6891 section 6.2.5, RFC 1035 section 4.2.1).
size_t ReplyLimit(const ParsedQuery& query, const io::QueryContext& context, uint16_t ours) {
  if (context.tcp) return kMaxTcpMessage;
  if (!query.edns) return 512;
  return std::clamp<size_t>(query.edns->udp_size, 512, ours);
}

// A reply with only the header and question (and OPT when the client sent one).
Result<std::vector<uint8_t>> BuildReply(const ParsedQuery& query, uint16_t rcode,
                                        const Resolution* resolution, size_t limit,
                                        const ResponderOptions& ours) {
  dns::MessageBuilder builder(limit);
  dns::Header& h = builder.header();
  h.id = query.header.id;
  h.qr = true;
  h.opcode = query.header.opcode;
  h.rd = query.header.rd;
  h.cd = query.header.cd;
  h.ra = true;
  h.rcode = static_cast<uint8_t>(rcode & 0xF);
  RETURN_IF_ERROR(builder.AddQuestion(query.question.qname, query.question.qtype,
                                      query.question.qclass));
  if (query.edns) {
    dns::Edns edns;
    edns.udp_size = ours.edns_buffer_size;
    edns.extended_rcode = static_cast<uint8_t>(rcode >> 4);
    if (resolution && resolution->ede) {
      edns.options.push_back(dns::MakeExtendedErrorOption({*resolution->ede, resolution->ede_text}));
    }
    if (query.checksum) {
      edns.options.push_back(dns::MakeChecksumReplyOption(ours.checksum_option_code, *query.checksum,
                                                          dns::ChecksumAlgorithm::kSha256));
    }
    RETURN_IF_ERROR(builder.SetEdns(edns));
  }
  if (resolution) {
    for (const dns::RRset& set : resolution->answer) {
      if (!builder.AddRRset(dns::Section::kAnswer, set)) break;  // TC set by the builder.
    }
    for (const dns::RRset& set : resolution->authority) {
      if (!builder.AddRRset(dns::Section::kAuthority, set)) break;
    }
  }
  ASSIGN_OR_RETURN(std::vector<uint8_t> wire, std::move(builder).Finish());
  // Sealed last: nothing may change the message after its digest (spec section 5).
  if (query.checksum) RETURN_IF_ERROR(crypto::SealChecksumOption(wire, ours.checksum_option_code));
  return wire;
}

// FORMERR for a query whose header could be read: only the ID and opcode are echoed.
std::vector<uint8_t> FormErr(std::span<const uint8_t> bytes) {
  dns::WireReader reader = dns::WireReader::ForMessage(bytes);
  auto header = dns::Header::Read(reader);
  if (!header || header->qr) return {};
  dns::MessageBuilder builder(512);
  builder.header().id = header->id;
  builder.header().qr = true;
  builder.header().opcode = header->opcode;
  builder.header().rd = header->rd;
  builder.header().rcode = static_cast<uint8_t>(Rcode::FORMERR);
  auto wire = std::move(builder).Finish();
  return wire ? *wire : std::vector<uint8_t>{};
}

}  // namespace

Responder::Responder(Iterator& iterator, ResponderOptions options, ResponderStats* stats,
                     std::stop_token stop)
    : iterator_(iterator), options_(std::move(options)), stats_(stats), stop_(std::move(stop)) {}

Task<std::vector<uint8_t>> Responder::Answer(std::vector<uint8_t> bytes, io::QueryContext context) {
  ++stats_->queries;
  auto view = dns::MessageView::Parse(bytes);
  if (!view || view->questions().size() != 1) {
    std::vector<uint8_t> formerr = FormErr(bytes);
    ++(formerr.empty() ? stats_->dropped : stats_->formerr);
    co_return formerr;
  }
  if (view->header().qr) {
    ++stats_->dropped;
    co_return std::vector<uint8_t>{};
  }
  ParsedQuery query{view->header(), view->questions().front(), std::nullopt, std::nullopt};
  auto edns = dns::ReadEdns(*view);
  if (!edns) {
    ++stats_->formerr;
    co_return FormErr(bytes);
  }
  query.edns = *edns;
  if (ReadChecksum(bytes, options_.checksum_option_code, query) == ChecksumRequest::kFormErr) {
    ++stats_->formerr;
    co_return FormErr(bytes);
  }
  if (query.checksum) ++stats_->checksum_replies;
  size_t limit = ReplyLimit(query, context, options_.edns_buffer_size);
  uint16_t refusal = 0;
  if (query.header.opcode != dns::Opcode::QUERY) {
    refusal = static_cast<uint16_t>(Rcode::NOTIMP);
    ++stats_->notimp;
  } else if (query.edns && query.edns->version != 0) {
    refusal = static_cast<uint16_t>(Rcode::BADVERS);  // RFC 6891 section 6.1.3.
    ++stats_->formerr;
  } else if (!Allowed(options_.allow, context.client.address) || !query.header.rd ||
             query.question.qclass != dns::RrClass::IN) {
    refusal = static_cast<uint16_t>(Rcode::REFUSED);
    ++stats_->refused;
  }
  if (refusal != 0) {
    auto reply = BuildReply(query, refusal, nullptr, limit, options_);
    co_return reply ? *reply : std::vector<uint8_t>{};
  }
  Resolution resolution = co_await iterator_.Resolve(query.question, stop_);
  ++(resolution.rcode == 0 ? stats_->noerror
     : resolution.rcode == 3 ? stats_->nxdomain : stats_->servfail);
  auto reply = BuildReply(query, resolution.rcode, &resolution, limit, options_);
  if (!reply) co_return std::vector<uint8_t>{};
  if (reply->size() >= 3 && ((*reply)[2] & 0x02)) ++stats_->truncated;
  co_return *reply;
}

}  // namespace redoubt::resolver
