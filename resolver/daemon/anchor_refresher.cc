#include "resolver/daemon/anchor_refresher.h"

#include <chrono>

namespace redoubt::resolver {

std::optional<dns::RRset> DnskeysFrom(const dns::Name& zone, const Resolution& resolution, std::string& why) {
  if (resolution.rcode != dns::Rcode::NOERROR) {
    why = dns::RcodeToText(resolution.rcode);
    if (!resolution.ede_text.empty()) why += ": " + resolution.ede_text;
    return std::nullopt;
  }
  for (const dns::RRset& rrset : resolution.answer) {
    if (rrset.type == dns::RrType::DNSKEY && rrset.owner == zone) return rrset;
  }
  why = "no DNSKEY RRset in the answer";
  return std::nullopt;
}

bool AnchorRefresher::Apply(Pending& finished, int64_t now) {
  std::optional<dns::RRset> dnskeys;
  std::string why;
  try {
    Resolution resolution = finished.result.get();
    dnskeys = DnskeysFrom(finished.zone, resolution, why);
  } catch (const std::future_error&) {  // The worker stopped before resolving it.
    why = "the worker stopped";
  }
  RefreshReport report = targets_.maintainer->OnFetched(finished.zone, dnskeys, now, why);
  if (AnchorRefreshStats* stats = targets_.stats) {
    ++(report.result == RefreshResult::kValidated ? stats->validated
       : report.result == RefreshResult::kRefused ? stats->refused
                                                   : stats->failed);
  }
  if (targets_.info) {
    for (const std::string& line : report.info) targets_.info(line);
  }
  if (targets_.warning) {
    for (const std::string& line : report.warnings) targets_.warning("warning: " + line);
  }
  return report.trust_changed;
}

void AnchorRefresher::Tick(int64_t now) {
  bool changed = false;
  for (auto it = pending_.begin(); it != pending_.end();) {
    if (it->result.wait_for(std::chrono::seconds(0)) != std::future_status::ready) {
      ++it;
      continue;
    }
    changed = Apply(*it, now) || changed;
    it = pending_.erase(it);
  }
  if (changed) {
    if (targets_.stats != nullptr) ++targets_.stats->swaps;
    targets_.apply(targets_.maintainer->Anchors());
  }
  for (dns::Name& zone : targets_.maintainer->TakeDue(now)) {
    dns::Question question{zone, dns::RrType::DNSKEY, dns::RrClass::IN};
    pending_.push_back({std::move(zone), targets_.fetch(std::move(question))});
  }
}

}  // namespace redoubt::resolver
