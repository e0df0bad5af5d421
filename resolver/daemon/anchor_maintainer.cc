#include "resolver/daemon/anchor_maintainer.h"

#include <algorithm>
#include <ctime>

#include "net/dns/canonical.h"
#include "net/dns/rdata.h"
#include "resolver/daemon/managed_anchor_file.h"
#include "resolver/daemon/trust_anchors.h"
#include "resolver/validator/anchor_acceptance.h"

namespace redoubt::resolver {
namespace {

std::string UtcText(int64_t seconds) {
  std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}

std::string KeyStateText(const ManagedKey& key, int64_t now) {
  std::string state(KeyStateName(key.state));
  if (key.state == KeyState::kAddPend) {
    state += ": trusted from " + UtcText(key.hold_down_until) + " if still published";
    if (key.hold_down_until <= now) state += " (at the next refresh)";
  } else if (key.state == KeyState::kMissing) {
    state += ": not published since " + UtcText(key.last_seen) + ", still trusted";
  } else if (key.state == KeyState::kRevoked) {
    state += " " + UtcText(key.changed) + ", never trusted again";
  }
  return state;
}

std::vector<dns::Record> DnskeyRecords(const dns::Name& zone, const TrustPointState& state) {
  std::vector<dns::Record> records;
  for (std::vector<uint8_t>& rdata : TrustedKeys(state)) {
    records.push_back(dns::Record{zone, dns::RrType::DNSKEY, dns::RrClass::IN, 0, std::move(rdata)});
  }
  return records;
}

using ZoneRecords = std::vector<std::pair<dns::Name, std::vector<dns::Record>>>;

// The anchor file's records by zone, in the file's order.
Result<ZoneRecords, std::string> SeedsOf(const std::string& path) {
  auto records = LoadTrustAnchors({path}, nullptr);
  if (!records) return Unexpected(records.error().ToString());
  ZoneRecords by_zone;
  for (dns::Record& record : *records) {
    auto zone = std::find_if(by_zone.begin(), by_zone.end(), [&](const auto& z) { return z.first == record.owner; });
    if (zone == by_zone.end()) zone = by_zone.insert(by_zone.end(), {record.owner, {}});
    zone->second.push_back(std::move(record));
  }
  return by_zone;
}

std::vector<std::vector<uint8_t>> RdatasOf(const std::vector<dns::Record>& records, dns::RrType type) {
  std::vector<std::vector<uint8_t>> rdatas;
  for (const dns::Record& record : records) {
    if (record.type == type) rdatas.push_back(record.rdata);
  }
  return rdatas;
}

}  // namespace

Result<std::unique_ptr<AnchorMaintainer>, std::string> AnchorMaintainer::Load(const std::vector<std::string>& files,
                                                                              int64_t now, ValidationLimits limits,
                                                                              std::vector<std::string>* dropped) {
  std::unique_ptr<AnchorMaintainer> maintainer(new AnchorMaintainer(files, limits));
  for (size_t file = 0; file < files.size(); ++file) {
    auto seeds = SeedsOf(files[file]);
    if (!seeds) return Unexpected(seeds.error());
    std::string state_path = ManagedStatePath(files[file]);
    auto kept = LoadManagedAnchorFile(state_path);
    if (!kept) return Unexpected(kept.error());
    for (auto& [zone, records] : *seeds) {
      if (maintainer->Find(zone) != nullptr) {
        return Unexpected(files[file] + ": " + zone.ToText() + " is already managed by another managed-trust-anchors file");
      }
      Point point{file, zone, std::nullopt, std::move(records)};
      if (auto dnskeys = RdatasOf(point.seed, dns::RrType::DNSKEY); !dnskeys.empty()) {
        point.state = InitialTrustPoint(zone, dnskeys, now);
        if (TrustedKeys(*point.state).empty()) {  // RFC 5011 maintains KSKs only.
          return Unexpected(files[file] + ": no DNSKEY of " + zone.ToText() +
                            " has the SEP flag (257): RFC 5011 maintains key-signing keys");
        }
      }
      maintainer->points_.push_back(std::move(point));
    }
    if (!kept->has_value()) continue;
    for (TrustPointState& state : **kept) {
      Point* point = maintainer->Find(state.zone);
      if (point == nullptr || point->file != file) {
        if (dropped != nullptr) {
          dropped->push_back(state_path + ": trust point " + state.zone.ToText() + " is no longer in " +
                             files[file] + "; its state is dropped");
        }
        continue;
      }
      if (TrustedKeys(state).empty()) {
        return Unexpected(state_path + ": trust point " + state.zone.ToText() +
                          " has no trusted key left; remove the file to start again from " + files[file]);
      }
      point->state = std::move(state);
    }
  }
  return maintainer;
}

AnchorMaintainer::Point* AnchorMaintainer::Find(const dns::Name& zone) {
  auto found = std::find_if(points_.begin(), points_.end(), [&](const Point& p) { return p.zone == zone; });
  return found == points_.end() ? nullptr : &*found;
}

const AnchorMaintainer::Point* AnchorMaintainer::Find(const dns::Name& zone) const {
  return const_cast<AnchorMaintainer*>(this)->Find(zone);
}

ManagedAnchors AnchorMaintainer::Anchors() const {
  std::lock_guard lock(mutex_);
  ManagedAnchors anchors;
  for (const Point& point : points_) {
    anchors.zones.push_back(point.zone);
    std::vector<dns::Record> records = point.state ? DnskeyRecords(point.zone, *point.state) : point.seed;
    anchors.records.insert(anchors.records.end(), records.begin(), records.end());
  }
  return anchors;
}

Result<void, std::string> AnchorMaintainer::SaveFile(size_t file) const {
  std::vector<TrustPointState> states;
  for (const Point& point : points_) {
    if (point.file == file && point.state) states.push_back(*point.state);
  }
  return SaveManagedAnchorFile(ManagedStatePath(files_[file]), states);
}

Result<void, std::string> AnchorMaintainer::SaveAll() const {
  std::lock_guard lock(mutex_);
  for (size_t file = 0; file < files_.size(); ++file) {
    if (auto saved = SaveFile(file); !saved) return saved;
  }
  return {};
}

std::vector<dns::Name> AnchorMaintainer::TakeDue(int64_t now) {
  std::lock_guard lock(mutex_);
  std::vector<dns::Name> due;
  for (Point& point : points_) {
    if (point.fetching || point.next_refresh > now) continue;
    point.fetching = true;
    due.push_back(point.zone);
  }
  return due;
}

bool AnchorMaintainer::SeedFromDs(Point& point, const dns::RRset& dnskeys, int64_t now, RefreshReport& report) {
  std::vector<dns::rdata::DS> ds;
  for (const std::vector<uint8_t>& rdata : RdatasOf(point.seed, dns::RrType::DS)) {
    if (auto decoded = dns::Decode<dns::rdata::DS>(rdata)) ds.push_back(std::move(*decoded));
  }
  ValidationBudget budget(limits_);
  point.state = TrustPointFromDs(point.zone, ds, dnskeys, now, VerifyLimits{}, budget);
  if (!point.state) {
    report.warnings.push_back("managed trust anchor " + point.zone.ToText() +
                              ": no key of the DNSKEY RRset fetched is both named by a DS of " + files_[point.file] +
                              " and signing the set; kept the DS, next try in " +
                              std::to_string(RetryTime(0, 0)) + " s");
    return false;
  }
  report.info.push_back("managed trust anchor " + point.zone.ToText() + ": the DS of " + files_[point.file] +
                        " validated the DNSKEY RRset; " + std::to_string(TrustedKeys(*point.state).size()) +
                        " key(s) trusted from now on (RFC 5011)");
  report.trust_changed = true;
  return true;
}

RefreshReport AnchorMaintainer::OnFetched(const dns::Name& zone, const std::optional<dns::RRset>& dnskeys, int64_t now,
                                          const std::string& why) {
  std::lock_guard lock(mutex_);
  RefreshReport report;
  Point* point = Find(zone);
  if (point == nullptr) return report;
  point->fetching = false;
  const std::string name = "managed trust anchor " + zone.ToText();
  if (!dnskeys) {
    point->next_refresh = now + RetryTime(0, 0);
    report.warnings.push_back(name + ": DNSKEY fetch failed (" + (why.empty() ? "no answer" : why) + "); next try in " +
                              std::to_string(RetryTime(0, 0)) + " s (RFC 5011 section 2.3)");
    return report;
  }
  if (!point->state && !SeedFromDs(*point, *dnskeys, now, report)) {
    point->next_refresh = now + RetryTime(0, 0);
    report.result = RefreshResult::kRefused;
    return report;
  }
  ValidationBudget budget(limits_);
  RefreshOutcome outcome = RefreshTrustPoint(*point->state, *dnskeys, now, VerifyLimits{}, budget);
  point->next_refresh = outcome.next_refresh;
  report.result = outcome.validated ? RefreshResult::kValidated : RefreshResult::kRefused;
  for (const KeyTransition& transition : outcome.result.transitions) report.info.push_back(name + ": " + transition.text);
  for (const std::string& note : outcome.result.notes) {
    (outcome.validated ? report.info : report.warnings).push_back(name + ": " + note);
  }
  bool changed = report.trust_changed || outcome.result.state != *point->state;
  report.trust_changed = report.trust_changed || TrustedKeys(outcome.result.state) != TrustedKeys(*point->state);
  point->state = std::move(outcome.result.state);
  if (changed) {
    if (auto saved = SaveFile(point->file); !saved) {
      report.warnings.push_back(name + ": state not written (kept in memory): " + saved.error());
    }
  }
  return report;
}

std::vector<ManagedKeyReport> AnchorMaintainer::Describe(int64_t now) const {
  std::lock_guard lock(mutex_);
  std::vector<ManagedKeyReport> reports;
  for (const Point& point : points_) {
    if (!point.state) {
      for (const std::vector<uint8_t>& rdata : RdatasOf(point.seed, dns::RrType::DS)) {
        auto ds = dns::Decode<dns::rdata::DS>(rdata);
        if (!ds) continue;
        reports.push_back({point.zone, "DS", ds->key_tag, static_cast<uint8_t>(ds->algorithm), 0,
                           "seed: trusted until the first DNSKEY fetch confirms it", true});
      }
      continue;
    }
    for (const ManagedKey& key : point.state->keys) {
      auto dnskey = dns::Decode<dns::rdata::DNSKEY>(key.rdata);
      if (!dnskey) continue;
      reports.push_back({point.zone, "DNSKEY", key.Tag(), static_cast<uint8_t>(dnskey->algorithm), dnskey->flags,
                         KeyStateText(key, now), IsTrusted(key.state)});
    }
  }
  return reports;
}

int64_t AnchorMaintainer::NextRefresh(const dns::Name& zone) const {
  std::lock_guard lock(mutex_);
  const Point* point = Find(zone);
  return point == nullptr ? 0 : point->next_refresh;
}

}  // namespace redoubt::resolver
