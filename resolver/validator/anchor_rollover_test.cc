// A lab root rolls its KSK on a simulated clock (RFC 5011 section 6.3, "key rollover"), with real
// keys and signatures: CheckDnskeyObservation (the validator's signature checks) judges each
// published DNSKEY RRset, ApplyObservation moves the keys, and the state goes through its text
// form mid-way as a restart would.
#include <gtest/gtest.h>

#include <memory>

#include "resolver/validator/anchor_acceptance.h"
#include "resolver/validator/anchor_state_text.h"
#include "resolver/validator/rollover_testing.h"

namespace redoubt::resolver {
namespace {

using KeyList = std::vector<std::vector<uint8_t>>;
using testing::DsOf;
using testing::kDay;
using testing::LabKey;
using testing::Signer;

constexpr int64_t kT0 = testing::kRolloverT0;
constexpr uint32_t kTtl = testing::kRootDnskeyTtl;

// The root's DNSKEY RRset as published at `now` (rollover_testing.h).
dns::RRset Publish(std::vector<std::vector<uint8_t>> rdatas, const std::vector<Signer>& signers, int64_t now) {
  return testing::PublishDnskeys(dns::Name(), std::move(rdatas), signers, now);
}

MaintenanceResult Observe(const TrustPointState& state, const dns::RRset& set, int64_t now) {
  ValidationBudget budget;
  Acceptance acceptance = CheckDnskeyObservation(state, set, now, VerifyLimits{}, budget);
  return ApplyObservation(state, set, acceptance, now, kTtl);
}

std::optional<KeyState> StateOf(const TrustPointState& state, const LabKey& key) {
  for (const ManagedKey& k : state.keys) {
    if (k.rdata == key.Rdata() || k.rdata == key.Rdata(true)) return k.state;
  }
  return std::nullopt;
}

TrustPointState Restart(const TrustPointState& state) {
  std::string text = SerializeManagedAnchors(std::span(&state, 1));
  auto parsed = ParseManagedAnchors(text, "root.key.state");
  EXPECT_TRUE(parsed.has_value()) << (parsed ? "" : parsed.error());
  if (!parsed || parsed->size() != 1) return {};
  EXPECT_EQ(parsed->front(), state);
  return parsed->front();
}

class RolloverTest : public ::testing::Test {
 protected:
  LabKey a_, b_, attacker_;
};

// The whole rollover over 70 days; with `restart_at_day` the state is written and read back
// then, which must not change the outcome.
TrustPointState RunRollover(const LabKey& a, const LabKey& b, const LabKey& attacker,
                            int restart_at_day) {
  TrustPointState state = InitialTrustPoint(dns::Name(), KeyList{a.Rdata()}, kT0);
  auto at = [](int day) { return kT0 + day * kDay; };
  auto step = [&](int day, std::vector<std::vector<uint8_t>> rdatas, std::vector<Signer> signers) {
    if (day >= restart_at_day && restart_at_day >= 0) {
      state = Restart(state);
      restart_at_day = -1;
    }
    state = Observe(state, Publish(std::move(rdatas), signers, at(day)), at(day)).state;
  };
  step(0, {a.Rdata(), b.Rdata()}, {{&a}});
  EXPECT_EQ(StateOf(state, b), KeyState::kAddPend);
  step(10, {a.Rdata(), b.Rdata()}, {{&a}});
  // An attacker's set, signed by its own key only: nothing moves, its key is not even pending.
  step(15, {a.Rdata(true), attacker.Rdata()}, {{&attacker}});
  EXPECT_EQ(StateOf(state, attacker), std::nullopt);
  EXPECT_EQ(StateOf(state, a), KeyState::kValid);
  EXPECT_EQ(StateOf(state, b), KeyState::kAddPend);
  step(29, {a.Rdata(), b.Rdata()}, {{&a}});
  EXPECT_EQ(StateOf(state, b), KeyState::kAddPend);  // Not before the hold-down.
  step(30, {a.Rdata(), b.Rdata()}, {{&a}});
  EXPECT_EQ(StateOf(state, b), KeyState::kValid);
  // A is revoked: published with REVOKE and signing the set itself, B signs too.
  step(31, {a.Rdata(true), b.Rdata()}, {{&a, true}, {&b}});
  EXPECT_EQ(StateOf(state, a), KeyState::kRevoked);
  step(32, {a.Rdata(true), b.Rdata()}, {{&b}});
  step(40, {b.Rdata()}, {{&b}});  // A withdrawn: its remove hold-down runs from day 32.
  EXPECT_EQ(StateOf(state, a), KeyState::kRevoked);
  step(61, {b.Rdata()}, {{&b}});
  EXPECT_EQ(StateOf(state, a), KeyState::kRevoked);
  step(62, {b.Rdata()}, {{&b}});
  EXPECT_EQ(StateOf(state, a), KeyState::kRemoved);
  // A's old signature alone no longer validates anything.
  step(70, {a.Rdata(), b.Rdata()}, {{&a}});
  EXPECT_EQ(StateOf(state, a), KeyState::kRemoved);
  return state;
}

TEST_F(RolloverTest, NewKeyTrustedOnlyAfterHoldDownRevokedKeyDropped) {
  TrustPointState end = RunRollover(a_, b_, attacker_, /*restart_at_day=*/-1);
  EXPECT_EQ(TrustedKeys(end), (KeyList{b_.Rdata()}));
}

TEST_F(RolloverTest, RestartMidScenarioGivesTheSameOutcome) {
  TrustPointState straight = RunRollover(a_, b_, attacker_, -1);
  for (int day : {5, 20, 31, 45}) {
    SCOPED_TRACE(day);
    EXPECT_EQ(RunRollover(a_, b_, attacker_, day), straight);
  }
}

TEST_F(RolloverTest, AcceptanceNeedsATrustedKeyPresentAndSigning) {
  TrustPointState state = InitialTrustPoint(dns::Name(), KeyList{a_.Rdata()}, kT0);
  ValidationBudget budget;
  // Signed by A: validated.
  auto ok = CheckDnskeyObservation(state, Publish({a_.Rdata(), b_.Rdata()}, {{&a_}}, kT0), kT0, {},
                                   budget);
  EXPECT_TRUE(ok.validated) << ok.why;
  // Signed by B, which is only pending: not validated.
  state =
      ApplyObservation(state, Publish({a_.Rdata(), b_.Rdata()}, {{&a_}}, kT0), ok, kT0, kTtl).state;
  auto pending = CheckDnskeyObservation(state, Publish({a_.Rdata(), b_.Rdata()}, {{&b_}}, kT0), kT0,
                                        {}, budget);
  EXPECT_FALSE(pending.validated);
  EXPECT_FALSE(pending.why.empty());
  // Signed by A but A not in the set: RFC 4035 section 5.2 wants the key in the set.
  auto absent = CheckDnskeyObservation(state, Publish({b_.Rdata()}, {{&a_}}, kT0), kT0, {}, budget);
  EXPECT_FALSE(absent.validated);
  // A's signature has expired (checked 30 days later, with the skew allowance spent).
  auto expired = CheckDnskeyObservation(state, Publish({a_.Rdata(), b_.Rdata()}, {{&a_}}, kT0),
                                        kT0 + 30 * kDay, {}, budget);
  EXPECT_FALSE(expired.validated);
}

TEST_F(RolloverTest, RevocationCountsOnlyWhenSelfSigned) {
  TrustPointState state = InitialTrustPoint(dns::Name(), KeyList{a_.Rdata(), b_.Rdata()}, kT0);
  ValidationBudget budget;
  auto by_other = CheckDnskeyObservation(state, Publish({a_.Rdata(true), b_.Rdata()}, {{&b_}}, kT0),
                                         kT0, {}, budget);
  EXPECT_TRUE(by_other.validated);
  EXPECT_TRUE(by_other.self_signed_revoked.empty());
  auto self = CheckDnskeyObservation(
      state, Publish({a_.Rdata(true), b_.Rdata()}, {{&a_, true}}, kT0), kT0, {}, budget);
  EXPECT_FALSE(self.validated);  // A revoked key vouches for nothing (RFC 5011 section 2.1).
  EXPECT_EQ(self.self_signed_revoked, (KeyList{a_.Rdata(true)}));
  // Unvalidated: the self-signed revocation alone moves nothing.
  EXPECT_EQ(ApplyObservation(state, Publish({a_.Rdata(true), b_.Rdata()}, {{&a_, true}}, kT0), self,
                             kT0, kTtl)
                .state,
            state);
}

// A revoked key vouches for nothing, so a set can revoke the last trusted key only when it also
// carries that key unrevoked (or a buggy signer publishes both): the revocation is deferred.
TEST_F(RolloverTest, LastKeyRevokedIsKeptUntilAReplacementIsValid) {
  TrustPointState state = InitialTrustPoint(dns::Name(), KeyList{a_.Rdata()}, kT0);
  MaintenanceResult r = Observe(
      state, Publish({a_.Rdata(), a_.Rdata(true), b_.Rdata()}, {{&a_, true}, {&a_}}, kT0), kT0);
  EXPECT_EQ(StateOf(r.state, a_), KeyState::kValid);
  EXPECT_EQ(StateOf(r.state, b_), KeyState::kAddPend);
  ASSERT_FALSE(r.notes.empty());
  EXPECT_NE(r.notes.back().find("last trusted key"), std::string::npos);
}

// The validating signature's fields are what count; a forged RRSIG by a trusted key's tag (one
// that does not verify) with a longer Original TTL, a later expiry and a later inception moves
// none of them.
TEST_F(RolloverTest, OnlyTheVerifiedSignatureTimesTheMachine) {
  TrustPointState state = InitialTrustPoint(dns::Name(), KeyList{a_.Rdata()}, kT0);
  dns::RRset set = Publish({a_.Rdata(), b_.Rdata()}, {{&a_}}, kT0);
  dns::rdata::RRSIG forged = set.sigs[0];
  forged.original_ttl = 400 * kDay;
  forged.inception.value += 86400;
  forged.expiration.value += 300 * kDay;
  forged.signature.bytes[0] ^= 1;
  set.sigs.insert(set.sigs.begin(), forged);
  ValidationBudget budget;
  Acceptance a = CheckDnskeyObservation(state, set, kT0, {}, budget);
  ASSERT_TRUE(a.validated) << a.why;
  EXPECT_EQ(a.original_ttl, kTtl);
  EXPECT_EQ(a.inception, static_cast<uint32_t>(kT0 - 3600));
  EXPECT_EQ(a.expiry_interval, 14 * kDay);
  TrustPointState next = ApplyObservation(state, set, a, kT0, a.original_ttl).state;
  EXPECT_EQ(next.keys.back().hold_down_until, kT0 + kAddHoldDownSeconds);
  EXPECT_EQ(next.last_inception, static_cast<uint32_t>(kT0 - 3600));
}

// An older signed set replayed (say, one without the pending key, to restart its hold-down) is
// refused once a newer one was accepted.
TEST_F(RolloverTest, OlderSetsAreRefusedAsReplays) {
  TrustPointState state = InitialTrustPoint(dns::Name(), KeyList{a_.Rdata()}, kT0);
  dns::RRset old_set = Publish({a_.Rdata()}, {{&a_}}, kT0);
  state = Observe(state, Publish({a_.Rdata(), b_.Rdata()}, {{&a_}}, kT0 + 2 * kDay), kT0 + 2 * kDay)
              .state;
  ASSERT_EQ(StateOf(state, b_), KeyState::kAddPend);
  ValidationBudget budget;
  Acceptance replay = CheckDnskeyObservation(state, old_set, kT0 + 3 * kDay, {}, budget);
  EXPECT_FALSE(replay.validated);
  EXPECT_NE(replay.why.find("replay"), std::string::npos) << replay.why;
  EXPECT_EQ(Observe(state, old_set, kT0 + 3 * kDay).state, state);
}

// The daemon's one call per fetched RRset: the machine plus the section 2.3 schedule.
TEST_F(RolloverTest, RefreshSchedulesTheNextQueryOrARetry) {
  TrustPointState state = InitialTrustPoint(dns::Name(), KeyList{a_.Rdata()}, kT0);
  ValidationBudget budget;
  dns::RRset good = Publish({a_.Rdata(), b_.Rdata()}, {{&a_}}, kT0);
  RefreshOutcome ok = RefreshTrustPoint(state, good, kT0, {}, budget);
  EXPECT_TRUE(ok.validated);
  EXPECT_EQ(StateOf(ok.result.state, b_), KeyState::kAddPend);
  EXPECT_EQ(ok.result.state.keys.back().hold_down_until, kT0 + kAddHoldDownSeconds);
  EXPECT_EQ(ok.next_refresh, kT0 + kDay);  // Half the 2-day TTL.
  RefreshOutcome bad = RefreshTrustPoint(
      state, Publish({a_.Rdata(), b_.Rdata()}, {{&attacker_}}, kT0), kT0, {}, budget);
  EXPECT_FALSE(bad.validated);
  EXPECT_EQ(bad.result.state, state);
  // No signature verified, so none to time from: the one-hour floor.
  EXPECT_EQ(bad.next_refresh, kT0 + 3600);
}


// The built-in root anchors are DS records: the first DNSKEY set they validate seeds the state.
TEST_F(RolloverTest, DsAnchorsSeedTheTrustPoint) {
  ValidationBudget budget;
  std::vector<dns::rdata::DS> ds = {DsOf(a_)};
  dns::RRset set = Publish({a_.Rdata(), b_.Rdata()}, {{&a_}}, kT0);
  auto state = TrustPointFromDs(dns::Name(), ds, set, kT0, {}, budget);
  ASSERT_TRUE(state.has_value());
  EXPECT_EQ(TrustedKeys(*state), KeyList{a_.Rdata()});
  EXPECT_EQ(StateOf(RefreshTrustPoint(*state, set, kT0, {}, budget).result.state, b_),
            KeyState::kAddPend);
  // Signed only by B, which no DS names: nothing to start from.
  EXPECT_FALSE(TrustPointFromDs(dns::Name(), ds, Publish({a_.Rdata(), b_.Rdata()}, {{&b_}}, kT0),
                                kT0, {}, budget));
  // A DS of another key: nothing either.
  std::vector<dns::rdata::DS> other = {DsOf(attacker_)};
  EXPECT_FALSE(TrustPointFromDs(dns::Name(), other, set, kT0, {}, budget));
}

}  // namespace
}  // namespace redoubt::resolver
