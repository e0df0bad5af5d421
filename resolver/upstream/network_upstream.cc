#include <algorithm>
#include <array>
#include <chrono>
#include <limits>
#include <memory>
#include <optional>

#include "crypto/checksum.h"
#include "crypto/random.h"
#include "net/dns/message_builder.h"
#include "net/base/when_all.h"
#include "net/dns/reply_match.h"
#include "resolver/upstream/checksum_policy.h"
#include "resolver/upstream/upstream.h"

namespace redoubt::resolver {

// One query as sent: what the reply must match, and the bytes.
struct NetworkUpstream::Sent {
  dns::SentQuery match;
  std::vector<uint8_t> wire;
  std::optional<dns::ChecksumNonce> nonce;  // Set when the query carries CHECKSUM.
  std::optional<IpAddress> source;          // The outgoing interface; unset: the kernel's.
  bool tsig = false;                        // Signed: a TSIG error reply is taken to be judged.
};

namespace {

using Status = UpstreamReply::Status;

// An exchange's round trip (from `started`, before sending) when it ended with a reply.
void ObserveRtt(LatencyHistogram& rtt, MonoTime started, const io::ExchangeResult& result) {
  if (result.status != io::ExchangeStatus::kReply) return;
  auto elapsed = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started);
  rtt.Observe(static_cast<uint32_t>(std::min<int64_t>(elapsed.count(), std::numeric_limits<uint32_t>::max())));
}

// Candidate source ports from the CSPRNG in 1024-65535 (RFC 5452 section 9.2).
std::vector<uint16_t> RandomSourcePorts() {
  std::vector<uint16_t> ports(8);
  for (uint16_t& port : ports) port = static_cast<uint16_t>(crypto::RandomInRange(1024, 65535));
  return ports;
}

// One of `interfaces` of the server's family, uniformly at random from the CSPRNG.
std::optional<IpAddress> PickSource(const std::vector<IpAddress>& interfaces,
                                    const IpAddress& server) {
  auto same_family = [&server](const IpAddress& a) { return a.family() == server.family(); };
  auto matching = static_cast<uint64_t>(std::count_if(interfaces.begin(), interfaces.end(), same_family));
  if (matching == 0) return std::nullopt;
  uint64_t pick = crypto::RandomInRange(0, matching - 1);
  for (const IpAddress& address : interfaces) {
    if (same_family(address) && pick-- == 0) return address;
  }
  return std::nullopt;
}

// A plain UDP exchange's match: the query sent, and where the filter leaves what it learnt of
// the reply it accepted, its parse and the CHECKSUM verdict judged from that parse (one parse of
// the reply, not two). Lives in the asking coroutine's frame, which outlives the exchange and so
// every call of the filter; the filter holds only its address (no heap copy of the query).
struct MatchJudgement {
  const dns::SentQuery* sent = nullptr;
  bool judge_checksum = false;
  uint16_t option_code = 0;
  dns::ChecksumNonce nonce{};
  std::optional<crypto::ChecksumVerdict> verdict;  // Set when a reply was accepted.
  std::optional<dns::MessageView> view;  // The accepted reply's parse (of the receive buffer).
};

// Whether `view` answers exactly the query sent; with `case_mismatch` set, a reply differing
// only in letter case is accepted and reported there.
bool Matches(const dns::MessageView& view, const dns::SentQuery& sent, bool* case_mismatch) {
  dns::ReplyMatch match = dns::MatchReply(view, sent);
  if (match == dns::ReplyMatch::kCaseMismatch && case_mismatch != nullptr) {
    *case_mismatch = true;
    return true;
  }
  return match == dns::ReplyMatch::kMatch;
}

// Accepts a message only if it parses and answers exactly the query sent (Matches).
io::ReplyFilter MatchFilter(dns::SentQuery sent, std::shared_ptr<bool> case_mismatch = nullptr) {
  return [sent, case_mismatch](std::span<const uint8_t> bytes) {
    auto view = dns::MessageView::Parse(bytes);
    return view && Matches(*view, sent, case_mismatch.get());
  };
}

// MatchFilter for `judgement->sent`, keeping the accepted reply's parse in `judgement` and,
// when asked for, judging its CHECKSUM there (CheckReply).
io::ReplyFilter JudgingMatchFilter(MatchJudgement* judgement) {
  return [judgement](std::span<const uint8_t> bytes) {
    auto view = dns::MessageView::Parse(bytes);
    if (!view || !Matches(*view, *judgement->sent, nullptr)) return false;
    if (judgement->judge_checksum) {
      judgement->verdict = crypto::CheckReply(*view, bytes, judgement->option_code, judgement->nonce);
    }
    judgement->view = std::move(*view);
    return true;
  };
}

// For a signed query, a reply is judged by its TSIG whenever it is ours by ID, so that the
// upstream can say why it was refused: the matching reply, the TSIG error reply servers send
// without the question (NSD's BADKEY: RCODE NOTAUTH, QDCOUNT 0, an unsigned TSIG; RFC 8945
// section 5.3.2), a FORMERR without the question (a server without EDNS), and a reply that does not parse because a record follows its TSIG (RFC 8945
// section 5.1: kMisplaced). Such replies are reported, never taken: VerifyTsigReply decides.
io::ReplyFilter SignedMatchFilter(dns::SentQuery sent, std::shared_ptr<bool> case_mismatch = nullptr) {
  io::ReplyFilter match = MatchFilter(sent, std::move(case_mismatch));
  return [sent, match](std::span<const uint8_t> bytes) {
    if (match(bytes)) return true;
    constexpr uint8_t kQrBit = 0x80;
    if (bytes.size() < 12 || (bytes[2] & kQrBit) == 0) return false;
    if ((uint16_t{bytes[0]} << 8 | bytes[1]) != sent.id) return false;
    auto view = dns::MessageView::Parse(bytes);
    if (!view) return true;
    uint8_t rcode = view->header().rcode;
    bool tsig_error = rcode == static_cast<uint8_t>(dns::Rcode::NOTAUTH) && view->tsig() != nullptr;
    bool formerr = rcode == static_cast<uint8_t>(dns::Rcode::FORMERR);  // EDNS fallback.
    return view->questions().empty() && (tsig_error || formerr);
  };
}

// Header bits read in place (RFC 1035 section 4.1.1): TC is bit 1 of octet 2, RCODE the low
// nibble of octet 3.
constexpr uint8_t kTcBit = 0x02, kRcodeMask = 0x0F;
bool Truncated(const std::vector<uint8_t>& wire) { return wire.size() >= 3 && (wire[2] & kTcBit); }
bool FormErr(const std::vector<uint8_t>& wire) {
  return wire.size() >= 4 && (wire[3] & kRcodeMask) == static_cast<uint8_t>(dns::Rcode::FORMERR);
}

UpstreamReply FromExchange(io::ExchangeResult result, bool tcp, UpstreamStats* stats) {
  UpstreamReply reply;
  reply.rtt_ms = result.elapsed_ms;
  reply.over_tcp = tcp;
  switch (result.status) {
    case io::ExchangeStatus::kReply:
      reply.status = Status::kReply;
      reply.wire = std::move(result.reply);
      break;
    case io::ExchangeStatus::kTimeout:
      ++stats->timeouts;
      reply.status = Status::kTimeout;
      break;
    case io::ExchangeStatus::kRejected:
      ++stats->mismatched;
      reply.status = Status::kBadReply;
      break;
    case io::ExchangeStatus::kNetworkError:
      ++stats->network_errors;
      reply.status = Status::kNetworkError;
      break;
    case io::ExchangeStatus::kCancelled:
      reply.status = Status::kCancelled;
      break;
  }
  return reply;
}

std::optional<std::vector<uint8_t>> BuildWire(const dns::SentQuery& sent, const AskOptions& ask,
                                              bool edns, uint16_t udp_size,
                                              std::optional<dns::EdnsOption> checksum = {}) {
  dns::QueryOptions options;
  options.dnssec_ok = edns && ask.dnssec_ok;
  if (checksum) options.options.push_back(std::move(*checksum));
  options.id = sent.id;
  options.recursion_desired = ask.recursion_desired;
  options.edns = edns;
  options.udp_size = udp_size;
  auto wire = dns::BuildQuery(sent.question.qname, sent.question.qtype, sent.question.qclass,
                              std::move(options));
  if (!wire) return std::nullopt;
  return std::move(*wire);
}

void Count(ChecksumOutcome outcome, uint16_t fragment_size, bool to_validate, UpstreamStats* stats) {
  if (fragment_size != 0) {
    ++stats->fragmented;
    if (!Accepted(outcome)) ++(to_validate ? stats->fragmented_to_validate : stats->fragmented_dropped);
  }
  switch (outcome) {
    case ChecksumOutcome::kVerified: ++stats->checksum_verified; break;
    case ChecksumOutcome::kNonceMismatch: ++stats->checksum_nonce_mismatch; break;
    case ChecksumOutcome::kDigestMismatch: ++stats->checksum_digest_mismatch; break;
    case ChecksumOutcome::kDowngrade: ++stats->checksum_downgrades; break;
    case ChecksumOutcome::kMalformed: ++stats->mismatched; break;
    case ChecksumOutcome::kFragmentedUnverified:
    case ChecksumOutcome::kNotOffered: break;
  }
}

}  // namespace

