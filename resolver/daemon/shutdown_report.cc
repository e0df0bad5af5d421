#include "resolver/daemon/shutdown_report.h"

#include <algorithm>
#include <string>

#include "resolver/daemon/log.h"

namespace redoubt::resolver {
namespace {

using Workers = std::vector<std::unique_ptr<Worker>>;

// `read` of every worker's counters, summed.
template <class Read>
uint64_t Sum(const Workers& workers, Read read) {
  uint64_t total = 0;
  for (const auto& w : workers) total += read(w->stats());
  return total;
}

std::string N(uint64_t value) { return std::to_string(value); }

// The fragment defence's counters (specs/checksum.md; docs/fragment-defence.md).
void LogFragmentDefence(const Workers& workers) {
  auto up = [&](auto member) { return Sum(workers, [&](const WorkerStats& s) -> uint64_t { return s.upstream.*member; }); };
  Log("checksum: " + N(up(&UpstreamStats::checksum_verified)) + " verified, " +
      N(up(&UpstreamStats::checksum_digest_mismatch)) + " digest mismatches, " +
      N(up(&UpstreamStats::checksum_nonce_mismatch)) + " nonce mismatches, " +
      N(up(&UpstreamStats::checksum_downgrades)) + " downgrades; " + N(up(&UpstreamStats::fragmented)) +
      " fragmented replies (" + N(up(&UpstreamStats::fragmented_dropped)) + " dropped, " +
      N(up(&UpstreamStats::fragmented_to_validate)) + " left to DNSSEC); " + N(up(&UpstreamStats::tcp_retries)) +
      " TCP retries; " + N(Sum(workers, [](const WorkerStats& s) -> uint64_t { return s.responder.checksum_replies; })) +
      " client replies sealed");
}

// TSIG towards keyed forwarders (RFC 8945; docs/tsig.md): signed queries, verified replies and
// each reason a reply was refused. Printed only when a key is configured.
void LogTsig(const Config& config, const Workers& workers) {
  if (config.tsig_keys.empty()) return;
  auto up = [&](auto member) { return Sum(workers, [&](const WorkerStats& s) -> uint64_t { return s.upstream.*member; }); };
  Log("tsig: " + N(up(&UpstreamStats::tsig_signed)) + " queries signed, " + N(up(&UpstreamStats::tsig_verified)) +
      " replies verified; refused: " + N(up(&UpstreamStats::tsig_unsigned)) + " unsigned, " +
      N(up(&UpstreamStats::tsig_bad_mac)) + " bad MAC, " + N(up(&UpstreamStats::tsig_bad_key)) + " other key, " +
      N(up(&UpstreamStats::tsig_bad_time)) + " bad time, " + N(up(&UpstreamStats::tsig_malformed)) + " malformed, " +
      N(up(&UpstreamStats::tsig_server_errors)) + " server TSIG errors");
}

// GSS-TSIG towards forward zones with gss-tsig (RFC 3645, RFC 5178; docs/gss-tsig.md).
void LogGss(const Config& config, const Workers& workers) {
  bool any = std::any_of(config.forward_zones.begin(), config.forward_zones.end(),
                         [](const auto& zone) { return zone.gss_tsig.has_value(); });
  if (!any) return;
  auto gss = [&](auto member) { return Sum(workers, [&](const WorkerStats& s) -> uint64_t { return s.upstream.gss.*member; }); };
  Log("gss-tsig: " + N(gss(&GssStats::negotiations)) + " contexts established (" + N(gss(&GssStats::host_based)) +
      " host-based), " + N(gss(&GssStats::renegotiations)) + " renewed, " + N(gss(&GssStats::deletions)) +
      " deleted at shutdown; refused: " + N(gss(&GssStats::unauthorised)) + " unauthorised servers, " +
      N(gss(&GssStats::negotiation_failures)) + " failed negotiations");
}

void LogMirrors(const MirrorService& service, const Workers& workers) {
  const MirrorStats& s = service.stats();
  auto local = [&](auto member) { return Sum(workers, [&](const WorkerStats& w) -> uint64_t { return w.local_zones.*member; }); };
  Log("mirror: " + N(s.full_transfers) + " full and " + N(s.incremental_transfers) + " incremental transfers, " +
      N(s.up_to_date) + " refreshes unchanged, " + N(s.failures) + " failures, " + N(s.expired) + " expired; " +
      N(local(&LocalZoneStats::answered)) + " answers from copies, " + N(local(&LocalZoneStats::referrals)) +
      " referrals to the iterator, " + N(local(&LocalZoneStats::declined)) + " asked upstream");
}

void LogValidation(const Workers& workers) {
  auto v = [&](auto member) { return Sum(workers, [&](const WorkerStats& s) -> uint64_t { return s.validator.*member; }); };
  uint64_t most = 0;
  for (const auto& w : workers) most = std::max<uint64_t>(most, w->stats().validator.most_checks);
  Log("validation: " + N(v(&ValidatorStats::secure)) + " secure, " +
      N(v(&ValidatorStats::insecure) + v(&ValidatorStats::indeterminate)) + " insecure, " +
      N(v(&ValidatorStats::bogus)) + " bogus (" + N(v(&ValidatorStats::bogus_remembered)) +
      " answered from the bogus memory, " + N(v(&ValidatorStats::budget_exhausted)) +
      " over the validation budget); " + N(v(&ValidatorStats::signature_checks)) + " signature checks, at most " +
      N(most) + " for one query; " + N(v(&ValidatorStats::synthesised)) +
      " negative answers synthesised from cached NSEC/NSEC3 (RFC 8198)");
}

void LogServed(const Workers& workers) {
  auto sum = [&](auto read) { return Sum(workers, read); };
  uint64_t stranded = 0;
  for (const auto& w : workers) stranded += w->stranded_queries();
  uint64_t tcp = sum([](const WorkerStats& s) -> uint64_t { return s.upstream.tcp_queries; });
  Log("served " + N(sum([](const WorkerStats& s) -> uint64_t { return s.responder.queries; })) + " queries (" +
      N(sum([](const WorkerStats& s) -> uint64_t { return s.responder.noerror; })) + " NOERROR, " +
      N(sum([](const WorkerStats& s) -> uint64_t { return s.responder.nxdomain; })) + " NXDOMAIN, " +
      N(sum([](const WorkerStats& s) -> uint64_t { return s.responder.servfail; })) + " SERVFAIL, " +
      N(sum([](const WorkerStats& s) -> uint64_t { return s.responder.refused; })) + " REFUSED) with " +
      N(sum([](const WorkerStats& s) -> uint64_t { return s.upstream.udp_queries; }) + tcp) + " upstream queries (" +
      N(tcp) + " over TCP, " + N(sum([](const WorkerStats& s) -> uint64_t { return s.upstream.mismatched; })) +
      " mismatched replies dropped), " + N(sum([](const WorkerStats& s) -> uint64_t { return s.pipeline.coalesced; })) +
      " coalesced, " + N(stranded) + " stranded at shutdown");
}

void LogCache(const Workers& workers, cache::LmdbCache& cache) {
  auto store = [&](auto member) { return Sum(workers, [&](const WorkerStats& s) -> uint64_t { return s.store.*member; }); };
  const auto& c = cache.stats();
  Log("cache: " + N(store(&AnswerStoreStats::hits)) + " hits, " + N(store(&AnswerStoreStats::misses)) + " misses, " +
      N(store(&AnswerStoreStats::stale_served)) + " served stale; " + N(cache.EntryCount()) + " entries, " +
      N(c.writes.load()) + " written, " + N(c.evicted.load()) + " evicted, " + N(c.map_full.load()) +
      " times full, " + N(c.dropped_writes.load()) + " writes dropped, " + N(c.corrupt.load()) +
      " damaged entries dropped");
}

}  // namespace

void LogShutdownReport(const Config& config, const Workers& workers, cache::LmdbCache* cache,
                       const MirrorService* mirror_service) {
  LogServed(workers);
  LogFragmentDefence(workers);
  LogValidation(workers);
  if (cache != nullptr) LogCache(workers, *cache);
  LogTsig(config, workers);
  LogGss(config, workers);
  if (mirror_service != nullptr) LogMirrors(*mirror_service, workers);
}

}  // namespace redoubt::resolver
