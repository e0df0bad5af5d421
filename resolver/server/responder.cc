#include "resolver/server/responder.h"

#include "resolver/query/root_key_sentinel.h"

#include <algorithm>
#include <chrono>
#include <limits>

#include "crypto/checksum.h"
#include "net/dns/checksum_option.h"
#include "net/dns/edns.h"
#include "net/dns/message_builder.h"
#include "resolver/server/client_answer.h"

namespace redoubt::resolver {
using dns::Rcode;

struct Responder::ParsedQuery {
  dns::Header header;
  dns::Question question;
  std::optional<dns::Edns> edns;
  std::optional<dns::ChecksumNonce> checksum;  // To echo in a sealed CHECKSUM option.
};

namespace {

using ParsedQuery = Responder::ParsedQuery;

constexpr size_t kMaxTcpMessage = 65535;

// What the query's CHECKSUM options ask of the reply (specs/checksum.md section 7): nothing,
// an echo of the nonce, or FORMERR (several options, or one too short to hold a nonce).
enum class ChecksumRequest : uint8_t { kNone, kEcho, kFormErr };
ChecksumRequest ReadChecksum(const dns::MessageView& view, uint16_t code, ParsedQuery& query) {
  auto found = dns::FindChecksumOption(view, code);
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
  // RFC 4035 section 3.2.3 and RFC 6840 section 5.8: AD only for an answer the validator found
  // Secure, and only to a client that showed it understands it (DO or AD in the query).
  h.ad = resolution != nullptr && resolution->security == dns::Security::kSecure &&
         ((query.edns && query.edns->dnssec_ok) || query.header.ad);
  h.rcode = static_cast<uint8_t>(rcode & 0xF);
  RETURN_IF_ERROR(builder.AddQuestion(query.question.qname, query.question.qtype,
                                      query.question.qclass));
  if (query.edns) {
    dns::Edns edns;
    edns.udp_size = ours.edns_buffer_size;
    edns.dnssec_ok = query.edns->dnssec_ok;  // RFC 3225 section 3: DO is echoed.
    edns.extended_rcode = static_cast<uint8_t>(rcode >> 4);
    if (resolution && resolution->ede) {
      edns.options.push_back(dns::MakeExtendedErrorOption(
          {static_cast<uint16_t>(*resolution->ede), resolution->ede_text}));
    }
    if (query.checksum) {
      edns.options.push_back(dns::MakeChecksumReplyOption(ours.checksum_option_code, *query.checksum,
                                                          dns::ChecksumAlgorithm::kSha256));
    }
    RETURN_IF_ERROR(builder.SetEdns(edns));
  }
  if (resolution) {
    bool dnssec_ok = query.edns && query.edns->dnssec_ok;
    // Stops at the first RRset that does not fit: the builder has set TC.
    VisitClientRRsets(*resolution, query.question, dnssec_ok, !ours.minimal_responses,
                      [&](dns::Section section, const dns::RRset& set) {
                        return static_cast<bool>(builder.AddRRset(section, set));
                      });
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

// The packet cache's clock: milliseconds of the monotonic clock.
int64_t MonotonicMs(MonoTime at) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(at.time_since_epoch()).count();
}

// RFC 8482 section 4.2: one synthesised HINFO RRset answers QTYPE=ANY.
Resolution AnyOverUdp(const dns::Question& question) {
  Resolution r;
  r.rcode = dns::Rcode::NOERROR;
  dns::RRset hinfo;
  hinfo.owner = question.qname;
  hinfo.type = dns::RrType::HINFO;
  hinfo.ttl = 3600;
  // CPU "RFC8482", OS "" (two character-strings, RFC 1035 section 3.3.2).
  static constexpr uint8_t kRdata[] = {7, 'R', 'F', 'C', '8', '4', '8', '2', 0};
  hinfo.rdatas.emplace_back(std::begin(kRdata), std::end(kRdata));
  r.answer.push_back(std::move(hinfo));
  return r;
}

}  // namespace

Responder::Responder(Pipeline& pipeline, ResponderOptions options, ResponderStats* stats,
                     std::stop_token stop)
    : pipeline_(pipeline), options_(std::move(options)), stats_(stats), stop_(std::move(stop)) {
  if (options_.packet_cache_bytes > 0 && options_.cache_generation && !options_.log_queries) {
    packets_.emplace(options_.packet_cache_bytes, &stats_->packet_cache);
  }
}

bool Responder::AnswerFromCache(std::span<const uint8_t> query, const io::QueryContext& context,
                                std::vector<uint8_t>& out) {
  if (!packets_) return false;
  MonoTime started = std::chrono::steady_clock::now();
  std::optional<CacheableQuery> cacheable = ParseCacheableQuery(query, options_.edns_buffer_size);
  if (!cacheable || !Allowed(options_.allow, context.client.address)) return false;
  if (!packets_->Lookup(*cacheable, query, context.tcp, MonotonicMs(started), options_.cache_generation(), out)) {
    return false;
  }
  ++stats_->queries;
  ++(context.tcp ? stats_->tcp_queries : stats_->udp_queries);
  CountCachedReply(out, started);
  return true;
}

void Responder::CountCachedReply(std::span<const uint8_t> reply, MonoTime started) const {
  auto rcode = static_cast<Rcode>(reply[3] & 0x0F);  // Only NOERROR and NXDOMAIN are kept.
  ++(rcode == Rcode::NOERROR ? stats_->noerror : stats_->nxdomain);
  ObserveDuration(started);
}

void Responder::LogQuery(const io::QueryContext& context, const dns::Question& question,
                         const Resolution& resolution, MonoTime started) const {
  auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - started);
  options_.log("query " + context.client.ToString() + (context.tcp ? " tcp " : " udp ") +
               question.qname.ToText() + " " + dns::RrTypeToText(question.qtype) + " " +
               std::string(dns::RcodeToText(resolution.rcode)) + " upstream=" +
               std::to_string(resolution.upstream_queries) + " time=" +
               std::to_string(elapsed.count()) + "ms");
}

void Responder::ObserveDuration(MonoTime started) const {
  auto elapsed = std::chrono::duration_cast<std::chrono::microseconds>(
      std::chrono::steady_clock::now() - started);
  // Saturates at about 71 minutes, far above the histogram's last bound.
  stats_->duration.Observe(static_cast<uint32_t>(
      std::min<int64_t>(elapsed.count(), std::numeric_limits<uint32_t>::max())));
}

// The rcode that refuses `query` without resolving it (counted), or 0 to resolve it.
uint16_t Responder::Refusal(const ParsedQuery& query, const io::QueryContext& context) const {
  if (query.header.opcode != dns::Opcode::QUERY) {
    ++stats_->notimp;
    return static_cast<uint16_t>(Rcode::NOTIMP);
  }
  if (query.edns && query.edns->version != 0) {
    ++stats_->formerr;
    return static_cast<uint16_t>(Rcode::BADVERS);  // RFC 6891 section 6.1.3.
  }
  if (!Allowed(options_.allow, context.client.address) || !query.header.rd ||
      query.question.qclass != dns::RrClass::IN) {
    ++stats_->refused;
    return static_cast<uint16_t>(Rcode::REFUSED);
  }
  return 0;
}

Task<std::vector<uint8_t>> Responder::Answer(std::vector<uint8_t> bytes, io::QueryContext context) {
  MonoTime started = std::chrono::steady_clock::now();
  ++stats_->queries;
  ++(context.tcp ? stats_->tcp_queries : stats_->udp_queries);
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
  if (view->header().opcode == dns::Opcode::NOTIFY && options_.on_notify) {
    ++stats_->notifies;
    co_return options_.on_notify(bytes, context.client.address);
  }
  ParsedQuery query{view->header(), view->questions().front(), std::nullopt, std::nullopt};
  auto edns = dns::ReadEdns(*view);
  if (!edns) {
    ++stats_->formerr;
    co_return FormErr(bytes);
  }
  query.edns = *edns;
  if (ReadChecksum(*view, options_.checksum_option_code, query) == ChecksumRequest::kFormErr) {
    ++stats_->formerr;
    co_return FormErr(bytes);
  }
  if (query.checksum) ++stats_->checksum_replies;
  size_t limit = ReplyLimit(query, context, options_.edns_buffer_size);
  uint16_t refusal = Refusal(query, context);
  if (refusal != 0) {
    auto reply = BuildReply(query, refusal, nullptr, limit, options_);
    ObserveDuration(started);
    co_return reply ? *reply : std::vector<uint8_t>{};
  }
  // The packet cache: asked here unless the listener's fast path did already (TCP queries, and
  // UDP without one), and given the reply below. The generation is read before the pipeline
  // reads the answer cache: a flush meanwhile makes the entry unusable.
  std::optional<CacheableQuery> cacheable;
  uint64_t generation = 0;
  if (packets_) cacheable = ParseCacheableQuery(bytes, options_.edns_buffer_size);
  if (cacheable) {
    generation = options_.cache_generation();
    std::vector<uint8_t> cached;
    if (!context.fast_declined &&
        packets_->Lookup(*cacheable, bytes, context.tcp, MonotonicMs(started), generation, cached)) {
      CountCachedReply(cached, started);
      co_return cached;
    }
  }
  ClientFlags flags{query.edns && query.edns->dnssec_ok, query.header.cd,
                    query.edns ? query.edns->udp_size : uint16_t{0}};
  Resolution resolution;
  if (query.question.qtype == dns::RrType::ANY && !context.tcp) {
    ++stats_->any_synthesised;
    resolution = AnyOverUdp(query.question);
  } else {
    // Awaited directly (no coroutine layer of its own): this is the cache-hit path.
    RequestContext request = pipeline_.NewRequest(query.question, flags, stop_);
    resolution = co_await pipeline_.Resolve(std::move(request));
  }
  if (options_.root_key_sentinel) ApplyRootKeySentinel(query.question, resolution);
  ++(resolution.rcode == Rcode::NOERROR    ? stats_->noerror
     : resolution.rcode == Rcode::NXDOMAIN ? stats_->nxdomain
                                           : stats_->servfail);
  if (options_.log_queries && options_.log) LogQuery(context, query.question, resolution, started);
  auto reply = BuildReply(query, static_cast<uint16_t>(resolution.rcode), &resolution, limit,
                          options_);
  ObserveDuration(started);
  if (!reply) co_return std::vector<uint8_t>{};
  constexpr uint8_t kTcBit = 0x02;  // RFC 1035 section 4.1.1: TC in octet 2.
  bool truncated = reply->size() >= 3 && ((*reply)[2] & kTcBit);
  if (truncated) ++stats_->truncated;
  // Admission on second use: a reply is kept when the answer cache gave it (no upstream query),
  // so a name asked once (a cold scan, a random-subdomain flood) never displaces hot entries.
  bool keep = cacheable && !truncated && !resolution.ede && resolution.security != dns::Security::kBogus &&
              resolution.upstream_queries == 0 &&
              (resolution.rcode == Rcode::NOERROR || resolution.rcode == Rcode::NXDOMAIN);
  if (keep) packets_->Insert(*cacheable, *reply, MonotonicMs(std::chrono::steady_clock::now()), generation);
  co_return *reply;
}

void Responder::ApplyRootKeySentinel(const dns::Question& question, Resolution& resolution) const {
  SentinelLabel label = ParseSentinelLabel(question.qname);
  if (!SentinelRefuses(label, question.qtype, resolution.rcode, resolution.security, options_.root_anchor_key_tags)) return;
  resolution = FailedResolution(dns::EdeCode::kOther,
                                "root key sentinel (RFC 8509): key " + std::to_string(label.key_tag) +
                                    (label.kind == SentinelKind::kIsTa ? " is not" : " is") + " a root trust anchor here");
}

}  // namespace redoubt::resolver
