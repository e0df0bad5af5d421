// libFuzzer target: the TSIG client checks (crypto/tsig.h) on attacker-chosen reply bytes, with
// a fixed key, request MAC and clock: the key, request and time of the dnspython vectors in
// crypto/tsig_interop_test.cc, so that the seeds in corpus/tsig_fuzzer/ (replies dnspython
// signed) verify. Each input is checked as a reply under the default policy and under a
// 16-octet truncation policy, and as a stream message before and after a first one.
// Invariants: nothing crashes or reads out of bounds; the returned message is never longer
// than the input; kOk only when the TSIG's MAC is the one our signer computes for the returned
// message under the key (re-signed and compared), the returned MAC is the received one, and the
// same reply fails against any other request MAC.
#include <cstddef>
#include <cstdint>
#include <span>
#include <variant>
#include <vector>

#include "crypto/tsig.h"
#include "net/dns/message_view.h"

namespace {

using redoubt::crypto::TsigKey;
using redoubt::crypto::TsigVerdict;
using redoubt::crypto::TsigVerification;

constexpr uint64_t kNow = 1700000001;

const TsigKey& Key() {
  static const TsigKey key = [] {
    std::vector<uint8_t> secret(32);
    for (size_t i = 0; i < secret.size(); ++i) secret[i] = static_cast<uint8_t>(i + 1);
    return TsigKey{*redoubt::dns::Name::FromText("Resolver1-Fwd.Test."),
                   redoubt::crypto::TsigAlgorithm::kHmacSha256, secret};
  }();
  return key;
}

// The MAC of the dnspython hmac-sha256 query (tsig_interop_test.cc).
const std::vector<uint8_t> kRequestMac = {
    0x46, 0x57, 0xdc, 0x55, 0x65, 0x5a, 0x66, 0xbe, 0x6a, 0xfa, 0x8f, 0x3c, 0xb7, 0xe0, 0x49, 0xd1,
    0x07, 0x6d, 0xf9, 0xa9, 0xc6, 0xd3, 0xe3, 0x01, 0x93, 0x88, 0xec, 0xa0, 0xb7, 0xb8, 0xaa, 0x94};

// A kOk verdict must come from a MAC our signer reproduces.
void CheckAccepted(std::span<const uint8_t> input, const TsigVerification& out,
                   std::span<const uint8_t> chain, bool later_in_stream) {
  auto view = redoubt::dns::MessageView::Parse(input);
  if (!view || view->tsig() == nullptr) __builtin_trap();
  auto rdata = view->TypedRdata(*view->tsig());
  auto* tsig = rdata ? std::get_if<redoubt::dns::rdata::TSIG>(&*rdata) : nullptr;
  if (tsig == nullptr || tsig->mac.bytes != out.mac || out.message.size() >= input.size()) {
    __builtin_trap();
  }
  // A truncated algorithm name (hmac-sha256-128.) is hashed as received; SignTsig always
  // sends the base name, so it cannot reproduce those.
  if (!(tsig->algorithm == redoubt::crypto::TsigAlgorithmName(Key().algorithm))) return;
  redoubt::crypto::TsigSignOptions options;
  options.time_signed = tsig->time_signed.value;
  options.fudge = tsig->fudge;
  (later_in_stream ? options.prior_mac : options.request_mac) = chain;
  options.error = static_cast<redoubt::dns::Rcode>(tsig->error);
  options.other_data = tsig->other.bytes;
  options.mac_length = tsig->mac.bytes.size();
  auto resigned = redoubt::crypto::SignTsig(out.message, Key(), options);
  if (!resigned || resigned->mac != out.mac) __builtin_trap();
}

void CheckReply(std::span<const uint8_t> input, const redoubt::crypto::TsigPolicy& policy) {
  TsigVerification out = redoubt::crypto::VerifyTsigReply(input, Key(), kRequestMac, kNow, policy);
  if (out.message.size() > input.size()) __builtin_trap();
  if (out.verdict != TsigVerdict::kOk) return;
  CheckAccepted(input, out, kRequestMac, false);
  std::vector<uint8_t> other = kRequestMac;
  other[0] ^= 1;
  if (redoubt::crypto::VerifyTsigReply(input, Key(), other, kNow, policy).verdict == TsigVerdict::kOk) {
    __builtin_trap();
  }
}

void CheckStream(std::span<const uint8_t> input, bool started) {
  redoubt::crypto::TsigStreamState state;
  state.prior_mac = kRequestMac;
  state.started = started;
  TsigVerification out = redoubt::crypto::VerifyTsigStreamMessage(input, Key(), kNow, state);
  if (out.message.size() > input.size()) __builtin_trap();
  if (out.verdict == TsigVerdict::kOk) CheckAccepted(input, out, kRequestMac, started);
  bool kept = out.verdict == TsigVerdict::kUnsignedInStream;
  if (kept != (state.unsigned_count == 1) || (kept && !started)) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::span<const uint8_t> input(data, size);
  CheckReply(input, {});
  CheckReply(input, {.min_mac_length = 16});
  CheckStream(input, false);
  CheckStream(input, true);
  return 0;
}
