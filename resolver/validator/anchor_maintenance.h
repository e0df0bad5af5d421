// RFC 5011 ("Automated Updates of DNS Security (DNSSEC) Trust Anchors"): the state of one
// managed trust point's keys and the section 4 state machine that moves them, as pure
// functions. Nothing here fetches, verifies or writes: the caller observes the trust point's
// DNSKEY RRset, asks anchor_acceptance.h whether a trusted key validated it (RFC 5011 sections
// 2.1, 2.2), and hands both to ApplyObservation(), then keeps the state as text
// (anchor_state_text.h) in a file (resolver/daemon/managed_anchor_file.h).
//
// Key identity: a key is the same key with or without the REVOKE bit (RFC 5011 section 2.1:
// setting the bit changes the key tag, not the key), so keys are compared on their RDATA with
// that bit cleared. Only SEP keys (flags Zone Key and SEP, RFC 4034 section 2.1.1) are tracked:
// RFC 5011 maintains trust anchors, which are KSKs; ZSKs come and go without notice.
//
// The last trusted key (RFC 5011 sections 2.2 and 5): RFC 5011 deletes a trust point whose keys
// are all revoked, which turns its zone insecure. redoubt does not: a revocation that would leave
// no Valid or Missing key is deferred (the key stays trusted and an event says so) until another
// key has become Valid; the zone then fails closed (its revoked key no longer signs as a trusted
// key) until the operator acts. A revocation is re-examined at every observation, so it applies
// as soon as a replacement is Valid.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "net/dns/name.h"
#include "net/dns/rrset.h"

namespace redoubt::resolver {

// DNSKEY flag bits (RFC 4034 section 2.1.1, RFC 5011 section 7).
inline constexpr uint16_t kDnskeyZoneKeyFlag = 0x0100;
inline constexpr uint16_t kDnskeyRevokeFlag = 0x0080;  // RFC 5011 section 2.1 ("bit 8").
inline constexpr uint16_t kDnskeySepFlag = 0x0001;

// RFC 5011 section 2.4.1: the add hold-down is 30 days (or the RRset's original TTL, if longer);
// section 2.4.2: the remove hold-down is 30 days.
inline constexpr int64_t kAddHoldDownSeconds = 30 * 86400;
inline constexpr int64_t kRemoveHoldDownSeconds = 30 * 86400;

// The most keys one trust point tracks (the state file refuses more). A new key beyond it
// first displaces the Removed key that changed state longest ago, or else is not tracked.
inline constexpr size_t kMaxManagedKeysPerTrustPoint = 64;

// RFC 5011 section 4.2 key states. Trusted (may validate the trust point): Valid and Missing.
enum class KeyState : uint8_t { kStart, kAddPend, kValid, kMissing, kRevoked, kRemoved };
// RFC 5011 section 4.1 events.
enum class KeyEvent : uint8_t { kNewKey, kKeyRem, kAddTime, kRemTime, kRevBit };

// "Start", "AddPend", ... (the RFC's spelling) and back; nullopt for anything else.
std::string_view KeyStateName(KeyState state) noexcept;
std::optional<KeyState> KeyStateFromName(std::string_view name) noexcept;
std::string_view KeyEventName(KeyEvent event) noexcept;
// Valid or Missing (RFC 5011 section 4.2: a Missing key "remains a trust anchor").
bool IsTrusted(KeyState state) noexcept;

// One tracked key of a trust point. Times are wall-clock seconds since the epoch.
struct ManagedKey {
  std::vector<uint8_t> rdata;  // DNSKEY RDATA as last seen (REVOKE bit set once Revoked).
  KeyState state = KeyState::kStart;
  int64_t first_seen = 0;  // First observation in a validated RRset.
  int64_t last_seen = 0;   // Latest observation in a validated RRset.
  int64_t changed = 0;     // When `state` was entered.
  // AddPend: when the add hold-down ends (first_seen + max(30 days, original TTL); RFC 5011
  // section 2.4.1). 0 in other states.
  int64_t hold_down_until = 0;

