// libFuzzer target: a GSS-TSIG TKEY negotiation (resolver/gss/tkey_negotiation.h) fed a
// sequence of replies built from the input, against a scripted initiator whose every Step
// result the input also chooses. Replies are raw bytes, or a server's well-formed TKEY reply
// (signed by the right context, an impostor's, or none) with fields and octets the input
// changes. Invariants: nothing crashes or reads out of bounds (ASan), a kSend query parses,
// no more than max_rounds queries go out, and kEstablished is reached only by a reply whose
// TSIG the new context verified (the scripted initiator counts its successful VerifyMIC calls).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <span>

#include "net/dns/message_view.h"
#include "resolver/gss/testing/scripted_gss.h"
#include "resolver/gss/tkey_negotiation.h"

namespace {

using namespace redoubt;                         // NOLINT
using namespace redoubt::resolver::gss;          // NOLINT
using namespace redoubt::resolver::gss::testing;  // NOLINT

constexpr uint64_t kNow = 1700000000;
constexpr uint32_t kMaxRounds = 4;

class Input {
 public:
  explicit Input(std::span<const uint8_t> data) : data_(data) {}
  bool empty() const { return data_.empty(); }
  uint8_t Byte() {
    if (data_.empty()) return 0;
    uint8_t b = data_[0];
    data_ = data_.subspan(1);
    return b;
  }
  std::span<const uint8_t> Take(size_t n) {
    n = std::min(n, data_.size());
    auto out = data_.first(n);
    data_ = data_.subspan(n);
    return out;
  }

 private:
  std::span<const uint8_t> data_;
};

// Each Step's result, chosen by one octet: continue with a token, complete without a token,
// complete with one, continue without one, or fail.
void Script(ScriptedGssInitiator& gss, Input& in) {
  for (int i = 0; i < 8; ++i) {
    uint8_t b = in.Byte();
    Bytes token(b >> 4, static_cast<uint8_t>(b));
    switch (b % 5) {
      case 0: gss.Then(crypto::GssStepStatus::kContinue, token.empty() ? Bytes{1} : token); break;
      case 1: gss.Then(crypto::GssStepStatus::kComplete); break;
      case 2: gss.Then(crypto::GssStepStatus::kComplete, token.empty() ? Bytes{2} : token); break;
      case 3: gss.Then(crypto::GssStepStatus::kContinue); break;
      default: gss.Then(crypto::GssStepStatus::kFailed, {}, "scripted failure"); break;
    }
  }
}

// A server's reply to `query` whose fields the input picks, then octets it flips.
Bytes ShapedReply(std::span<const uint8_t> query, Input& in) {
  uint8_t shape = in.Byte();
  TkeyReply spec;
  spec.time_signed = kNow - 400 + in.Byte() * 4;  // Sometimes outside the fudge.
  spec.token = Bytes(in.Byte() % 32, 0x5A);
  if (shape & 0x01) spec.sign_with = std::make_shared<FakeMicEngine>(7);
  if (shape & 0x02) spec.sign_with = std::make_shared<FakeMicEngine>(8);  // An impostor.
  if (shape & 0x04) spec.rcode = in.Byte() & 0x0F;
  if (shape & 0x08) spec.error = in.Byte() % 24;
  if (shape & 0x10) spec.mode = in.Byte() % 7;
  if (shape & 0x20) spec.answer_tkeys = in.Byte() % 3;
  if (shape & 0x40) spec.additional_tkeys = 1;
  if (shape & 0x80) spec.id = static_cast<uint16_t>(in.Byte());
  Bytes reply = MakeTkeyReply(query, spec);
  for (uint8_t flips = in.Byte() % 4; flips > 0; --flips) {
    uint8_t where = in.Byte();
    reply[(static_cast<size_t>(where) * 7) % reply.size()] ^= in.Byte();
  }
  return reply;
}

void Check(const TkeyNegotiationStep& step, const TkeyNegotiation& negotiation,
           int verified_before, const ScriptedGssInitiator& gss) {
  if (step.state == TkeyNegotiationState::kSend) {
    if (!dns::MessageView::Parse(step.query)) std::abort();
    if (negotiation.rounds() > kMaxRounds) std::abort();
  }
  if (step.state == TkeyNegotiationState::kEstablished && gss.verified <= verified_before) {
    std::abort();  // Established without a TSIG made by the new context.
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Input in(std::span<const uint8_t>(data, size));
  auto gss = std::make_shared<ScriptedGssInitiator>(7);
  Script(*gss, in);
  TkeyNegotiationOptions options;
  options.key_name = KeyName();
  options.max_rounds = kMaxRounds;
  options.max_token_octets = 24;
  TkeyNegotiation negotiation(gss, options);
  TkeyNegotiationStep step = negotiation.Start(kNow, 0x1000);
  Check(step, negotiation, gss->verified, *gss);
  Bytes last_query = step.query;
  for (uint16_t id = 0x1001; !in.empty() && id < 0x1010; ++id) {
    uint8_t kind = in.Byte();
    Bytes reply;
    if (kind & 1 && !last_query.empty()) {
      reply = ShapedReply(last_query, in);
    } else {
      size_t length = static_cast<size_t>(in.Byte()) << 8 | in.Byte();
      auto raw = in.Take(length);
      reply.assign(raw.begin(), raw.end());
    }
    int verified_before = gss->verified;
    step = negotiation.OnReply(reply, kNow, id);
    Check(step, negotiation, verified_before, *gss);
    if (step.state == TkeyNegotiationState::kSend) last_query = step.query;
  }
  return 0;
}
