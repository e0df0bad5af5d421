// Client-side TSIG verification (RFC 8945 sections 5.2-5.4 and 5.3.1): one reply, or the
// messages of a TCP stream.
#include <openssl/crypto.h>

#include <algorithm>
#include <variant>

#include "crypto/tsig.h"
#include "crypto/tsig_mac.h"
#include "net/dns/message_view.h"

namespace redoubt::crypto {
namespace {

// What the MAC of the message being verified chains to.
struct Chain {
  std::span<const uint8_t> previous_mac;
  std::span<const uint8_t> unsigned_messages;
  bool timers_only = false;
};

// The TSIG of a message, decoded, and where its record starts.
struct LocatedTsig {
  dns::Name owner;
  dns::rdata::TSIG rdata;
  size_t offset = 0;
};

// Placement and form (RFC 8945 sections 4.2 and 5.1): MessageView refuses a TSIG that is not
// the last record of the additional section, so "two TSIGs" and "TSIG in the answer" both end
// as kTsigMisplaced there.
std::variant<TsigVerdict, LocatedTsig> LocateTsig(std::span<const uint8_t> message) {
  auto view = dns::MessageView::Parse(message);
  if (!view) {
    return view.error().code == Errc::kTsigMisplaced ? TsigVerdict::kMisplaced
                                                     : TsigVerdict::kMalformed;
  }
  const dns::RecordView* record = view->tsig();
  if (record == nullptr) return TsigVerdict::kUnsigned;
  if (record->klass != dns::RrClass::ANY || record->ttl != 0) return TsigVerdict::kMalformed;
  auto rdata = view->TypedRdata(*record);
  auto* tsig = rdata ? std::get_if<dns::rdata::TSIG>(&*rdata) : nullptr;
  if (tsig == nullptr) return TsigVerdict::kMalformed;
  return LocatedTsig{record->owner, std::move(*tsig), record->offset};
}

// The DNS Message component (RFC 8945 section 4.3.2): the bytes before the TSIG record, with
// ARCOUNT no longer counting it and the ID the message was signed with.
std::vector<uint8_t> StripTsig(std::span<const uint8_t> message, const LocatedTsig& tsig) {
  std::vector<uint8_t> stripped(message.begin(), message.begin() + static_cast<std::ptrdiff_t>(tsig.offset));
  // The parser found a TSIG in the additional section, so ARCOUNT >= 1.
  uint16_t arcount = static_cast<uint16_t>((stripped[10] << 8 | stripped[11]) - 1);
  stripped[10] = static_cast<uint8_t>(arcount >> 8);
  stripped[11] = static_cast<uint8_t>(arcount);
  stripped[0] = static_cast<uint8_t>(tsig.rdata.original_id >> 8);
  stripped[1] = static_cast<uint8_t>(tsig.rdata.original_id);
  return stripped;
}

// Key and MAC length checks, before any hashing (RFC 8945 sections 5.2.1, 5.2.2.1 and 7).
// kOk means "go on and compute the MAC".
TsigVerdict CheckKeyAndLength(const LocatedTsig& tsig, const TsigKey& key,
                              const TsigPolicy& policy) {
  if (!(tsig.owner == key.name)) return TsigVerdict::kWrongKey;
  auto spec = TsigAlgorithmFromName(tsig.rdata.algorithm);
  if (!spec || spec->algorithm != key.algorithm) return TsigVerdict::kWrongAlgorithm;
  size_t size = tsig.rdata.mac.bytes.size();
  // An unsigned error reply (section 5.3.2: BADKEY, BADSIG): nothing to verify.
  if (size == 0 && tsig.rdata.error != 0) return TsigVerdict::kServerError;
  size_t full = TsigMacLength(key.algorithm);
  if (size > full) return TsigVerdict::kMacTooLong;
  // A MIC is never truncated and has no length of its own to check (RFC 3645 section 5).
  if (key.algorithm == TsigAlgorithm::kGssTsig) return size == 0 ? TsigVerdict::kMacTooShort : TsigVerdict::kOk;
  size_t floor = TsigMinimumMacLength(key.algorithm);
  // The key's own truncation (it signs with that many octets) is what it accepts; else the
  // policy's.
  size_t wanted = key.mac_length != 0 ? key.mac_length
                  : policy.min_mac_length == 0 ? full
                                               : policy.min_mac_length;
  if (size < std::clamp(wanted, floor, full)) return TsigVerdict::kMacTooShort;
  return TsigVerdict::kOk;
}

// True when the received MAC equals the leading octets of the computed one, compared in
// constant time over exactly the received MAC Size (checked above to be at most L). A MAC that
// cannot be computed does not verify.
bool MacMatches(const LocatedTsig& tsig, std::span<const uint8_t> stripped, const TsigKey& key,
                const Chain& chain) {
  // GSS-TSIG (RFC 3645 section 5): GSS_VerifyMIC over the same input decides.
  const dns::rdata::TSIG& r = tsig.rdata;
  TsigMacInput input{.previous_mac = chain.previous_mac,
                     .unsigned_messages = chain.unsigned_messages,
                     .message = stripped,
                     .timers_only = chain.timers_only,
                     .algorithm_name = &r.algorithm,
                     .time_signed = r.time_signed.value,
                     .fudge = r.fudge,
                     .error = r.error,
                     .other_data = r.other.bytes};
  const auto& received = r.mac.bytes;
  if (key.algorithm == TsigAlgorithm::kGssTsig) {
    auto bytes = TsigMacInputBytes(key, input);
    return bytes && key.mic_engine != nullptr && key.mic_engine->VerifyMic(*bytes, received);
  }
  auto computed = ComputeTsigMac(key, input);
  return computed && computed->size() >= received.size() &&
         CRYPTO_memcmp(computed->data(), received.data(), received.size()) == 0;
}

// Copies the fields a caller logs, trusted or not (see TsigVerification).
void NoteFields(const dns::rdata::TSIG& tsig, TsigVerification& out) {
  out.error = static_cast<dns::Rcode>(tsig.error);
  out.time_signed = tsig.time_signed.value;
  const auto& other = tsig.other.bytes;
  if (tsig.error == static_cast<uint16_t>(dns::Rcode::BADTIME) && other.size() == 6) {
    uint64_t time = 0;
    for (uint8_t octet : other) time = time << 8 | octet;
    out.server_time = time;
  }
}

TsigVerification Verify(std::span<const uint8_t> message, const TsigKey& key, const Chain& chain,
                        uint64_t now, const TsigPolicy& policy) {
  TsigVerification out;
  auto located = LocateTsig(message);
  if (auto* verdict = std::get_if<TsigVerdict>(&located)) {
    out.verdict = *verdict;
    return out;
  }
  const LocatedTsig& tsig = std::get<LocatedTsig>(located);
  NoteFields(tsig.rdata, out);
  out.verdict = CheckKeyAndLength(tsig, key, policy);
  if (out.verdict != TsigVerdict::kOk) return out;
  std::vector<uint8_t> stripped = StripTsig(message, tsig);
  if (!MacMatches(tsig, stripped, key, chain)) {
    out.verdict = TsigVerdict::kBadMac;
    return out;
  }
  out.mac_verified = true;
  uint64_t signed_at = tsig.rdata.time_signed.value;
  uint64_t skew = now > signed_at ? now - signed_at : signed_at - now;
  if (skew > tsig.rdata.fudge) {
    out.verdict = TsigVerdict::kBadTime;
  } else if (tsig.rdata.error != 0) {
    out.verdict = TsigVerdict::kServerError;
  } else {
    out.message = std::move(stripped);
    out.mac = tsig.rdata.mac.bytes;
  }
  return out;
}

}  // namespace

std::string TsigErrorName(dns::Rcode error) {
  return error == dns::Rcode::BADSIG ? std::string("BADSIG") : dns::RcodeToText(error);
}

std::string_view TsigVerdictName(TsigVerdict verdict) noexcept {
  switch (verdict) {
    case TsigVerdict::kOk: return "Ok";
    case TsigVerdict::kUnsigned: return "Unsigned";
    case TsigVerdict::kMisplaced: return "Misplaced";
    case TsigVerdict::kMalformed: return "Malformed";
    case TsigVerdict::kWrongKey: return "WrongKey";
    case TsigVerdict::kWrongAlgorithm: return "WrongAlgorithm";
    case TsigVerdict::kMacTooLong: return "MacTooLong";
    case TsigVerdict::kMacTooShort: return "MacTooShort";
    case TsigVerdict::kBadMac: return "BadMac";
    case TsigVerdict::kBadTime: return "BadTime";
    case TsigVerdict::kServerError: return "ServerError";
    case TsigVerdict::kUnsignedInStream: return "UnsignedInStream";
    case TsigVerdict::kTooManyUnsigned: return "TooManyUnsigned";
  }
  return "Unknown";
}

TsigVerification VerifyTsigReply(std::span<const uint8_t> reply, const TsigKey& key,
                                 std::span<const uint8_t> request_mac, uint64_t now,
                                 const TsigPolicy& policy) {
  Chain chain{.previous_mac = request_mac, .unsigned_messages = {}, .timers_only = false};
  return Verify(reply, key, chain, now, policy);
}

TsigVerification VerifyTsigStreamMessage(std::span<const uint8_t> message, const TsigKey& key,
                                         uint64_t now, TsigStreamState& state,
                                         const TsigPolicy& policy) {
  Chain chain{.previous_mac = state.prior_mac,
              .unsigned_messages = state.unsigned_messages,
              .timers_only = state.started};
  TsigVerification out = Verify(message, key, chain, now, policy);
  if (out.verdict == TsigVerdict::kUnsigned && state.started) {
    if (state.unsigned_count >= kMaxUnsignedTsigMessages) {
      out.verdict = TsigVerdict::kTooManyUnsigned;
      return out;
    }
    state.unsigned_messages.insert(state.unsigned_messages.end(), message.begin(), message.end());
    ++state.unsigned_count;
    out.verdict = TsigVerdict::kUnsignedInStream;
    out.message.assign(message.begin(), message.end());
  } else if (out.verdict == TsigVerdict::kOk) {
    state.prior_mac = out.mac;
    state.started = true;
    state.unsigned_messages.clear();
    state.unsigned_count = 0;
  }
  return out;
}

}  // namespace redoubt::crypto