ChecksumOutcome NetworkUpstream::JudgeUdp(const Endpoint& server, const Sent& sent,
                                          const io::ExchangeResult& udp, bool accept_unverified_fragments,
                                          std::optional<crypto::ChecksumVerdict> judged) {
  crypto::ChecksumVerdict verdict = crypto::ChecksumVerdict::kAbsent;
  if (sent.nonce) {
    verdict = judged ? *judged : crypto::CheckReply(udp.reply, options_.checksum_option_code, *sent.nonce);
  }
  bool capable = sent.nonce && checksum_capable_->Contains(server.address);
  ChecksumOutcome outcome = JudgeUdpReply(verdict, udp.fragment_size, capable);
  bool to_validate = accept_unverified_fragments && outcome == ChecksumOutcome::kFragmentedUnverified;
  Count(outcome, udp.fragment_size, to_validate, stats_);
  if (outcome == ChecksumOutcome::kVerified) checksum_capable_->Insert(server.address);
  return outcome;
}

void NetworkUpstream::NoteTcpReply(const Endpoint& server, const Sent& sent,
                                   const UpstreamReply& reply) {
  if (!sent.nonce || reply.status != Status::kReply) return;
  // An off-path attacker cannot strip the option from a TCP reply: the server really dropped
  // CHECKSUM support, so its UDP replies without it are no longer suspicious.
  if (crypto::CheckReply(reply.wire, options_.checksum_option_code, *sent.nonce) ==
      crypto::ChecksumVerdict::kAbsent) {
    checksum_capable_->Erase(server.address);
  }
}

