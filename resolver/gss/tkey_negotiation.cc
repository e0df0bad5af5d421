#include "resolver/gss/tkey_negotiation.h"

#include <algorithm>
#include <string>
#include <utility>

#include "net/dns/message_builder.h"
#include "net/dns/message_view.h"
#include "net/dns/rdata/transaction.h"
#include "net/dns/reply_match.h"

namespace redoubt::resolver::gss {
namespace {

using dns::MessageView;
using dns::Name;
using dns::rdata::TKEY;

// Why a reply was refused, and the server's TKEY Error when that was the reason.
struct Rejection {
  std::string error;
  std::optional<dns::Rcode> tkey_error;
};

// A query for the key name's TKEY with `tkey` in the additional section (RFC 2930 section 4;
// specs/gss-tsig.md section 1.1). No OPT: the queries go over TCP, and BIND's nsupdate sends
// none either.
Result<std::vector<uint8_t>> BuildTkeyQuery(const Name& key_name, uint16_t id, const TKEY& tkey) {
  dns::MessageBuilder builder(65535);
  builder.header().id = id;
  builder.header().opcode = dns::Opcode::QUERY;
  builder.header().rd = false;
  if (auto s = builder.AddQuestion(key_name, dns::RrType::TKEY, dns::RrClass::ANY); !s) {
    return Unexpected<Error>(s.error());
  }
  if (auto s = builder.AddRecord(dns::Section::kAdditional, key_name, dns::RrClass::ANY, 0, tkey);
      !s) {
    return Unexpected<Error>(s.error());
  }
  if (builder.truncated()) return Fail(Errc::kBufferFull);
  return std::move(builder).Finish();
}

// Not an answer to the query we sent at all (RFC 5452 section 9.1's matching, the name
// case-insensitively: we send no 0x20 pattern): the reason; nullopt when it is one.
std::optional<std::string> NotAnAnswer(const Result<MessageView>& view, uint16_t id,
                                       const Name& key_name) {
  if (!view) return "not a DNS message (" + std::string(ErrcName(view.error().code)) + ")";
  dns::SentQuery sent{id, dns::Question{key_name, dns::RrType::TKEY, dns::RrClass::ANY}};
  dns::ReplyMatch match = dns::MatchReply(*view, sent);
  if (match == dns::ReplyMatch::kMatch || match == dns::ReplyMatch::kCaseMismatch) {
    return std::nullopt;
  }
  return "not an answer to our TKEY query (" + std::string(dns::ReplyMatchName(match)) + ")";
}

std::string ModeText(uint16_t mode) {
  return dns::rdata::TkeyModeName(mode) + " (" + std::to_string(mode) + ")";
}

// The one TKEY record of the answer section, or why there is none to use.
Result<const dns::RecordView*, Rejection> FindTkeyAnswer(const MessageView& view) {
  const dns::RecordView* found = nullptr;
  size_t count = 0;
  for (const auto& record : view.section(dns::Section::kAnswer)) {
    if (record.type == dns::RrType::TKEY && count++ == 0) found = &record;
  }
  if (count > 1) {
    return Unexpected<Rejection>({std::to_string(count) +
                                  " TKEY records in the answer (RFC 2930 allows one)", {}});
  }
  if (found != nullptr) return found;
  bool elsewhere = std::any_of(view.records().begin(), view.records().end(), [](const auto& r) {
    return r.type == dns::RrType::TKEY;
  });
  return Unexpected<Rejection>({elsewhere ? "no TKEY in the answer section (only elsewhere)"
                                          : "no TKEY in the answer section", {}});
}

// The server's TKEY answer (RFC 2930 section 4; RFC 3645 section 3.1.1 step 3): NOERROR in
// the header, exactly one TKEY in the answer section, for our key name, without an Error,
// algorithm gss-tsig., mode 3, Key Data within the limit. The server's verdict (the TKEY Error)
// is read before its algorithm and mode, because an error TKEY may echo anything.
Result<TKEY, Rejection> ReadTkeyAnswer(const MessageView& view,
                                       const TkeyNegotiationOptions& options) {
  if (view.header().rcode != 0) {
    auto rcode = static_cast<dns::Rcode>(view.header().rcode);
    return Unexpected<Rejection>({"server answered " + dns::RcodeToText(rcode), {}});
  }
  auto record = FindTkeyAnswer(view);
  if (!record) return Unexpected<Rejection>(record.error());
  if ((*record)->owner != options.key_name) {
    return Unexpected<Rejection>({"TKEY for another key name, " + (*record)->owner.ToText(), {}});
  }
  auto typed = view.TypedRdata(**record);
  const TKEY* tkey = typed ? std::get_if<TKEY>(&*typed) : nullptr;
  if (tkey == nullptr) return Unexpected<Rejection>({"malformed TKEY record", {}});
  if (tkey->error != 0) {
    auto error = static_cast<dns::Rcode>(tkey->error);
    return Unexpected<Rejection>({"server refused the key: TKEY error " +
                                  crypto::TsigErrorName(error), error});
  }
  const Name& gss_tsig = crypto::TsigAlgorithmName(crypto::TsigAlgorithm::kGssTsig);
  if (tkey->algorithm != gss_tsig) {
    return Unexpected<Rejection>({"wrong algorithm " + tkey->algorithm.ToText(), {}});
  }
  if (tkey->mode != dns::rdata::kTkeyModeGssApi) {
    return Unexpected<Rejection>({"wrong mode: " + ModeText(tkey->mode), {}});
  }
  if (tkey->key.bytes.size() > options.max_token_octets) {
    return Unexpected<Rejection>({"token of " + std::to_string(tkey->key.bytes.size()) +
                                  " octets, over the limit of " +
                                  std::to_string(options.max_token_octets), {}});
  }
  return *tkey;
}

TkeyNegotiationStep Ignored(std::string why) {
  return {TkeyNegotiationState::kIgnored, {}, std::move(why), std::nullopt};
}

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

}  // namespace

std::string_view TkeyNegotiationStateName(TkeyNegotiationState state) noexcept {
  switch (state) {
    case TkeyNegotiationState::kSend: return "Send";
    case TkeyNegotiationState::kEstablished: return "Established";
    case TkeyNegotiationState::kFailed: return "Failed";
    case TkeyNegotiationState::kIgnored: return "Ignored";
  }
  return "Unknown";
}

TkeyNegotiation::TkeyNegotiation(std::shared_ptr<crypto::GssInitiator> gss,
                                 TkeyNegotiationOptions options)
    : gss_(std::move(gss)), options_(std::move(options)) {}

TkeyNegotiationStep TkeyNegotiation::Start(uint64_t now, uint16_t id) {
  if (phase_ != Phase::kIdle) return Fail("negotiation already started");
  if (gss_ == nullptr) return Fail("no GSS-API initiator");
  crypto::GssStep step = gss_->Step({});
  switch (step.status) {
    case crypto::GssStepStatus::kFailed: return Fail("GSS-API: " + step.error);
    case crypto::GssStepStatus::kContinue:
      return Send(step.output_token, now, id, Phase::kAwaitingToken);
    case crypto::GssStepStatus::kComplete:
      if (step.output_token.empty()) return Fail("GSS-API completed without a token to send");
      return Send(step.output_token, now, id, Phase::kAwaitingConfirmation);
  }
  return Fail("GSS-API returned an unknown status");
}

TkeyNegotiationStep TkeyNegotiation::OnReply(std::span<const uint8_t> reply, uint64_t now,
                                             uint16_t next_id) {
  switch (phase_) {
    case Phase::kAwaitingToken: return OnToken(reply, now, next_id);
    case Phase::kAwaitingConfirmation: return OnConfirmation(reply, now);
    case Phase::kIdle: return Fail("negotiation is not started");
    case Phase::kEstablished:
    case Phase::kOver: break;
  }
  // Not Fail(): an established key stays established.
  return {TkeyNegotiationState::kFailed, {}, "negotiation is over", std::nullopt};
}

TkeyNegotiationStep TkeyNegotiation::OnToken(std::span<const uint8_t> reply, uint64_t now,
                                             uint16_t next_id) {
  auto view = MessageView::Parse(reply);
  if (auto why = NotAnAnswer(view, sent_id_, options_.key_name)) return Ignored(*why);
  // An error here comes unsigned (there is no context to sign with yet) and ends the attempt,
  // as RFC 3645 section 3.1.1 says: whoever can answer our TCP query can also withhold the
  // genuine answer, so kIgnored would buy nothing.
  auto tkey = ReadTkeyAnswer(*view, options_);
  if (!tkey) return Fail(tkey.error().error, tkey.error().tkey_error);
  return AfterStep(reply, now, next_id, gss_->Step(tkey->key.bytes));
}

TkeyNegotiationStep TkeyNegotiation::AfterStep(std::span<const uint8_t> reply, uint64_t now,
                                               uint16_t next_id, crypto::GssStep step) {
  switch (step.status) {
    case crypto::GssStepStatus::kFailed: return Fail("GSS-API: " + step.error);
    case crypto::GssStepStatus::kContinue:
      if (step.output_token.empty()) return Fail("GSS-API wants to continue without a token");
      return Send(step.output_token, now, next_id, Phase::kAwaitingToken);
    case crypto::GssStepStatus::kComplete: break;
  }
  if (!step.output_token.empty()) {
    return Send(step.output_token, now, next_id, Phase::kAwaitingConfirmation);
  }
  // Complete with nothing to send: the server completed first and, per RFC 3645 section
  // 3.1.1, signed this reply with the new context, with no Request MAC in the digest (section
  // 2.2). BIND and Windows do. The RFC would let an unsigned reply establish the context, but
  // then nothing shows the server holds the same context (mutual authentication only proves
  // who made the token); the first use would fail instead. So: strictly signed, or failed.
  crypto::TsigVerification verified = crypto::VerifyTsigReply(reply, Key(), {}, now);
  if (verified.verdict != crypto::TsigVerdict::kOk) {
    return Fail("final TKEY reply not signed by the new context (" +
                std::string(crypto::TsigVerdictName(verified.verdict)) + ")");
  }
  return Established();
}

TkeyNegotiationStep TkeyNegotiation::OnConfirmation(std::span<const uint8_t> reply, uint64_t now) {
  auto view = MessageView::Parse(reply);
  if (auto why = NotAnAnswer(view, sent_id_, options_.key_name)) return Ignored(*why);
  // Only the server holding the new context can sign with it: anything else, error replies
  // included, may be a forgery and must not end the wait (RFC 3645 section 3.1.1).
  crypto::TsigVerification verified = crypto::VerifyTsigReply(reply, Key(), {}, now);
  if (!verified.mac_verified) {
    return Ignored("confirmation not signed by the new context (" +
                   std::string(crypto::TsigVerdictName(verified.verdict)) + ")");
  }
  if (verified.verdict == crypto::TsigVerdict::kServerError) {
    return Fail("server's TSIG error " + crypto::TsigErrorName(verified.error));
  }
  if (verified.verdict == crypto::TsigVerdict::kBadTime) {
    return Fail("signed confirmation outside its fudge of our clock (time signed " +
                std::to_string(verified.time_signed) + ", now " + std::to_string(now) + ")");
  }
  auto tkey = ReadTkeyAnswer(*view, options_);
  if (!tkey) return Fail(tkey.error().error, tkey.error().tkey_error);
  return Established();
}

TkeyNegotiationStep TkeyNegotiation::Send(std::span<const uint8_t> token, uint64_t now,
                                          uint16_t id, Phase next) {
  if (rounds_ >= options_.max_rounds) {
    return Fail("too many round trips (" + std::to_string(rounds_) + ")");
  }
  if (token.size() > 65535) return Fail("GSS-API token too long for a TKEY record");
  TKEY tkey;
  tkey.algorithm = crypto::TsigAlgorithmName(crypto::TsigAlgorithm::kGssTsig);
  tkey.inception.value = static_cast<uint32_t>(now);  // RFC 1982 serial arithmetic: mod 2^32.
  tkey.expiration.value = static_cast<uint32_t>(now + options_.lifetime_seconds);
  tkey.mode = dns::rdata::kTkeyModeGssApi;
  tkey.key.bytes.assign(token.begin(), token.end());
  auto query = BuildTkeyQuery(options_.key_name, id, tkey);
  if (!query) {
    return Fail("cannot build the TKEY query (" + std::string(ErrcName(query.error().code)) + ")");
  }
  ++rounds_;
  sent_id_ = id;
  phase_ = next;
  return {TkeyNegotiationState::kSend, std::move(*query), {}, std::nullopt};
}

TkeyNegotiationStep TkeyNegotiation::Fail(std::string error, std::optional<dns::Rcode> tkey_error) {
  phase_ = Phase::kOver;
  return {TkeyNegotiationState::kFailed, {}, std::move(error), tkey_error};
}

TkeyNegotiationStep TkeyNegotiation::Established() {
  phase_ = Phase::kEstablished;
  return {TkeyNegotiationState::kEstablished, {}, {}, std::nullopt};
}

crypto::TsigKey TkeyNegotiation::Key() const {
  crypto::TsigKey key;
  key.name = options_.key_name;
  key.algorithm = crypto::TsigAlgorithm::kGssTsig;
  key.mic_engine = gss_;
  return key;
}

dns::Name NewGssKeyName(std::string_view server_host, uint64_t random) {
  constexpr size_t kMaxLabel = 63;
  constexpr size_t kBudget = 126;  // Length octets and labels; + the root octet stays < 128.
  std::string host = Lower(server_host);
  std::vector<std::string> host_labels;
  for (size_t start = 0; start <= host.size();) {
    size_t dot = std::min(host.find('.', start), host.size());
    if (dot > start) host_labels.push_back(host.substr(start, dot - start));
    start = dot + 1;
  }
  if (host_labels.empty()) host_labels.push_back("server");
  host_labels.front() = "sig-" + host_labels.front();
  std::vector<std::string> labels{std::to_string(random)};  // At most 20 digits.
  size_t used = 1 + labels.front().size();
  for (std::string& label : host_labels) {
    if (label.size() > kMaxLabel) label.resize(kMaxLabel);
    if (used + 1 + label.size() > kBudget) break;
    used += 1 + label.size();
    labels.push_back(std::move(label));
  }
  std::vector<std::string_view> views(labels.begin(), labels.end());
  auto name = Name::FromLabels(views);
  // Unreachable with the budget above; a fixed fallback keeps the function total.
  return name ? *name : Name::FromText("sig-server.").value();
}

Result<crypto::TsigSigned> BuildTkeyDeletion(const crypto::TsigKey& key, uint64_t now, uint16_t id,
                                             uint16_t fudge) {
  TKEY tkey;
  tkey.algorithm = crypto::TsigAlgorithmName(key.algorithm);
  tkey.inception.value = static_cast<uint32_t>(now);
  tkey.expiration.value = static_cast<uint32_t>(now);
  tkey.mode = dns::rdata::kTkeyModeDeletion;
  auto query = BuildTkeyQuery(key.name, id, tkey);
  if (!query) return Unexpected<Error>(query.error());
  crypto::TsigSignOptions options;
  options.time_signed = now;
  options.fudge = fudge;
  return crypto::SignTsig(*query, key, options);
}

}  // namespace redoubt::resolver::gss
