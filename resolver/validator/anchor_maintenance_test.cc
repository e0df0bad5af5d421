// The RFC 5011 section 4 state machine (anchor_maintenance.h) one transition at a time: a truth
// table over (state, what the validated RRset shows of the key, time elapsed, whether another
// trusted key exists), then the hold-down's TTL rule and the refresh intervals of section 2.3.
#include "resolver/validator/anchor_maintenance.h"

#include <gtest/gtest.h>

#include <optional>

#include "net/dns/canonical.h"

namespace redoubt::resolver {
namespace {

using KeyList = std::vector<std::vector<uint8_t>>;

constexpr int64_t kT0 = 1'700'000'000;
constexpr int64_t kDay = 86400;

// DNSKEY RDATA (RFC 4034 section 2.1) with a made-up P-256 public key: the machine never
// verifies, so any key bytes do; `seed` makes keys distinct.
std::vector<uint8_t> Key(uint8_t seed, uint16_t flags = 257) {
  std::vector<uint8_t> rdata = {static_cast<uint8_t>(flags >> 8),
                                static_cast<uint8_t>(flags & 0xff), 3,
                                static_cast<uint8_t>(dns::DnssecAlgorithm::ECDSAP256SHA256)};
  for (int i = 0; i < 64; ++i) rdata.push_back(static_cast<uint8_t>(seed + i));
  return rdata;
}

std::vector<uint8_t> Revoked(std::vector<uint8_t> rdata) {
  rdata[1] |= kDnskeyRevokeFlag;
  return rdata;
}

dns::RRset Set(std::vector<std::vector<uint8_t>> rdatas) {
  dns::RRset set;
  set.owner = dns::Name();
  set.type = dns::RrType::DNSKEY;
  set.rdatas = std::move(rdatas);
  return set;
}

enum class Shows { kAbsent, kPresent, kRevoked, kRevokedSelfSigned };

struct Row {
  const char* name;
  std::optional<KeyState> from;  // nullopt: the key is not in the state (Start).
  Shows shows;
  int64_t days;        // Since the key entered `from` (and was last seen).
  bool other_trusted;  // Another Valid key, present in every RRset.
  bool validated;
  std::optional<KeyState> to;  // nullopt: not in the state afterwards.
  std::optional<KeyEvent> event;
};

// One row per line reads as a table.
// clang-format off
const Row kTable[] = {
    {"new key goes AddPend", std::nullopt, Shows::kPresent, 0, true, true, KeyState::kAddPend, KeyEvent::kNewKey},
    {"new key revoked without self-signature ignored", std::nullopt, Shows::kRevoked, 0, true, true, std::nullopt, std::nullopt},
    {"new key revoked and self-signed recorded Revoked", std::nullopt, Shows::kRevokedSelfSigned, 0, true, true, KeyState::kRevoked, KeyEvent::kRevBit},
    {"AddPend at day 29 still AddPend", KeyState::kAddPend, Shows::kPresent, 29, true, true, KeyState::kAddPend, std::nullopt},
    {"AddPend at day 30 goes Valid", KeyState::kAddPend, Shows::kPresent, 30, true, true, KeyState::kValid, KeyEvent::kAddTime},
    {"AddPend absent is forgotten", KeyState::kAddPend, Shows::kAbsent, 5, true, true, std::nullopt, KeyEvent::kKeyRem},
    {"AddPend revoked and self-signed", KeyState::kAddPend, Shows::kRevokedSelfSigned, 5, true, true, KeyState::kRevoked, KeyEvent::kRevBit},
    {"Valid present stays", KeyState::kValid, Shows::kPresent, 100, true, true, KeyState::kValid, std::nullopt},
    {"Valid absent goes Missing", KeyState::kValid, Shows::kAbsent, 1, true, true, KeyState::kMissing, KeyEvent::kKeyRem},
    {"Valid revoked and self-signed", KeyState::kValid, Shows::kRevokedSelfSigned, 1, true, true, KeyState::kRevoked, KeyEvent::kRevBit},
    {"Valid with REVOKE but no self-signature stays", KeyState::kValid, Shows::kRevoked, 1, true, true, KeyState::kValid, std::nullopt},
    {"Missing present again goes Valid", KeyState::kMissing, Shows::kPresent, 3, true, true, KeyState::kValid, KeyEvent::kNewKey},
    {"Missing absent stays", KeyState::kMissing, Shows::kAbsent, 300, true, true, KeyState::kMissing, std::nullopt},
    {"Missing revoked and self-signed", KeyState::kMissing, Shows::kRevokedSelfSigned, 3, true, true, KeyState::kRevoked, KeyEvent::kRevBit},
    {"Revoked absent at day 29 stays", KeyState::kRevoked, Shows::kAbsent, 29, true, true, KeyState::kRevoked, std::nullopt},
    {"Revoked absent at day 30 goes Removed", KeyState::kRevoked, Shows::kAbsent, 30, true, true, KeyState::kRemoved, KeyEvent::kRemTime},
    {"Revoked shown unrevoked is never trusted again", KeyState::kRevoked, Shows::kPresent, 40, true, true, KeyState::kRevoked, std::nullopt},
    {"Removed shown again stays Removed", KeyState::kRemoved, Shows::kPresent, 40, true, true, KeyState::kRemoved, std::nullopt},
    {"last trusted key's revocation is deferred", KeyState::kValid, Shows::kRevokedSelfSigned, 1, false, true, KeyState::kValid, std::nullopt},
    {"last trusted Missing key revoked comes back Valid", KeyState::kMissing, Shows::kRevokedSelfSigned, 1, false, true, KeyState::kValid, KeyEvent::kNewKey},
    {"unvalidated RRset changes nothing (Valid absent)", KeyState::kValid, Shows::kAbsent, 1, true, false, KeyState::kValid, std::nullopt},
    {"unvalidated RRset adds nothing", std::nullopt, Shows::kPresent, 0, true, false, std::nullopt, std::nullopt},
};
// clang-format on

TEST(AnchorMaintenanceTest, TruthTableOfSingleTransitions) {
  const std::vector<uint8_t> other = Key(100), key = Key(1);
  for (const Row& row : kTable) {
    SCOPED_TRACE(row.name);
    TrustPointState state{dns::Name(), {}, 0};
    if (row.other_trusted) state.keys.push_back({other, KeyState::kValid, kT0, kT0, kT0, 0});
    if (row.from) {
      ManagedKey k{
          *row.from == KeyState::kRevoked || *row.from == KeyState::kRemoved ? Revoked(key) : key,
          *row.from,
          kT0,
          kT0,
          kT0,
          0};
      if (*row.from == KeyState::kAddPend) k.hold_down_until = kT0 + kAddHoldDownSeconds;
      state.keys.push_back(k);
    }
    std::vector<std::vector<uint8_t>> rdatas;
    if (row.other_trusted) rdatas.push_back(other);
    Acceptance acceptance{
        row.validated, {}, row.validated ? "" : "test: not signed by a trusted key"};
    if (row.shows == Shows::kPresent) rdatas.push_back(key);
    if (row.shows == Shows::kRevoked || row.shows == Shows::kRevokedSelfSigned)
      rdatas.push_back(Revoked(key));
    if (row.shows == Shows::kRevokedSelfSigned)
      acceptance.self_signed_revoked.push_back(Revoked(key));
    int64_t now = kT0 + row.days * kDay;
    MaintenanceResult r = ApplyObservation(state, Set(rdatas), acceptance, now, 3600);

    std::optional<KeyState> to;
    for (const ManagedKey& k : r.state.keys) {
      if (k.rdata == key || k.rdata == Revoked(key)) to = k.state;
    }
    EXPECT_EQ(to, row.to) << (to ? KeyStateName(*to) : "absent");
    std::optional<KeyEvent> event;
    for (const KeyTransition& t : r.transitions) {
      if (t.tag == dns::KeyTag(key) || t.tag == dns::KeyTag(Revoked(key))) event = t.event;
    }
    EXPECT_EQ(event, row.event);
    if (!row.validated) {
      EXPECT_EQ(r.state, state);
      EXPECT_FALSE(r.notes.empty());
    }
    if (row.other_trusted) {  // The other key never moves: it is present and unrevoked.
      EXPECT_EQ(r.state.keys.front().state, KeyState::kValid);
    }
  }
}

TEST(AnchorMaintenanceTest, TransitionsAreLoggedWithTagStatesAndEvent) {
  TrustPointState state = InitialTrustPoint(dns::Name(), KeyList{Key(1)}, kT0);
  MaintenanceResult r = ApplyObservation(state, Set({Key(1), Key(2)}), {true, {}, {}}, kT0, 3600);
  ASSERT_EQ(r.transitions.size(), 1u);
  EXPECT_EQ(r.transitions[0].text,
            "key " + std::to_string(dns::KeyTag(Key(2))) +
                " of .: Start -> AddPend (NewKey, new key, add hold-down starts)");
  EXPECT_EQ(r.state.last_refresh, kT0);
  EXPECT_EQ(r.state.keys[1].hold_down_until, kT0 + 30 * kDay);
}

// RFC 5011 section 2.4.1: the add hold-down is the longer of 30 days and the original TTL.
TEST(AnchorMaintenanceTest, AddHoldDownIsTheOriginalTtlWhenLonger) {
  TrustPointState state = InitialTrustPoint(dns::Name(), KeyList{Key(1)}, kT0);
  const uint32_t forty_days = 40 * kDay;
  state = ApplyObservation(state, Set({Key(1), Key(2)}), {true, {}, {}}, kT0, forty_days).state;
  state =
      ApplyObservation(state, Set({Key(1), Key(2)}), {true, {}, {}}, kT0 + 35 * kDay, forty_days)
          .state;
  EXPECT_EQ(state.keys[1].state, KeyState::kAddPend);
  state =
      ApplyObservation(state, Set({Key(1), Key(2)}), {true, {}, {}}, kT0 + 40 * kDay, forty_days)
          .state;
  EXPECT_EQ(state.keys[1].state, KeyState::kValid);
}

TEST(AnchorMaintenanceTest, ZoneSigningKeysAndOtherOwnersAreNotTracked) {
  TrustPointState state = InitialTrustPoint(dns::Name(), KeyList{Key(1), Key(2, 256)}, kT0);
  ASSERT_EQ(state.keys.size(), 1u);  // The ZSK is no anchor.
  MaintenanceResult r =
      ApplyObservation(state, Set({Key(1), Key(3, 256)}), {true, {}, {}}, kT0, 3600);
  EXPECT_EQ(r.state.keys.size(), 1u);
  dns::RRset elsewhere = Set({Key(1), Key(4)});
  elsewhere.owner = *dns::Name::FromText("example.");
  r = ApplyObservation(state, elsewhere, {true, {}, {}}, kT0, 3600);
  EXPECT_EQ(r.state, state);
}

// The state stays within what the state file accepts: a Removed key makes room, else the new key
// is not tracked (and says so).
TEST(AnchorMaintenanceTest, KeyCountIsBounded) {
  TrustPointState state = InitialTrustPoint(dns::Name(), KeyList{Key(0)}, kT0);
  for (uint8_t i = 1; i < kMaxManagedKeysPerTrustPoint; ++i) {
    state.keys.push_back(
        {Revoked(Key(i)), i == 5 ? KeyState::kRemoved : KeyState::kRevoked, kT0, kT0, kT0 + i, 0});
  }
  MaintenanceResult r =
      ApplyObservation(state, Set({Key(0), Key(200)}), {true, {}, {}}, kT0 + kDay, 3600);
  ASSERT_EQ(r.state.keys.size(), kMaxManagedKeysPerTrustPoint);
  EXPECT_EQ(r.state.keys.back().rdata, Key(200));  // Took the Removed key's place.
  r = ApplyObservation(r.state, Set({Key(0), Key(200), Key(201)}), {true, {}, {}}, kT0 + 2 * kDay,
                       3600);
  EXPECT_EQ(r.state.keys.size(), kMaxManagedKeysPerTrustPoint);
  ASSERT_FALSE(r.notes.empty());
  EXPECT_NE(r.notes.back().find("not tracked"), std::string::npos);
}

TEST(AnchorMaintenanceTest, TrustedKeysAreValidAndMissing) {
  TrustPointState state{dns::Name(), {}, 0};
  KeyState states[] = {KeyState::kAddPend, KeyState::kValid, KeyState::kMissing, KeyState::kRevoked,
                       KeyState::kRemoved};
  for (uint8_t i = 0; i < 5; ++i) state.keys.push_back({Key(i), states[i], kT0, kT0, kT0, 0});
  EXPECT_EQ(TrustedKeys(state), (KeyList{Key(1), Key(2)}));
}

TEST(AnchorMaintenanceTest, StateNamesRoundTrip) {
  for (KeyState s : {KeyState::kStart, KeyState::kAddPend, KeyState::kValid, KeyState::kMissing,
                     KeyState::kRevoked, KeyState::kRemoved}) {
    EXPECT_EQ(KeyStateFromName(KeyStateName(s)), s);
  }
  EXPECT_EQ(KeyStateFromName("valid"), std::nullopt);
  EXPECT_EQ(KeyEventName(KeyEvent::kRevBit), "RevBit");
}

// RFC 5011 section 2.3.
TEST(AnchorMaintenanceTest, QueryIntervalAndRetryTime) {
  // The root's DNSKEY: TTL 2 days, signatures for ~2 weeks: half the TTL.
  EXPECT_EQ(QueryInterval(172800, 14 * kDay), kDay);
  EXPECT_EQ(RetryTime(172800, 14 * kDay), 17280);
  // Short TTLs are floored at an hour.
  EXPECT_EQ(QueryInterval(600, 14 * kDay), 3600);
  EXPECT_EQ(RetryTime(600, 14 * kDay), 3600);
  // Long TTLs are capped at 15 days / 1 day.
  EXPECT_EQ(QueryInterval(100 * kDay, 100 * kDay), 15 * kDay);
  EXPECT_EQ(RetryTime(100 * kDay, 100 * kDay), kDay);
  // Signatures about to expire bound it; expired ones give the floor.
  EXPECT_EQ(QueryInterval(172800, 6 * 3600), 3 * 3600);
  EXPECT_EQ(QueryInterval(172800, -5), 3600);
}

}  // namespace
}  // namespace redoubt::resolver