NetworkUpstream::NetworkUpstream(uv_loop_t* loop, UpstreamStats* stats,
                                 const NetworkUpstreamOptions& options)
    : loop_(loop),
      stats_(stats),
      options_(options),
      checksum_capable_(options.checksum_capable ? options.checksum_capable : &own_checksum_capable_),
      tcp_pool_(loop),
      udp_poller_(loop, io::UdpPoller::SocketReuse::kWhenPortRangeIsWidest) {
  if (!options_.gss_zones.empty()) {
    gss_keys_ = std::make_unique<GssKeyRing>(loop, options_.gss_zones, &stats_->gss, options_.clock,
                                             options_.gss_factory, options_.log);
  }
}

std::vector<uint16_t> NetworkUpstream::SourcePorts() const {
  return udp_poller_.reuses_sockets() ? std::vector<uint16_t>{} : RandomSourcePorts();
}

Task<io::ExchangeResult> NetworkUpstream::OverUdp(const Endpoint& server, const Sent& sent,
                                                  uint32_t timeout_ms, std::stop_token stop,
                                                  MatchedReply* matched) {
  ++stats_->udp_queries;
  io::UdpOptions udp{timeout_ms, std::move(stop), SourcePorts(), sent.source};
  udp.poller = &udp_poller_;
  MatchJudgement judgement{&sent.match, matched != nullptr && sent.nonce && !sent.tsig,
                           options_.checksum_option_code, sent.nonce.value_or(dns::ChecksumNonce{}), {}, {}};
  io::ReplyFilter filter = sent.tsig ? SignedMatchFilter(sent.match) : JudgingMatchFilter(&judgement);
  MonoTime started = std::chrono::steady_clock::now();
  io::ExchangeResult result = co_await io::UdpExchange(loop_, server, sent.wire, std::move(filter), std::move(udp));
  ObserveRtt(stats_->rtt, started, result);
  if (matched != nullptr && result.status == io::ExchangeStatus::kReply) {
    matched->verdict = judgement.verdict;
    // The filter parsed the datagram in the receive buffer; the result holds its copy.
    if (judgement.view && judgement.view->Rebase(result.reply)) {
      matched->view.Keep(std::move(*judgement.view), result.reply);
    }
  }
  co_return result;
}

