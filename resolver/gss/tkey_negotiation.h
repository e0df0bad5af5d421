// The client side of GSS-TSIG key negotiation: TKEY mode 3 (RFC 3645 section 3.1.1; RFC 2930
// sections 2-4; specs/gss-tsig.md sections 1 and 2.1) as a pure state machine. It renders the
// TKEY queries and judges the replies; the caller moves the bytes (over TCP: Kerberos tokens
// outgrow 512 octets, specs/gss-tsig.md section 2.1 step 2), keeps the timeout, and passes the
// time and the message IDs. There is no I/O and no clock here. The GSS initiator is called
// synchronously from Start and OnReply, and its first Step may talk to the KDC, so the caller
// runs these off the event loop (crypto/gss_context.h).
//
//   Start -> kSend(query 1) -> OnReply -> kSend(query 2) -> ... -> kEstablished, Key()
//                                      \-> kIgnored (not an answer we may act on: keep waiting)
//                                      \-> kFailed (abandon this context; the caller may start
//                                          again with a new key name and a new initiator)
//
// Nothing here throws or reads outside a reply, whatever its bytes; error texts name what went
// wrong for an operator's log and never carry a token.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/gss_context.h"
#include "crypto/tsig.h"
#include "net/base/result.h"
#include "net/dns/name.h"
#include "net/dns/types.h"

namespace redoubt::resolver::gss {

struct TkeyNegotiationOptions {
  // The key name (RFC 2930 section 2.1; RFC 3645 section 3.1.1 lets the client choose a
  // globally unique one): QNAME and TKEY owner of every query, e.g. from NewGssKeyName. It must
  // be under 128 octets in wire form (RFC 2930 section 2.1).
  dns::Name key_name;
  // Expiration - Inception of the queries' TKEY (RFC 2930 section 2.3). A hint only: in GSS
  // mode the context's own lifetime rules (RFC 3645 section 3.1.1).
  uint32_t lifetime_seconds = 3600;
  // Round trips allowed before giving up (RFC 3645 section 3.1.1 caps loops; the spec says 10).
  uint32_t max_rounds = 10;
  // The longest Key Data accepted from the server; longer ends the negotiation.
  size_t max_token_octets = 16384;
};

enum class TkeyNegotiationState : uint8_t {
  kSend,         // Send `query` (over TCP) and pass its answer to OnReply.
  kEstablished,  // The context is established and authenticated: Key() signs and verifies.
  kFailed,       // Abandon the negotiation; `error` says why.
  kIgnored,      // The reply is not one we may act on (not an answer to our query, or an
                 // unauthenticated confirmation): drop it and keep waiting for the real one,
                 // until the caller's timeout. Nothing changed.
};

// The name without the leading 'k' ("Established"), for logs.
std::string_view TkeyNegotiationStateName(TkeyNegotiationState state) noexcept;

struct TkeyNegotiationStep {
  TkeyNegotiationState state = TkeyNegotiationState::kFailed;
  std::vector<uint8_t> query;       // kSend: the rendered TKEY query, unsigned.
  std::string error;                // kFailed, kIgnored: why, operator readable.
  std::optional<dns::Rcode> tkey_error;  // kFailed: the server's TKEY Error when it sent one.
};

// One negotiation of one context with one server (RFC 3645 section 3.1.1, steps 1 to 4), for
// one thread at a time. The initiator must be fresh (no Step called yet); the negotiation owns
// a share of it, and so does Key() once established.
class TkeyNegotiation {
 public:
  TkeyNegotiation(std::shared_ptr<crypto::GssInitiator> gss, TkeyNegotiationOptions options);

  // Calls the initiator's first Step (empty input token) and returns the first TKEY query with
  // message ID `id` (RFC 3645 section 3.1.1 steps 1-2): QNAME = key name, QTYPE TKEY, QCLASS
  // ANY, RD = 0, and in the additional section the TKEY RR: owner = key name, class ANY, TTL 0,
  // algorithm gss-tsig., Inception = now, Expiration = now + lifetime (RFC 1982 arithmetic,
  // RFC 2930 section 2.3), mode 3, Error 0, Key Data = the GSS token, no Other Data. When
  // the Step completes at once with a token, the server's signed confirmation is awaited next.
  // kFailed when the initiator fails (its text), completes without a token (nothing a server
  // took part in), when the token does not fit a message, or on a second call.
  TkeyNegotiationStep Start(uint64_t now, uint16_t id);

