// A scripted GSS-API peer for the TKEY negotiation tests and fuzzer: an initiator whose Step
// results are played from a script, a MIC engine standing for the acceptor's end of the same
// context, and a server that renders TKEY replies (RFC 2930 section 4, RFC 3645 section 3.1.1)
// the way BIND does, or the way an attacker would. Header-only; failures here are test bugs
// and CHECK-fail.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "crypto/digest.h"
#include "crypto/gss_context.h"
#include "crypto/tsig.h"
#include "net/base/check.h"
#include "net/dns/message_builder.h"
#include "net/dns/message_view.h"
#include "net/dns/rdata/transaction.h"

namespace redoubt::resolver::gss::testing {

using Bytes = std::vector<uint8_t>;

// The "MIC" of a context: SHA-256 over a per-context session byte and the message, cut to 28
// octets (an AES-SHA1-96 Kerberos MIC's size). Both ends of one context share the session byte,
// as they share a Kerberos session key; an impostor's context has another.
inline Bytes FakeMic(uint8_t session, std::span<const uint8_t> message) {
  Bytes input{session};
  input.insert(input.end(), message.begin(), message.end());
  std::span<const uint8_t> part(input);
  crypto::Digest digest = crypto::ComputeDigest(crypto::DigestAlgorithm::kSha256, {part}).value();
  return {digest.data(), digest.data() + 28};
}

// One end of a context as a MIC engine (the server's end in these tests).
class FakeMicEngine final : public crypto::TsigMicEngine {
 public:
  explicit FakeMicEngine(uint8_t session) : session_(session) {}
  Result<std::vector<uint8_t>> GetMic(std::span<const uint8_t> message) override {
    return FakeMic(session_, message);
  }
  bool VerifyMic(std::span<const uint8_t> message, std::span<const uint8_t> mic) override {
    return FakeMic(session_, message) == Bytes(mic.begin(), mic.end());
  }

 private:
  uint8_t session_;
};

// An initiator that answers each Step with the next scripted result (kFailed "script ended"
// when none is left), records the tokens it was given, and counts the MICs it verified.
class ScriptedGssInitiator final : public crypto::GssInitiator {
 public:
  explicit ScriptedGssInitiator(uint8_t session, std::deque<crypto::GssStep> script = {})
      : session_(session), script_(std::move(script)) {}

  void Then(crypto::GssStepStatus status, Bytes token = {}, std::string error = {}) {
    script_.push_back(crypto::GssStep{status, std::move(token), std::move(error)});
  }
  crypto::GssStep Step(std::span<const uint8_t> input_token) override {
    inputs.emplace_back(input_token.begin(), input_token.end());
    if (script_.empty()) return {crypto::GssStepStatus::kFailed, {}, "script ended"};
    crypto::GssStep step = std::move(script_.front());
    script_.pop_front();
    return step;
  }
  uint32_t LifetimeSeconds() override { return 36000; }
  Result<std::vector<uint8_t>> GetMic(std::span<const uint8_t> message) override {
    return FakeMic(session_, message);
  }
  bool VerifyMic(std::span<const uint8_t> message, std::span<const uint8_t> mic) override {
    bool ok = FakeMic(session_, message) == Bytes(mic.begin(), mic.end());
    ok ? ++verified : ++refused;
    return ok;
  }

  std::vector<Bytes> inputs;  // The tokens Step was given, in order.
  int verified = 0;           // VerifyMic calls that succeeded, and those that did not.
  int refused = 0;

 private:
  uint8_t session_;
  std::deque<crypto::GssStep> script_;
};

inline dns::Name KeyName() { return dns::Name::FromText("1234.sig-ns1.corp.example.").value(); }

// A GSS-TSIG key on `engine` (a server's end of a context).
inline crypto::TsigKey GssKey(std::shared_ptr<crypto::TsigMicEngine> engine,
                              const dns::Name& name = KeyName()) {
  crypto::TsigKey key;
  key.name = name;
  key.algorithm = crypto::TsigAlgorithm::kGssTsig;
  key.mic_engine = std::move(engine);
  return key;
}

// A server's reply to a TKEY query; every field defaults to the well-behaved answer.
struct TkeyReply {
  std::optional<uint16_t> id;                // Default: the query's.
  bool qr = true;
  dns::Opcode opcode = dns::Opcode::QUERY;
  uint8_t rcode = 0;
  std::optional<dns::Question> question;     // Default: the query's.
  bool no_question = false;
  std::optional<dns::Name> owner;            // Default: the query's key name.
  std::optional<dns::Name> algorithm;        // Default: gss-tsig.
  uint16_t mode = dns::rdata::kTkeyModeGssApi;
  uint16_t error = 0;
  Bytes token;
  int answer_tkeys = 1;
  int additional_tkeys = 0;
  std::shared_ptr<crypto::TsigMicEngine> sign_with;  // Null: unsigned.
  uint64_t time_signed = 0;
};

// The reply `spec` describes to `query` (a TKEY query as TkeyNegotiation renders it).
inline Bytes MakeTkeyReply(std::span<const uint8_t> query, const TkeyReply& spec) {
  auto view = dns::MessageView::Parse(query).value();
  CHECK(!view.questions().empty());
  dns::MessageBuilder builder(65535);
  builder.header().id = spec.id.value_or(view.header().id);
  builder.header().qr = spec.qr;
  builder.header().opcode = spec.opcode;
  builder.header().rcode = spec.rcode;
  dns::Question question = spec.question.value_or(view.questions().front());
  if (!spec.no_question) {
    CHECK(builder.AddQuestion(question.qname, question.qtype, question.qclass).has_value());
  }
  dns::rdata::TKEY tkey;
  tkey.algorithm = spec.algorithm.value_or(dns::Name::FromText("gss-tsig.").value());
  tkey.inception.value = static_cast<uint32_t>(spec.time_signed);
  tkey.expiration.value = static_cast<uint32_t>(spec.time_signed + 3600);
  tkey.mode = spec.mode;
  tkey.error = spec.error;
  tkey.key.bytes = spec.token;
  dns::Name owner = spec.owner.value_or(view.questions().front().qname);
  for (int i = 0; i < spec.answer_tkeys; ++i) {
    CHECK(builder.AddRecord(dns::Section::kAnswer, owner, dns::RrClass::ANY, 0, tkey).has_value());
  }
  for (int i = 0; i < spec.additional_tkeys; ++i) {
    CHECK(builder.AddRecord(dns::Section::kAdditional, owner, dns::RrClass::ANY, 0, tkey)
              .has_value());
  }
  Bytes reply = std::move(builder).Finish().value();
  if (spec.sign_with == nullptr) return reply;
  crypto::TsigSignOptions options;
  options.time_signed = spec.time_signed;
  return crypto::SignTsig(reply, GssKey(spec.sign_with, owner), options).value().message;
}

}  // namespace redoubt::resolver::gss::testing