Task<UpstreamReply> NetworkUpstream::OverTcp(Endpoint server, const Sent& sent, uint32_t timeout_ms,
                                             std::stop_token stop) {
  ++stats_->tcp_queries;
  auto case_mismatch = std::make_shared<bool>(false);
  // Named, not a temporary inside co_await (GCC 12 destroys such temporaries twice).
  io::ReplyFilter filter = sent.tsig ? SignedMatchFilter(sent.match, case_mismatch) : MatchFilter(sent.match, case_mismatch);
  MonoTime started = std::chrono::steady_clock::now();
  io::ExchangeResult result = co_await tcp_pool_.Exchange(server, sent.wire, std::move(filter), timeout_ms,
                                                          std::move(stop), sent.source);
  ObserveRtt(stats_->rtt, started, result);
  if (*case_mismatch && no_case_.insert(server.address).second) ++stats_->case_fallbacks;
  co_return FromExchange(std::move(result), true, stats_);
}

NetworkUpstream::Sent NetworkUpstream::NewSent(const Endpoint& server, const dns::Question& question) {
  Sent sent{{crypto::RandomU16(), question}, {}, std::nullopt,
            PickSource(options_.outgoing_interfaces, server.address)};
  if (options_.randomize_case && !no_case_.contains(server.address)) {
    std::array<uint8_t, 32> bits;
    crypto::RandomBytes(bits);
    sent.match.question.qname = dns::RandomizeCase(question.qname, bits);
  }
  return sent;
}

std::optional<dns::EdnsOption> NetworkUpstream::NewChecksumOption(Sent& sent, bool edns) {
  if (!edns || !options_.checksum) return std::nullopt;
  dns::ChecksumNonce nonce;
  crypto::RandomBytes(nonce);  // All 64 bits fresh for every query (spec section 3.1).
  sent.nonce = nonce;
  return dns::MakeChecksumQueryOption(options_.checksum_option_code, nonce);
}

Task<UpstreamReply> NetworkUpstream::Ask(Endpoint server, dns::Question question,
                                         AskOptions options) {
  if (options.gss) {
    UpstreamReply gss_reply = co_await AskGss(server, std::move(question), std::move(options));
    co_return gss_reply;
  }
  if (options.tsig_key) {
    UpstreamReply signed_reply = co_await AskSigned(server, std::move(question), std::move(options));
    co_return signed_reply;
  }
  std::optional<dns::Question> signal = KeyTagQueryFor(question, options_.key_tag_signals);
  if (!signal) {
    UpstreamReply plain_reply = co_await AskPlain(server, std::move(question), std::move(options));
    co_return plain_reply;
  }
  // Both leave together; the DNSKEY reply waits for the signal's at most kKeyTagSignalTimeoutMs.
  std::vector<Task<UpstreamReply>> both;
  both.push_back(AskPlain(server, std::move(question), options));
  both.push_back(SendKeyTagSignal(server, std::move(*signal), options));
  std::vector<UpstreamReply> replies = co_await WhenAll(std::move(both));
  co_return std::move(replies.front());
}

Task<UpstreamReply> NetworkUpstream::SendKeyTagSignal(Endpoint server, dns::Question signal, AskOptions options) {
  Sent sent = NewSent(server, signal);
  options.dnssec_ok = false;  // Nothing in the reply is used.
  bool edns = !no_edns_.contains(server.address);
  auto wire = BuildWire(sent.match, options, edns, options_.edns_buffer_size);
  if (!wire) co_return UpstreamReply{};
  sent.wire = std::move(*wire);
  ++stats_->key_tag_signals;
  uint32_t timeout_ms = std::min(options.timeout_ms, kKeyTagSignalTimeoutMs);
  io::ExchangeResult ignored = co_await OverUdp(server, sent, timeout_ms, options.stop);
  (void)ignored;
  co_return UpstreamReply{};
}

