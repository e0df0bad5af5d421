// The daemon's side of RFC 5011 maintenance (docs/dnssec.md "RFC 5011 automated trust-anchor
// rollover"): each second the main thread ticks it; it asks a worker for the DNSKEY RRset of
// every managed trust point that AnchorMaintainer says is due (RFC 5011 section 2.3 active
// refresh: through the resolver's own pipeline with DO and CD, so the maintainer judges the
// signatures itself), hands each result to the maintainer, logs what changed, and when the
// trusted keys of a zone change, gives the new anchors to `apply` (the Reloader, which swaps
// every worker's engine and drops that zone's cached answers).
#pragma once

#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "net/dns/name.h"
#include "net/dns/rrset.h"
#include "resolver/daemon/anchor_maintainer.h"
#include "resolver/metrics/metrics_source.h"
#include "resolver/query/resolution.h"

namespace redoubt::resolver {

// The DNSKEY RRset of `zone` in a resolution's answer section, with its RRSIGs (RFC 4035
// section 3.2.1); nullopt, and `why` filled, when the resolution failed (its rcode and
// Extended DNS Error text) or holds no such set.
std::optional<dns::RRset> DnskeysFrom(const dns::Name& zone, const Resolution& resolution, std::string& why);

struct RefresherTargets {
  AnchorMaintainer* maintainer = nullptr;  // Required.
  // Starts the fetch of `question` (Worker::Fetch of some worker); a broken promise counts as
  // a failed fetch. Required.
  std::function<std::future<Resolution>(dns::Question)> fetch;
  // Called with the maintainer's anchors when a zone's trusted keys changed. Required.
  std::function<void(const ManagedAnchors&)> apply;
  std::function<void(const std::string&)> info;     // Key transitions; unset: not logged.
  std::function<void(const std::string&)> warning;  // Failed or refused fetches.
  AnchorRefreshStats* stats = nullptr;  // Counted when set (redoubt_trust_anchor_*_total).
};

class AnchorRefresher {
 public:
  explicit AnchorRefresher(RefresherTargets targets) : targets_(std::move(targets)) {}

  // At wall-clock `now`: applies the fetches that have finished, then starts those the
  // maintainer says are due. Never blocks on a fetch; `apply` may take a few seconds (the
  // Reloader waits for the old engines). Main thread only.
  void Tick(int64_t now);
  // Fetches started and not yet applied.
  size_t pending() const noexcept { return pending_.size(); }

 private:
  struct Pending {
    dns::Name zone;
    std::future<Resolution> result;
  };
  // Hands one finished fetch to the maintainer; true when the trusted keys changed.
  bool Apply(Pending& finished, int64_t now);

  RefresherTargets targets_;
  std::vector<Pending> pending_;
};

}  // namespace redoubt::resolver
