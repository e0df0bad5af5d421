#include "resolver/metrics/sample_sources.h"

namespace redoubt::resolver::metrics_testing {

// Worker i (0 or 1) counts: 10(i+1) UDP and i+1 TCP queries; 7+i NOERROR, 2 NXDOMAIN,
// 1 SERVFAIL, 1 REFUSED; 5 upstream UDP queries, 1 timeout, 2 checksum verified, 1 GSS context
// established; 3 cache hits, 1 miss; 4 secure answers; durations 400 us and 3 ms (worker 0),
// 7 s (worker 1); an upstream RTT of 20 ms each. Shared: 5 evictions, 1 damaged entry, 3 full
// transfers.
SampleStats::SampleStats() {
  for (size_t i = 0; i < workers.size(); ++i) {
    SampleWorker& w = workers[i];
    w.responder.udp_queries += 10 * (i + 1);
    w.responder.tcp_queries += i + 1;
    w.responder.queries += 11 * (i + 1);
    w.responder.noerror += 7 + i;
    w.responder.nxdomain += 2;
    ++w.responder.servfail;
    ++w.responder.refused;
    w.upstream.udp_queries += 5;
    ++w.upstream.timeouts;
    w.upstream.checksum_verified += 2;
    ++w.upstream.gss.negotiations;
    w.upstream.rtt.Observe(20'000);
    w.store.hits += 3;
    ++w.store.misses;
    w.validator.secure += 4;
    w.validator.most_checks += 3 + i;
  }
  workers[0].responder.duration.Observe(400);
  workers[0].responder.duration.Observe(3'000);
  workers[1].responder.duration.Observe(7'000'000);
  cache.evicted = 5;
  cache.corrupt = 1;
  mirror.full_transfers += 3;
  reloads.ok += 2;
  ++reloads.refused;
  anchor_refreshes.validated += 3;
  ++anchor_refreshes.failed;
  ++anchor_refreshes.swaps;
}

MetricsSources SampleStats::Sources() const {
  MetricsSources sources;
  for (const SampleWorker& w : workers) sources.workers.push_back(CountersOf(w));
  sources.cache = &cache;
  sources.cache_size = [] { return kSampleCacheSize; };
  sources.mirror = &mirror;
  sources.reloads = &reloads;
  sources.anchor_refreshes = &anchor_refreshes;
  sources.start_time_seconds = kSampleStartTime;
  return sources;
}

}  // namespace redoubt::resolver::metrics_testing