Task<UpstreamReply> NetworkUpstream::AskPlain(Endpoint server, dns::Question question, AskOptions options) {
  bool edns = !no_edns_.contains(server.address);
  Sent sent = NewSent(server, question);
  std::optional<dns::EdnsOption> checksum = NewChecksumOption(sent, edns);
  auto wire = BuildWire(sent.match, options, edns, options_.edns_buffer_size,
                        std::move(checksum));
  if (!wire) co_return UpstreamReply{};
  sent.wire = std::move(*wire);
  MatchedReply matched;  // The match filter's parse and CHECKSUM verdict.
  io::ExchangeResult udp = co_await OverUdp(server, sent, options.timeout_ms, options.stop, &matched);
  if (udp.status == io::ExchangeStatus::kReply && edns && FormErr(udp.reply)) {
    // RFC 6891 section 7: a server that does not know EDNS may answer FORMERR; ask plainly.
    Sent plain{{crypto::RandomU16(), sent.match.question}, {}, std::nullopt, sent.source};
    auto plain_wire = BuildWire(plain.match, options, false, 512);
    if (plain_wire) {
      plain.wire = std::move(*plain_wire);
      io::ExchangeResult retry = co_await OverUdp(server, plain, options.timeout_ms, options.stop);
      if (retry.status == io::ExchangeStatus::kReply && !FormErr(retry.reply)) {
        if (no_edns_.insert(server.address).second) ++stats_->edns_fallbacks;
        sent = std::move(plain);
        udp = std::move(retry);
        matched = {};  // The plain query carries no CHECKSUM; its reply is parsed later.
      }
    }
  }
  bool rejected = udp.status == io::ExchangeStatus::kRejected;
  if (rejected) ++stats_->mismatched;
  ChecksumOutcome outcome = udp.status == io::ExchangeStatus::kReply
                                ? JudgeUdp(server, sent, udp, options.accept_unverified_fragments, matched.verdict)
                                : ChecksumOutcome::kNotOffered;
  bool to_validate = options.accept_unverified_fragments && outcome == ChecksumOutcome::kFragmentedUnverified;
  bool dropped = udp.status == io::ExchangeStatus::kReply && !Accepted(outcome) && !to_validate;
  bool truncated = udp.status == io::ExchangeStatus::kReply && !dropped && Truncated(udp.reply);
  if (truncated) ++stats_->truncated;
  if (!rejected && !dropped && !truncated) {
    UpstreamReply reply = FromExchange(std::move(udp), false, stats_);
    reply.unverified_fragments = to_validate;
    reply.parsed = std::move(matched.view);  // Moving the reply's octets kept their storage.
    co_return reply;
  }
  ++stats_->tcp_retries;
  UpstreamReply reply = co_await OverTcp(server, sent, options.timeout_ms * 2, options.stop);
  NoteTcpReply(server, sent, reply);
  reply.rtt_ms += udp.elapsed_ms;
  co_return reply;
}

// --- TSIG towards keyed forwarders (RFC 8945; specs/tsig.md section 6; security.md D) ------