  uint16_t Tag() const noexcept;  // RFC 4034 appendix B over `rdata` as it stands.
  friend bool operator==(const ManagedKey&, const ManagedKey&) = default;
};

// The managed state of one trust point (RFC 5011 section 2): its zone and its keys.
struct TrustPointState {
  dns::Name zone;
  std::vector<ManagedKey> keys;
  int64_t last_refresh = 0;  // Time of the latest accepted observation; 0 = never.
  // The inception (RFC 4034 section 3.1.5, a serial number) of the RRSIG that validated the
  // latest accepted observation; 0 = none. An older set is a replay
  // (CheckDnskeyObservation refuses it).
  uint32_t last_inception = 0;
  friend bool operator==(const TrustPointState&, const TrustPointState&) = default;
};

// A new trust point from configured DNSKEY anchors (DNSKEY RDATA of `zone`): each SEP zone key
// starts Valid at `now` (the operator's configuration is the initial trust, RFC 5011 section 1).
// Other keys are left out. DS anchors start with TrustPointFromDs (anchor_acceptance.h).
TrustPointState InitialTrustPoint(const dns::Name& zone,
                                  std::span<const std::vector<uint8_t>> dnskey_rdatas, int64_t now);

// What anchor_acceptance.h found of an observed DNSKEY RRset.
struct Acceptance {
  // RFC 5011 section 2.2: a trusted (Valid or Missing) key present in the set signed it.
  bool validated = false;
  // RFC 5011 section 2.1: RDATA of the set's keys with the REVOKE bit that sign the set
  // themselves (only these may revoke).
  std::vector<std::vector<uint8_t>> self_signed_revoked;
  std::string why;  // When not validated, for the log.
  // Of the RRSIG that validated the set (RFC 4034 section 3.1): its inception (kept as
  // TrustPointState::last_inception), its Original TTL (the add hold-down's, RFC 5011 section
  // 2.4.1) and the seconds until it expires (section 2.3's RRSigExpirationInterval).
  uint32_t inception = 0;
  uint32_t original_ttl = 0;
  int64_t expiry_interval = 0;
};

// One change, for the log: "key 20326 of .: AddPend -> Valid (AddTime, add hold-down ended)".
struct KeyTransition {
  uint16_t tag = 0;  // The key's tag after the change (a revoked key's tag includes the bit).
  KeyEvent event = KeyEvent::kNewKey;
  KeyState from = KeyState::kStart;
  KeyState to = KeyState::kStart;
  std::string text;
};

struct MaintenanceResult {
  TrustPointState state;
  std::vector<KeyTransition> transitions;
  // Things worth a log line that change no state: the observation was refused, a revocation of
  // the last trusted key was deferred.
  std::vector<std::string> notes;
};

// Applies one observation of the trust point's DNSKEY RRset `dnskeys` (owner = state.zone,
// already judged by CheckDnskeyObservation into `acceptance`) at `now`, whose RRSIG original TTL
// is `original_ttl` (RFC 5011 section 2.4.1). When validated, last_refresh becomes `now` and
// last_inception `acceptance.inception`. When `acceptance.validated` is false nothing
// changes (RFC 5011 section 2.2: only a validated RRset counts; an attacker's set is ignored)
// and a note says why. Otherwise, per key (RFC 5011 section 4.2):
//   Start  --NewKey-->  AddPend  (a SEP key not known before, without REVOKE)
//   AddPend --KeyRem--> Start    (absent: forgotten, its hold-down starts over if it returns)
//   AddPend --AddTime--> Valid   (present at or after hold_down_until)
//   Valid  --KeyRem-->  Missing  (absent);  Missing --NewKey--> Valid (present again)
//   AddPend, Valid, Missing --RevBit--> Revoked (present with REVOKE and self-signed; deferred
//                                       for the last trusted key, see the file comment)
//   Revoked --RemTime--> Removed (absent, last seen kRemoveHoldDownSeconds ago or more)
// A key unknown to the state that arrives revoked and self-signed is recorded Revoked, so it can
// never be added later. Removed keys stay in the state, never to return, until
// kMaxManagedKeysPerTrustPoint makes room for a new key (RFC 5011 section 4.2 lets Removed
// keys be forgotten). Never throws; RDATA that does not decode as a DNSKEY is ignored.
MaintenanceResult ApplyObservation(const TrustPointState& state, const dns::RRset& dnskeys,
                                   const Acceptance& acceptance, int64_t now,
                                   uint32_t original_ttl);

// The trusted keys' RDATA (Valid and Missing), for the live anchor store.
std::vector<std::vector<uint8_t>> TrustedKeys(const TrustPointState& state);

// RFC 5011 section 2.3, active refresh: seconds until the next query of the trust point's DNSKEY
// RRset after a successful one: MAX(1 hour, MIN(15 days, 1/2 * original TTL, 1/2 * seconds
// until the RRSIGs expire)).
int64_t QueryInterval(uint32_t original_ttl, int64_t signature_expiry_interval) noexcept;
// RFC 5011 section 2.3: after a failed query: MAX(1 hour, MIN(1 day, .1 * original TTL,
// .1 * seconds until the RRSIGs expire)).
int64_t RetryTime(uint32_t original_ttl, int64_t signature_expiry_interval) noexcept;

}  // namespace redoubt::resolver
