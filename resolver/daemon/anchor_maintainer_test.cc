// AnchorMaintainer and AnchorRefresher (RFC 5011 in the daemon): managed anchor files seeded
// from DNSKEY or DS records, state files kept across a restart, the section 2.3 schedule, key
// changes reported as trust changes, and the refresher applying them; with real keys and
// signatures (rollover_testing.h) on a simulated clock.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <future>

#include "net/dns/presentation.h"
#include "resolver/daemon/anchor_maintainer.h"
#include "resolver/daemon/anchor_refresher.h"
#include "resolver/daemon/managed_anchor_file.h"
#include "resolver/daemon/reloader.h"
#include "resolver/validator/rollover_testing.h"

namespace redoubt::resolver {
namespace {

using testing::kDay;
using testing::LabKey;
using testing::PublishDnskeys;

constexpr int64_t kT0 = testing::kRolloverT0;
const dns::Name kRoot;

std::string DnskeyLine(const LabKey& key, const std::string& zone = ".") {
  return zone + " 3600 IN DNSKEY " + dns::RdataBytesToText(dns::RrType::DNSKEY, key.Rdata()) + "\n";
}

std::string DsLine(const LabKey& key) {
  return ". 3600 IN DS " + dns::RdataToText(dns::Rdata(testing::DsOf(key))) + "\n";
}

std::vector<uint8_t> ZskRdata(const LabKey& key) {  // The same key without SEP (flags 256).
  std::vector<uint8_t> rdata = key.Rdata();
  rdata[1] = 0x00;
  return rdata;
}

class AnchorMaintainerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("redoubt-maintainer-" + std::to_string(getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string Write(const std::string& name, const std::string& text) {
    std::string path = (dir_ / name).string();
    std::ofstream(path) << text;
    return path;
  }
  std::string Read(const std::string& path) {
    std::ifstream in(path);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
  std::unique_ptr<AnchorMaintainer> Load(const std::vector<std::string>& files, int64_t now,
                                         std::vector<std::string>* dropped = nullptr) {
    auto loaded = AnchorMaintainer::Load(files, now, ValidationLimits{}, dropped);
    EXPECT_TRUE(loaded.has_value()) << (loaded ? "" : loaded.error());
    return loaded ? std::move(*loaded) : nullptr;
  }
  // The trusted DNSKEY RDATA of the maintainer's anchors.
  static std::vector<std::vector<uint8_t>> Trusted(const AnchorMaintainer& maintainer) {
    std::vector<std::vector<uint8_t>> keys;
    for (const dns::Record& record : maintainer.Anchors().records) {
      if (record.type == dns::RrType::DNSKEY) keys.push_back(record.rdata);
    }
    return keys;
  }
  static std::string StateOf(const AnchorMaintainer& maintainer, const LabKey& key, int64_t now, bool revoked = false) {
    for (const ManagedKeyReport& report : maintainer.Describe(now)) {
      if (report.key_tag == key.Tag(revoked)) return report.state;
    }
    return "(absent)";
  }

  std::filesystem::path dir_;
  LabKey a_, b_;
};

TEST_F(AnchorMaintainerTest, DnskeyFileStartsValidAndReplacesNothingElse) {
  std::string file = Write("root.key", DnskeyLine(a_));
  auto maintainer = Load({file}, kT0);
  ASSERT_NE(maintainer, nullptr);
  ManagedAnchors anchors = maintainer->Anchors();
  ASSERT_EQ(anchors.zones.size(), 1u);
  EXPECT_EQ(anchors.zones[0], kRoot);
  EXPECT_EQ(Trusted(*maintainer), (std::vector<std::vector<uint8_t>>{a_.Rdata()}));
  EXPECT_EQ(StateOf(*maintainer, a_, kT0), "Valid");
  EXPECT_EQ(maintainer->TakeDue(kT0), std::vector<dns::Name>{kRoot}) << "due at once after a start";
  EXPECT_TRUE(maintainer->TakeDue(kT0).empty()) << "a fetch in flight is not started twice";
}

// RFC 5011 section 2.4.1: B published beside A goes AddPend, is kept across a restart (state
// file), and is trusted only at the first validated observation after the 30-day hold-down.
TEST_F(AnchorMaintainerTest, NewKeyIsTrustedOnlyAfterTheHoldDownAcrossARestart) {
  std::string file = Write("root.key", DnskeyLine(a_));
  auto maintainer = Load({file}, kT0);
  ASSERT_NE(maintainer, nullptr);
  ASSERT_TRUE(maintainer->SaveAll());
  (void)maintainer->TakeDue(kT0);
  RefreshReport first = maintainer->OnFetched(kRoot, PublishDnskeys(kRoot, {a_.Rdata(), b_.Rdata()}, {{&a_}}, kT0), kT0);
  EXPECT_FALSE(first.trust_changed) << "an AddPend key is not trusted";
  EXPECT_EQ(StateOf(*maintainer, b_, kT0).rfind("AddPend", 0), 0u) << StateOf(*maintainer, b_, kT0);
  EXPECT_NE(Read(ManagedStatePath(file)).find("state=AddPend"), std::string::npos) << "the state file was not written";
  EXPECT_GT(maintainer->NextRefresh(kRoot), kT0 + 3600 - 1) << "RFC 5011 section 2.3: at least an hour";

  auto restarted = Load({file}, kT0 + 31 * kDay);  // A restart 31 days later keeps the hold-down's start.
  ASSERT_NE(restarted, nullptr);
  EXPECT_EQ(StateOf(*restarted, b_, kT0 + 31 * kDay).rfind("AddPend", 0), 0u);
  (void)restarted->TakeDue(kT0 + 31 * kDay);
  RefreshReport later = restarted->OnFetched(
      kRoot, PublishDnskeys(kRoot, {a_.Rdata(), b_.Rdata()}, {{&a_}}, kT0 + 31 * kDay), kT0 + 31 * kDay);
  EXPECT_TRUE(later.trust_changed);
  EXPECT_EQ(StateOf(*restarted, b_, kT0 + 31 * kDay), "Valid");
  EXPECT_EQ(Trusted(*restarted).size(), 2u);
  bool logged = false;
  for (const std::string& line : later.info) logged = logged || line.find("AddPend -> Valid") != std::string::npos;
  EXPECT_TRUE(logged) << "the transition is not logged";
}

// A key that revokes itself (RFC 5011 section 2.1) leaves the anchors; a set signed only by a
// key the maintainer does not trust changes nothing (section 2.2).
TEST_F(AnchorMaintainerTest, RevokedKeyLeavesTheAnchorsAndUntrustedSetsChangeNothing) {
  std::string file = Write("root.key", DnskeyLine(a_) + DnskeyLine(b_));
  auto maintainer = Load({file}, kT0);
  ASSERT_NE(maintainer, nullptr);
  (void)maintainer->TakeDue(kT0);
  LabKey stranger;
  RefreshReport forged = maintainer->OnFetched(
      kRoot, PublishDnskeys(kRoot, {a_.Rdata(true), b_.Rdata()}, {{&stranger}}, kT0), kT0);
  EXPECT_FALSE(forged.trust_changed);
  EXPECT_FALSE(forged.warnings.empty()) << "a refused set is worth a warning";
  EXPECT_EQ(Trusted(*maintainer).size(), 2u);

  (void)maintainer->TakeDue(kT0 + kDay);
  RefreshReport revoked = maintainer->OnFetched(
      kRoot, PublishDnskeys(kRoot, {a_.Rdata(true), b_.Rdata()}, {{&a_, true}, {&b_}}, kT0 + kDay), kT0 + kDay);
  EXPECT_TRUE(revoked.trust_changed);
  EXPECT_EQ(Trusted(*maintainer), (std::vector<std::vector<uint8_t>>{b_.Rdata()}));
  EXPECT_EQ(StateOf(*maintainer, a_, kT0 + kDay, true).rfind("Revoked", 0), 0u);
}

// The built-in root anchors are DS: a DS file's zone is anchored by its DS until a fetched
// DNSKEY RRset they validate turns it into a DNSKEY trust point.
TEST_F(AnchorMaintainerTest, DsFileIsConfirmedByTheFirstValidatedFetch) {
  std::string file = Write("root.ds", DsLine(a_));
  auto maintainer = Load({file}, kT0);
  ASSERT_NE(maintainer, nullptr);
  ASSERT_EQ(maintainer->Anchors().records.size(), 1u);
  EXPECT_EQ(maintainer->Anchors().records[0].type, dns::RrType::DS);
  (void)maintainer->TakeDue(kT0);
  RefreshReport wrong = maintainer->OnFetched(kRoot, PublishDnskeys(kRoot, {b_.Rdata()}, {{&b_}}, kT0), kT0);
  EXPECT_FALSE(wrong.trust_changed) << "a set no DS names must not seed the trust point";
  EXPECT_EQ(maintainer->Anchors().records[0].type, dns::RrType::DS);
  EXPECT_EQ(maintainer->NextRefresh(kRoot), kT0 + 3600);

  (void)maintainer->TakeDue(kT0 + 3600);
  RefreshReport seeded = maintainer->OnFetched(
      kRoot, PublishDnskeys(kRoot, {a_.Rdata(), b_.Rdata()}, {{&a_}}, kT0 + 3600), kT0 + 3600);
  EXPECT_TRUE(seeded.trust_changed);
  EXPECT_EQ(Trusted(*maintainer), (std::vector<std::vector<uint8_t>>{a_.Rdata()}));
  EXPECT_EQ(StateOf(*maintainer, b_, kT0 + 3600).rfind("AddPend", 0), 0u) << "the other key starts its hold-down";
  EXPECT_TRUE(maintainer->SaveAll());
  auto restarted = Load({file}, kT0 + 7200);
  ASSERT_NE(restarted, nullptr);
  EXPECT_EQ(Trusted(*restarted), (std::vector<std::vector<uint8_t>>{a_.Rdata()})) << "the state file wins over the DS";
}

TEST_F(AnchorMaintainerTest, FailedFetchRetriesWithinTheRetryTime) {
  auto maintainer = Load({Write("root.key", DnskeyLine(a_))}, kT0);
  ASSERT_NE(maintainer, nullptr);
  (void)maintainer->TakeDue(kT0);
  RefreshReport failed = maintainer->OnFetched(kRoot, std::nullopt, kT0, "SERVFAIL");
  EXPECT_FALSE(failed.trust_changed);
  ASSERT_EQ(failed.warnings.size(), 1u);
  EXPECT_NE(failed.warnings[0].find("SERVFAIL"), std::string::npos) << failed.warnings[0];
  EXPECT_EQ(maintainer->NextRefresh(kRoot), kT0 + 3600);
  EXPECT_TRUE(maintainer->TakeDue(kT0 + 3599).empty());
  EXPECT_EQ(maintainer->TakeDue(kT0 + 3600).size(), 1u);
}

TEST_F(AnchorMaintainerTest, BadFilesFailNamingTheFile) {
  std::string zsk_only = Write("zsk.key", ". 3600 IN DNSKEY " + dns::RdataBytesToText(dns::RrType::DNSKEY, ZskRdata(a_)) + "\n");
  auto no_sep = AnchorMaintainer::Load({zsk_only}, kT0, ValidationLimits{});
  ASSERT_FALSE(no_sep.has_value());
  EXPECT_NE(no_sep.error().find(zsk_only), std::string::npos) << no_sep.error();

  std::string one = Write("one.key", DnskeyLine(a_)), two = Write("two.key", DnskeyLine(b_));
  auto twice = AnchorMaintainer::Load({one, two}, kT0, ValidationLimits{});
  ASSERT_FALSE(twice.has_value()) << "a zone managed by two files";
  EXPECT_NE(twice.error().find("two.key"), std::string::npos) << twice.error();

  auto missing = AnchorMaintainer::Load({(dir_ / "absent.key").string()}, kT0, ValidationLimits{});
  EXPECT_FALSE(missing.has_value());

  std::string broken = Write("broken.key", DnskeyLine(a_));
  Write("broken.key.state", "; redoubt-managed-keys v9\n");
  auto bad_state = AnchorMaintainer::Load({broken}, kT0, ValidationLimits{});
  ASSERT_FALSE(bad_state.has_value());
  EXPECT_NE(bad_state.error().find("broken.key.state"), std::string::npos) << bad_state.error();
}

TEST_F(AnchorMaintainerTest, StateOfAZoneNoLongerInTheFileIsDroppedWithAWarning) {
  std::string file = Write("anchors.key", DnskeyLine(a_) + DnskeyLine(b_, "example."));
  auto maintainer = Load({file}, kT0);
  ASSERT_NE(maintainer, nullptr);
  ASSERT_TRUE(maintainer->SaveAll());
  Write("anchors.key", DnskeyLine(a_));
  std::vector<std::string> dropped;
  auto restarted = Load({file}, kT0, &dropped);
  ASSERT_NE(restarted, nullptr);
  EXPECT_EQ(restarted->Anchors().zones, std::vector<dns::Name>{kRoot});
  ASSERT_EQ(dropped.size(), 1u);
  EXPECT_NE(dropped[0].find("example."), std::string::npos) << dropped[0];
}

TEST_F(AnchorMaintainerTest, StateThatCannotBeWrittenIsReported) {
  std::string file = Write("root.key", DnskeyLine(a_));
  auto maintainer = Load({file}, kT0);
  ASSERT_NE(maintainer, nullptr);
  std::filesystem::remove_all(dir_);  // The directory is gone: nothing can be written there.
  auto saved = maintainer->SaveAll();
  ASSERT_FALSE(saved.has_value());
  EXPECT_NE(saved.error().find("root.key.state"), std::string::npos) << saved.error();
  (void)maintainer->TakeDue(kT0);
  RefreshReport report = maintainer->OnFetched(kRoot, PublishDnskeys(kRoot, {a_.Rdata(), b_.Rdata()}, {{&a_}}, kT0), kT0);
  ASSERT_FALSE(report.warnings.empty());
  EXPECT_NE(report.warnings.back().find("not written"), std::string::npos) << report.warnings.back();
}

// WithManagedAnchors (reloader.h): a managed zone's static DS/DNSKEY anchors go, other zones'
// and legacy KEY anchors stay.
TEST_F(AnchorMaintainerTest, ManagedAnchorsReplaceTheStaticAnchorsOfTheirZonesOnly) {
  auto maintainer = Load({Write("root.key", DnskeyLine(a_))}, kT0);
  ASSERT_NE(maintainer, nullptr);
  LiveSettings settings;
  settings.config = std::make_shared<const Config>(Config::Defaults());
  std::vector<dns::Record> statics = {
      {kRoot, dns::RrType::DS, dns::RrClass::IN, 0, *dns::RdataToBytes(dns::Rdata(testing::DsOf(b_)))},
      {*dns::Name::FromText("example."), dns::RrType::DNSKEY, dns::RrClass::IN, 0, b_.Rdata()}};
  settings.static_anchors = std::make_shared<const std::vector<dns::Record>>(statics);
  LiveSettings merged = WithManagedAnchors(settings, maintainer->Anchors());
  const TrustAnchor* root = merged.anchors->At(kRoot);
  ASSERT_NE(root, nullptr);
  EXPECT_TRUE(root->ds.empty()) << "the static root DS beside the managed key would outlive its revocation";
  EXPECT_EQ(root->dnskey_rdatas, (std::vector<std::vector<uint8_t>>{a_.Rdata()}));
  EXPECT_NE(merged.anchors->At(*dns::Name::FromText("example.")), nullptr);
}

// AnchorRefresher: due fetches go out, finished ones are applied, and a trust change hands the
// maintainer's anchors to `apply` once.
TEST_F(AnchorMaintainerTest, RefresherFetchesDueZonesAndAppliesTrustChanges) {
  auto maintainer = Load({Write("root.key", DnskeyLine(a_) + DnskeyLine(b_))}, kT0);
  ASSERT_NE(maintainer, nullptr);
  std::vector<dns::Question> asked;
  std::promise<Resolution> answer;
  std::vector<ManagedAnchors> applied;
  std::vector<std::string> warnings;
  RefresherTargets targets;
  targets.maintainer = maintainer.get();
  targets.fetch = [&](dns::Question question) {
    asked.push_back(question);
    return answer.get_future();
  };
  targets.apply = [&](const ManagedAnchors& anchors) { applied.push_back(anchors); };
  targets.warning = [&](const std::string& line) { warnings.push_back(line); };
  AnchorRefresher refresher(std::move(targets));
  refresher.Tick(kT0);
  ASSERT_EQ(asked.size(), 1u);
  EXPECT_EQ(asked[0].qname, kRoot);
  EXPECT_EQ(asked[0].qtype, dns::RrType::DNSKEY);
  refresher.Tick(kT0 + 1);
  EXPECT_EQ(asked.size(), 1u) << "asked again while the first fetch is open";
  EXPECT_EQ(refresher.pending(), 1u);

  Resolution resolution;
  resolution.rcode = dns::Rcode::NOERROR;
  resolution.answer.push_back(PublishDnskeys(kRoot, {a_.Rdata(true), b_.Rdata()}, {{&a_, true}, {&b_}}, kT0));
  answer.set_value(std::move(resolution));
  refresher.Tick(kT0 + 2);
  EXPECT_EQ(refresher.pending(), 0u);
  ASSERT_EQ(applied.size(), 1u) << "the revocation was not applied";
  EXPECT_EQ(applied[0].records.size(), 1u);
  EXPECT_EQ(applied[0].records[0].rdata, b_.Rdata());
  EXPECT_TRUE(warnings.empty());
}

TEST_F(AnchorMaintainerTest, DnskeysFromNamesWhyAFetchBroughtNothing) {
  std::string why;
  Resolution failed;
  failed.rcode = dns::Rcode::SERVFAIL;
  failed.ede_text = "no server answered";
  EXPECT_FALSE(DnskeysFrom(kRoot, failed, why).has_value());
  EXPECT_EQ(why, "SERVFAIL: no server answered");
  Resolution other;
  other.rcode = dns::Rcode::NOERROR;
  other.answer.push_back(PublishDnskeys(*dns::Name::FromText("example."), {a_.Rdata()}, {{&a_}}, kT0));
  EXPECT_FALSE(DnskeysFrom(kRoot, other, why).has_value()) << "another zone's DNSKEY set";
  other.answer.push_back(PublishDnskeys(kRoot, {a_.Rdata()}, {{&a_}}, kT0));
  auto found = DnskeysFrom(kRoot, other, why);
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->sigs.size(), 1u) << "the RRSIGs must come along";
}

}  // namespace
}  // namespace redoubt::resolver