namespace {

std::string ClockDifference(int64_t theirs, int64_t ours) {
  int64_t delta = theirs - ours;
  return std::to_string(delta < 0 ? -delta : delta) + " s " + (delta < 0 ? "behind" : "ahead of") + " this host's clock";
}

// Why the server refused our signed query (RFC 8945 section 5.2: NOTAUTH with a TSIG error).
std::string ServerErrorText(const crypto::TsigVerification& v, int64_t now) {
  switch (v.error) {
    case dns::Rcode::BADKEY: return "TSIG: the server does not know our key or its algorithm (BADKEY)";
    case dns::Rcode::BADSIG: return "TSIG: the server says our MAC is wrong (BADSIG): check the secret";
    case dns::Rcode::BADTIME:
      return "TSIG: the server refused our time (BADTIME): its clock is " +
             (v.server_time ? ClockDifference(static_cast<int64_t>(*v.server_time), now) : std::string("unknown"));
    case dns::Rcode::BADTRUNC: return "TSIG: the server wants a longer MAC (BADTRUNC)";
    default: return "TSIG: the server answered TSIG error " + crypto::TsigErrorName(v.error);
  }
}

// Counts a reply's verification (UpstreamStats) and says why it was refused; empty when kOk.
std::string JudgeTsig(const crypto::TsigVerification& v, int64_t now, UpstreamStats* stats) {
  using V = crypto::TsigVerdict;
  switch (v.verdict) {
    case V::kOk: ++stats->tsig_verified; return {};
    case V::kUnsigned: ++stats->tsig_unsigned; return "TSIG: the reply was not signed";
    case V::kBadMac: ++stats->tsig_bad_mac; return "TSIG: the reply's MAC does not verify";
    case V::kWrongKey:
    case V::kWrongAlgorithm: ++stats->tsig_bad_key; return "TSIG: the reply is signed with another key or algorithm";
    case V::kBadTime:
      ++stats->tsig_bad_time;
      return "TSIG: the reply was signed at a time " + ClockDifference(static_cast<int64_t>(v.time_signed), now) +
             ", outside its fudge: check the clocks";
    case V::kServerError: ++stats->tsig_server_errors; return ServerErrorText(v, now);
    default:
      ++stats->tsig_malformed;
      return "TSIG: the reply's TSIG is unusable (" + std::string(crypto::TsigVerdictName(v.verdict)) + ")";
  }
}

UpstreamReply TsigFailed(std::string why, uint32_t rtt_ms, bool tcp) {
  UpstreamReply reply;
  reply.status = Status::kBadReply;
  reply.tsig_failure = std::move(why);
  reply.rtt_ms = rtt_ms;
  reply.over_tcp = tcp;
  return reply;
}

}  // namespace

int64_t NetworkUpstream::WallSeconds() const {
  static const RealClock real;
  return (options_.clock ? options_.clock : &real)->WallSeconds();
}

// Signs `sent.wire` (built without TSIG) into `sent.wire`; the request MAC, or nothing.
std::optional<std::vector<uint8_t>> NetworkUpstream::SignInto(Sent& sent, const std::vector<uint8_t>& unsigned_wire,
                                                             const crypto::TsigKey& key, size_t mac_length) {
  crypto::TsigSignOptions sign;
  sign.time_signed = static_cast<uint64_t>(WallSeconds());
  sign.mac_length = mac_length;
  auto signed_query = crypto::SignTsig(unsigned_wire, key, sign);
  if (!signed_query) return std::nullopt;
  ++stats_->tsig_signed;
  sent.wire = std::move(signed_query->message);
  return std::move(signed_query->mac);
}

// The signed query over UDP: every datagram that is ours by ID is verified as it arrives, and
// one that fails is counted by reason, remembered in `outcome`, and dropped while the wait goes
// on, so a forged or damaged reply arriving first does not end the wait for the signed one
// (RFC 8945 section 5.4; specs/tsig.md section 6). The exchange ends kRejected at the timeout
// when only refused replies came.
Task<io::ExchangeResult> NetworkUpstream::OverSignedUdp(const Endpoint& server, const Sent& sent,
                                                        const crypto::TsigKey& key,
                                                        std::vector<uint8_t> request_mac,
                                                        uint32_t timeout_ms, std::stop_token stop,
                                                        std::shared_ptr<SignedUdpOutcome> outcome) {
  ++stats_->udp_queries;
  io::UdpOptions udp{timeout_ms, std::move(stop), SourcePorts(), sent.source};
  udp.keep_waiting_after_rejected = true;
  udp.poller = &udp_poller_;
  io::ReplyFilter match = SignedMatchFilter(sent.match);
  io::ReplyFilter filter = [this, match, &key, request_mac = std::move(request_mac),
                            outcome](std::span<const uint8_t> bytes) {
    if (!match(bytes)) return false;
    int64_t now = WallSeconds();
    crypto::TsigVerification v = crypto::VerifyTsigReply(bytes, key, request_mac, static_cast<uint64_t>(now));
    std::string why = JudgeTsig(v, now, stats_);
    bool genuine_error = v.verdict == crypto::TsigVerdict::kServerError && v.mac_verified;
    // An unsigned BADKEY (RFC 8945 section 5.2: it cannot be signed) is not trusted, but it
    // ends the wait too: the question goes to TCP at once, where only a verified reply counts,
    // instead of after the whole UDP timeout (a GSS-TSIG server that lost the context answers
    // this way; a forger gains nothing but a TCP retry).
    bool unsigned_badkey = v.verdict == crypto::TsigVerdict::kServerError && !v.mac_verified &&
                           v.error == dns::Rcode::BADKEY;
    if (!why.empty()) outcome->last_refusal = std::move(why);
    // A signed TSIG error (BADTIME, BADTRUNC) is the server's genuine answer: it ends the wait.
    if (v.verdict != crypto::TsigVerdict::kOk && !genuine_error && !unsigned_badkey) return false;
    outcome->accepted = std::move(v);
    return true;
  };
  MonoTime started = std::chrono::steady_clock::now();
  io::ExchangeResult result = co_await io::UdpExchange(loop_, server, sent.wire, std::move(filter), std::move(udp));
  ObserveRtt(stats_->rtt, started, result);
  co_return result;
}

