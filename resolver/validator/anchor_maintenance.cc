#include "resolver/validator/anchor_maintenance.h"

#include <algorithm>
#include <array>

#include "net/dns/canonical.h"
#include "net/dns/rdata.h"

namespace redoubt::resolver {
namespace {

constexpr int64_t kHour = 3600;
constexpr int64_t kDay = 86400;

constexpr std::array<std::string_view, 6> kStateNames = {"Start",   "AddPend", "Valid",
                                                         "Missing", "Revoked", "Removed"};
constexpr std::array<std::string_view, 5> kEventNames = {"NewKey", "KeyRem", "AddTime", "RemTime",
                                                         "RevBit"};

// The flags field is the RDATA's first two octets (RFC 4034 section 2.1); REVOKE is in the second.
bool HasRevokeBit(std::span<const uint8_t> rdata) noexcept {
  return rdata.size() >= 2 && (rdata[1] & kDnskeyRevokeFlag) != 0;
}

// The key's identity: its RDATA without the REVOKE bit (RFC 5011 section 2.1).
std::vector<uint8_t> Identity(std::span<const uint8_t> rdata) {
  std::vector<uint8_t> id(rdata.begin(), rdata.end());
  if (id.size() >= 2) id[1] = static_cast<uint8_t>(id[1] & ~kDnskeyRevokeFlag);
  return id;
}

bool IsSepZoneKey(std::span<const uint8_t> rdata) {
  auto key = dns::Decode<dns::rdata::DNSKEY>(rdata);
  if (!key || key->protocol != 3) return false;
  return (key->flags & kDnskeyZoneKeyFlag) != 0 && (key->flags & kDnskeySepFlag) != 0;
}

// One SEP key of the observed RRset.
struct Seen {
  std::vector<uint8_t> rdata;
  std::vector<uint8_t> identity;
  bool revoked = false;
  bool self_signed = false;  // Revoked and signs the set itself.
  bool matched = false;      // Some tracked key is this one.
};

std::vector<Seen> SeenKeys(const dns::RRset& dnskeys, const Acceptance& acceptance) {
  std::vector<Seen> seen;
  for (const auto& rdata : dnskeys.rdatas) {
    if (!IsSepZoneKey(rdata)) continue;
    Seen s{rdata, Identity(rdata), HasRevokeBit(rdata), false, false};
    s.self_signed = s.revoked && std::find(acceptance.self_signed_revoked.begin(),
                                           acceptance.self_signed_revoked.end(),
                                           rdata) != acceptance.self_signed_revoked.end();
    // A set holding both forms of one key: the self-signed revoked form is the one that counts.
    auto same = std::find_if(seen.begin(), seen.end(),
                             [&](const Seen& o) { return o.identity == s.identity; });
    if (same == seen.end()) {
      seen.push_back(std::move(s));
    } else if (s.self_signed) {
      *same = std::move(s);
    }
  }
  return seen;
}

class Machine {
 public:
  Machine(MaintenanceResult& result, int64_t now) : result_(result), now_(now) {}

  void Move(ManagedKey& key, KeyEvent event, KeyState to, std::string_view why) {
    KeyState from = key.state;
    key.state = to;
    key.changed = now_;
    if (to != KeyState::kAddPend) key.hold_down_until = 0;
    KeyTransition t{key.Tag(), event, from, to, {}};
    t.text = "key " + std::to_string(t.tag) + " of " + result_.state.zone.ToText() + ": " +
             std::string(KeyStateName(from)) + " -> " + std::string(KeyStateName(to)) + " (" +
             std::string(KeyEventName(event)) + ", " + std::string(why) + ")";
    result_.transitions.push_back(std::move(t));
  }
  void Note(std::string text) { result_.notes.push_back(std::move(text)); }
  int64_t now() const noexcept { return now_; }