  // Judges the server's answer to the last query (RFC 3645 section 3.1.1 step 3; RFC 2930
  // section 4). A reply that is not an answer to it (unparseable, another ID, not a response to
  // a QUERY, another question; the name compared case-insensitively) is kIgnored. Then:
  //  - waiting for a token (the last Step said continue): an RCODE other than NOERROR, a TKEY
  //    answer that is missing, doubled, for another name, of another algorithm or mode, with
  //    an Error (tkey_error set), or with Key Data over max_token_octets is kFailed; else its
  //    Key Data goes to Step. Continue: kSend the next query (ID `next_id`), unless max_rounds
  //    queries were sent (kFailed). Complete with a token: kSend it and wait for the signed
  //    confirmation. Complete without one: the reply must carry a TSIG made by the new context
  //    without a Request MAC (RFC 3645 section 2.2) and within its fudge of `now`, else
  //    kFailed; kEstablished when it does. A GSS failure is kFailed with its text.
  //  - waiting for the confirmation (the last Step completed and its token was sent): a reply
  //    whose TSIG does not verify with the new context (unsigned, forged, stale) is kIgnored,
  //    because anyone may send it (RFC 3645 section 3.1.1 allows accepting one of several
  //    answers); a verified reply with NOERROR and our TKEY (mode 3, Error 0) is kEstablished,
  //    any other verified reply kFailed.
  //  - after kEstablished or kFailed, or before Start: kFailed "negotiation is over".
  // Never throws; never reads outside `reply`.
  TkeyNegotiationStep OnReply(std::span<const uint8_t> reply, uint64_t now, uint16_t next_id);

  // The key the context makes (RFC 3645 section 5): name = key name, algorithm kGssTsig,
  // mic_engine = the initiator. Only meaningful after kEstablished; before, signing with it
  // fails in the GSS layer.
  crypto::TsigKey Key() const;
  // Queries sent so far (the round trips begun).
  uint32_t rounds() const noexcept { return rounds_; }

 private:
  enum class Phase : uint8_t { kIdle, kAwaitingToken, kAwaitingConfirmation, kEstablished, kOver };

  TkeyNegotiationStep OnToken(std::span<const uint8_t> reply, uint64_t now, uint16_t next_id);
  TkeyNegotiationStep OnConfirmation(std::span<const uint8_t> reply, uint64_t now);
  TkeyNegotiationStep AfterStep(std::span<const uint8_t> reply, uint64_t now, uint16_t next_id,
                                crypto::GssStep step);
  TkeyNegotiationStep Send(std::span<const uint8_t> token, uint64_t now, uint16_t id, Phase next);
  TkeyNegotiationStep Fail(std::string error, std::optional<dns::Rcode> tkey_error = {});
  TkeyNegotiationStep Established();

  std::shared_ptr<crypto::GssInitiator> gss_;
  TkeyNegotiationOptions options_;
  Phase phase_ = Phase::kIdle;
  uint32_t rounds_ = 0;
  uint16_t sent_id_ = 0;
};

// A key name in the style of BIND's nsupdate and ISC Kea (specs/gss-tsig.md section 1.2):
// "<random in decimal>.sig-<server_host>." with the host's labels lower-cased, a trailing dot
// ignored, and an IP address's text taken as it is ("sig-192.0.2.1", "sig-2001:db8::53").
// Always under 128 octets in wire form (RFC 2930 section 2.1): a host label is cut to fit 63
// octets, and trailing host labels that would reach 128 are left out. An empty host gives
// "<random>.sig-server.". Different `random` values give different names.
dns::Name NewGssKeyName(std::string_view server_host, uint64_t random);

// The TKEY deletion query for an established key (RFC 2930 sections 2.5 and 4.1; RFC 3645
// section 3.1.1 step 5; specs/gss-tsig.md section 1.3), ID `id`: the question as in
// TkeyNegotiation::Start, a TKEY RR with mode 5, the key's algorithm, Inception = Expiration
// = now (ignored by the server), Error 0, no Key Data, signed with TSIG by the key itself
// (time signed `now`, `fudge`). The caller verifies the reply with crypto::VerifyTsigReply
// and the returned MAC, and forgets the key whatever it says. Fails as crypto::SignTsig does
// (kInvalidArgument without a MIC engine or with a time over 48 bits).
Result<crypto::TsigSigned> BuildTkeyDeletion(const crypto::TsigKey& key, uint64_t now, uint16_t id,
                                             uint16_t fudge = crypto::kDefaultTsigFudge);

}  // namespace redoubt::resolver::gss