Task<UpstreamReply> NetworkUpstream::AskSigned(Endpoint server, dns::Question question, AskOptions options) {
  auto key = std::find_if(options_.tsig_keys.begin(), options_.tsig_keys.end(),
                          [&](const crypto::TsigKey& k) { return k.name == *options.tsig_key; });
  if (key == options_.tsig_keys.end()) co_return TsigFailed("TSIG key " + options.tsig_key->ToText() + " is not loaded", 0, false);
  SignedNotes notes;
  UpstreamReply reply = co_await AskSignedWith(server, std::move(question), std::move(options), *key, &notes);
  co_return reply;
}

Task<UpstreamReply> NetworkUpstream::AskGss(Endpoint server, dns::Question question, AskOptions options) {
  if (!gss_keys_) co_return TsigFailed("GSS-TSIG: no forward zone has gss-tsig settings", 0, false);
  const GssTarget target = *options.gss;
  for (int round = 0;; ++round) {
    auto key = co_await gss_keys_->KeyFor(server, target, options.timeout_ms * 2, options.stop);
    if (!key) co_return TsigFailed(key.error(), 0, true);
    SignedNotes notes;
    UpstreamReply reply = co_await AskSignedWith(server, question, options, *key, &notes);
    // BADKEY: the server no longer knows the context (restarted, or dropped it): negotiate a
    // new one, once (RFC 3645 section 3.1.1 step 4; specs/gss-tsig.md section 2.3).
    if (!notes.badkey || round > 0) co_return reply;
    gss_keys_->Forget(server, target);
  }
}

Task<void> NetworkUpstream::DeleteGssContexts(uint32_t timeout_ms) {
  if (gss_keys_) co_await gss_keys_->Shutdown(timeout_ms);
}