 private:
  MaintenanceResult& result_;
  int64_t now_;
};

// A tracked key present in the validated set. Returns true when it asks to be revoked (decided
// after every other key has moved, so that the last-trusted-key rule sees the final count).
bool StepPresent(ManagedKey& key, const Seen& seen, Machine& m) {
  key.last_seen = m.now();
  if (seen.revoked && !seen.self_signed && IsTrusted(key.state)) {
    m.Note("key " + std::to_string(dns::KeyTag(seen.rdata)) +
           " carries the REVOKE bit without signing the set: ignored (RFC 5011 section 2.1)");
  }
  switch (key.state) {
    case KeyState::kAddPend:
    case KeyState::kValid:
    case KeyState::kMissing:
      if (seen.self_signed) return true;
      if (key.state == KeyState::kAddPend && m.now() >= key.hold_down_until) {
        m.Move(key, KeyEvent::kAddTime, KeyState::kValid, "add hold-down ended");
      } else if (key.state == KeyState::kMissing) {
        m.Move(key, KeyEvent::kNewKey, KeyState::kValid, "present again");
      }
      return false;
    case KeyState::kRevoked:
      if (seen.revoked) key.rdata = seen.rdata;
      return false;
    case KeyState::kStart:
    case KeyState::kRemoved:
      return false;
  }
  return false;
}

void StepAbsent(ManagedKey& key, Machine& m) {
  switch (key.state) {
    case KeyState::kAddPend:
      m.Move(key, KeyEvent::kKeyRem, KeyState::kStart,
             "gone before its hold-down ended; forgotten");
      break;
    case KeyState::kValid:
      m.Move(key, KeyEvent::kKeyRem, KeyState::kMissing, "absent from the validated RRset");
      break;
    case KeyState::kRevoked:
      if (m.now() - key.last_seen >= kRemoveHoldDownSeconds) {
        m.Move(key, KeyEvent::kRemTime, KeyState::kRemoved, "remove hold-down ended");
      }
      break;
    case KeyState::kStart:
    case KeyState::kMissing:
    case KeyState::kRemoved:
      break;
  }
}

void ApplyRevocations(std::vector<ManagedKey>& keys, const std::vector<size_t>& asking,
                      const std::vector<const Seen*>& seen_of, Machine& m) {
  for (size_t index : asking) {
    ManagedKey& key = keys[index];
    bool other_trusted = false;
    for (size_t i = 0; i < keys.size(); ++i) {
      if (i != index && IsTrusted(keys[i].state)) other_trusted = true;
    }
    if (IsTrusted(key.state) && !other_trusted) {
      m.Note("key " + std::to_string(key.Tag()) +
             " is revoked by its owner but is the last trusted key: kept "
             "until a replacement is Valid (RFC 5011 section 5 trust point deletion not applied)");
      if (key.state == KeyState::kMissing)
        m.Move(key, KeyEvent::kNewKey, KeyState::kValid, "present again");
      continue;
    }
    key.rdata = seen_of[index]->rdata;
    m.Move(key, KeyEvent::kRevBit, KeyState::kRevoked, "REVOKE bit set and self-signed");
  }
}

// Room for one more key: true when there is, possibly after forgetting the Removed key that
// changed state longest ago.
bool MakeRoom(std::vector<ManagedKey>& keys) {
  if (keys.size() < kMaxManagedKeysPerTrustPoint) return true;
  auto oldest = keys.end();
  for (auto it = keys.begin(); it != keys.end(); ++it) {
    if (it->state == KeyState::kRemoved && (oldest == keys.end() || it->changed < oldest->changed))
      oldest = it;
  }
  if (oldest == keys.end()) return false;
  keys.erase(oldest);
  return true;
}

void AddNewKeys(std::vector<ManagedKey>& keys, const std::vector<Seen>& seen, uint32_t original_ttl,
                Machine& m) {
  for (const Seen& s : seen) {
    if (s.matched || (s.revoked && !s.self_signed)) continue;
    if (!MakeRoom(keys)) {
      m.Note("key " + std::to_string(dns::KeyTag(s.rdata)) +
             " not tracked: the trust point already tracks " +
             std::to_string(kMaxManagedKeysPerTrustPoint) + " keys");
      continue;
    }
    ManagedKey key{s.rdata, KeyState::kStart, m.now(), m.now(), m.now(), 0};
    if (s.revoked) {
      m.Move(key, KeyEvent::kRevBit, KeyState::kRevoked, "first seen revoked and self-signed");
    } else {
      m.Move(key, KeyEvent::kNewKey, KeyState::kAddPend, "new key, add hold-down starts");
      key.hold_down_until = m.now() + std::max<int64_t>(kAddHoldDownSeconds, original_ttl);
    }
    keys.push_back(std::move(key));
  }
}

}  // namespace

std::string_view KeyStateName(KeyState state) noexcept {
  auto i = static_cast<size_t>(state);
  return i < kStateNames.size() ? kStateNames[i] : "?";
}

std::optional<KeyState> KeyStateFromName(std::string_view name) noexcept {
  for (size_t i = 0; i < kStateNames.size(); ++i) {
    if (kStateNames[i] == name) return static_cast<KeyState>(i);
  }
  return std::nullopt;
}

std::string_view KeyEventName(KeyEvent event) noexcept {
  auto i = static_cast<size_t>(event);
  return i < kEventNames.size() ? kEventNames[i] : "?";
}

bool IsTrusted(KeyState state) noexcept {
  return state == KeyState::kValid || state == KeyState::kMissing;
}

uint16_t ManagedKey::Tag() const noexcept { return dns::KeyTag(rdata); }

TrustPointState InitialTrustPoint(const dns::Name& zone,
                                  std::span<const std::vector<uint8_t>> dnskey_rdatas,
                                  int64_t now) {
  TrustPointState state{zone.ToLower(), {}, 0};
  for (const auto& rdata : dnskey_rdatas) {
    if (!IsSepZoneKey(rdata) || HasRevokeBit(rdata)) continue;
    bool known = std::any_of(state.keys.begin(), state.keys.end(),
                             [&](const ManagedKey& k) { return k.rdata == rdata; });
    if (!known) state.keys.push_back(ManagedKey{rdata, KeyState::kValid, now, now, now, 0});
  }
  return state;
}

MaintenanceResult ApplyObservation(const TrustPointState& state, const dns::RRset& dnskeys,
                                   const Acceptance& acceptance, int64_t now,
                                   uint32_t original_ttl) {
  MaintenanceResult result{state, {}, {}};
  Machine m(result, now);
  if (!acceptance.validated) {
    m.Note("DNSKEY RRset of " + state.zone.ToText() +
           " not validated by a trusted key, ignored: " + acceptance.why);
    return result;
  }
  if (!(dnskeys.owner == state.zone) || dnskeys.type != dns::RrType::DNSKEY) {
    m.Note("the observed RRset is not the DNSKEY RRset of " + state.zone.ToText() + ", ignored");
    return result;
  }
  result.state.last_refresh = now;
  result.state.last_inception = acceptance.inception;
  std::vector<Seen> seen = SeenKeys(dnskeys, acceptance);
  std::vector<ManagedKey>& keys = result.state.keys;
  std::vector<const Seen*> seen_of(keys.size(), nullptr);
  std::vector<size_t> asking;
  for (size_t i = 0; i < keys.size(); ++i) {
    std::vector<uint8_t> id = Identity(keys[i].rdata);
    for (Seen& s : seen) {
      if (s.identity != id) continue;
      s.matched = true;
      seen_of[i] = &s;
    }
    if (seen_of[i] == nullptr) {
      StepAbsent(keys[i], m);
    } else if (StepPresent(keys[i], *seen_of[i], m)) {
      asking.push_back(i);
    }
  }
  ApplyRevocations(keys, asking, seen_of, m);
  std::erase_if(keys, [](const ManagedKey& k) { return k.state == KeyState::kStart; });
  AddNewKeys(keys, seen, original_ttl, m);
  return result;
}

std::vector<std::vector<uint8_t>> TrustedKeys(const TrustPointState& state) {
  std::vector<std::vector<uint8_t>> out;
  for (const ManagedKey& key : state.keys) {
    if (IsTrusted(key.state)) out.push_back(key.rdata);
  }
  return out;
}

int64_t QueryInterval(uint32_t original_ttl, int64_t signature_expiry_interval) noexcept {
  int64_t shortest = std::min<int64_t>(
      {15 * kDay, original_ttl / 2, std::max<int64_t>(0, signature_expiry_interval) / 2});
  return std::max(kHour, shortest);
}

int64_t RetryTime(uint32_t original_ttl, int64_t signature_expiry_interval) noexcept {
  int64_t shortest = std::min<int64_t>(
      {kDay, original_ttl / 10, std::max<int64_t>(0, signature_expiry_interval) / 10});
  return std::max(kHour, shortest);
}

}  // namespace redoubt::resolver