Task<UpstreamReply> NetworkUpstream::AskSignedWith(Endpoint server, dns::Question question,
                                                   AskOptions options, const crypto::TsigKey& key_ref,
                                                   SignedNotes* notes) {
  const crypto::TsigKey* key = &key_ref;
  bool edns = !no_edns_.contains(server.address);
  Sent sent = NewSent(server, question);
  sent.tsig = true;
  auto wire = BuildWire(sent.match, options, edns, options_.edns_buffer_size, NewChecksumOption(sent, edns));
  std::optional<std::vector<uint8_t>> mac = wire ? SignInto(sent, *wire, *key) : std::nullopt;
  if (!mac) co_return TsigFailed("TSIG: the query could not be signed", 0, false);
  auto outcome = std::make_shared<SignedUdpOutcome>();
  io::ExchangeResult udp = co_await OverSignedUdp(server, sent, *key, *mac, options.timeout_ms,
                                                  options.stop, outcome);
  if (udp.status == io::ExchangeStatus::kTimeout || udp.status == io::ExchangeStatus::kCancelled ||
      udp.status == io::ExchangeStatus::kNetworkError) {
    co_return FromExchange(std::move(udp), false, stats_);
  }
  bool wants_full_mac = false;
  if (udp.status == io::ExchangeStatus::kReply && outcome->accepted.verdict == crypto::TsigVerdict::kOk) {
    // The TSIG verified in the filter; CHECKSUM now, on the TSIG-stripped bytes (specs/tsig.md
    // section 8).
    if (!Truncated(outcome->accepted.message)) {
      udp.reply = std::move(outcome->accepted.message);
      if (Accepted(JudgeUdp(server, sent, udp, false))) co_return FromExchange(std::move(udp), false, stats_);
    } else {
      ++stats_->truncated;  // TC on a signed reply: TCP at once (D11).
    }
  } else if (udp.status == io::ExchangeStatus::kReply) {
    wants_full_mac = outcome->accepted.error == dns::Rcode::BADTRUNC && key->mac_length != 0;
    if (wants_full_mac) ++stats_->tsig_badtrunc_retries;
  }
  // Unsigned, forged, damaged, truncated or a TSIG error: once more over TCP at once, signed
  // afresh (D2, D13); after BADTRUNC with the full MAC (RFC 8945 section 5.2.2.1).
  ++stats_->tcp_retries;
  size_t full = crypto::TsigMacLength(key->algorithm);
  SignedTcpOutcome tcp;
  UpstreamReply reply = co_await SignedOverTcp(server, sent, *wire, *key, wants_full_mac ? full : 0,
                                               options.timeout_ms * 2, options.stop, &tcp);
  if (tcp.badtrunc && key->mac_length != 0 && !wants_full_mac) {
    ++stats_->tsig_badtrunc_retries;
    uint32_t first_rtt = reply.rtt_ms;
    reply = co_await SignedOverTcp(server, sent, *wire, *key, full, options.timeout_ms * 2, options.stop, &tcp);
    reply.rtt_ms += first_rtt;
  }
  if (tcp.formerr && edns) {
    // The server does not take EDNS (RFC 6891 section 7): once more without it, still signed.
    uint32_t first_rtt = reply.rtt_ms;
    auto plain = BuildWire(sent.match, options, false, options_.edns_buffer_size, std::nullopt);
    if (plain) {
      reply = co_await SignedOverTcp(server, sent, *plain, *key, 0, options.timeout_ms * 2, options.stop, &tcp);
      reply.rtt_ms += first_rtt;
      if (reply.status == Status::kReply && no_edns_.insert(server.address).second) ++stats_->edns_fallbacks;
    }
  }
  reply.rtt_ms += udp.elapsed_ms;
  if (reply.status != Status::kReply && reply.tsig_failure.empty()) reply.tsig_failure = outcome->last_refusal;
  notes->badkey = tcp.badkey;
  co_return reply;
}

// The signed question once over TCP, signed afresh with `mac_length` octets of MAC (0: the
// key's own length) and its reply verified; `outcome` tells whether a refused reply was a
// signed BADTRUNC (the server wants a longer MAC) or a FORMERR (signed or not).
Task<UpstreamReply> NetworkUpstream::SignedOverTcp(Endpoint server, Sent& sent,
                                                   const std::vector<uint8_t>& unsigned_wire,
                                                   const crypto::TsigKey& key, size_t mac_length,
                                                   uint32_t timeout_ms, std::stop_token stop,
                                                   SignedTcpOutcome* outcome) {
  *outcome = SignedTcpOutcome{};
  std::optional<std::vector<uint8_t>> mac = SignInto(sent, unsigned_wire, key, mac_length);
  if (!mac) co_return TsigFailed("TSIG: the query could not be signed", 0, true);
  UpstreamReply reply = co_await OverTcp(server, sent, timeout_ms, std::move(stop));
  if (reply.status != Status::kReply) co_return reply;
  int64_t now = WallSeconds();
  crypto::TsigVerification v = crypto::VerifyTsigReply(reply.wire, key, *mac, static_cast<uint64_t>(now));
  std::string why = JudgeTsig(v, now, stats_);
  if (!why.empty()) {
    outcome->badtrunc = v.verdict == crypto::TsigVerdict::kServerError && v.mac_verified &&
                        v.error == dns::Rcode::BADTRUNC;
    outcome->formerr = FormErr(reply.wire);
    outcome->badkey = v.verdict == crypto::TsigVerdict::kServerError && v.error == dns::Rcode::BADKEY;
    co_return TsigFailed(std::move(why), reply.rtt_ms, true);
  }
  reply.wire = std::move(v.message);
  NoteTcpReply(server, sent, reply);
  co_return reply;
}

}  // namespace redoubt::resolver
