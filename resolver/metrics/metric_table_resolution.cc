// The rows of the metric table for resolution: the pipeline, the cache, DNSSEC and mirrored
// zones (resolver/metrics/metric_table.h has the rest and the contract).
#include "resolver/metrics/metric_readers.h"

namespace redoubt::resolver::metric_readers {
namespace {

std::vector<MetricDefinition> PipelineMetrics() {
  constexpr auto P = &W::pipeline;
  using S = PipelineStats;
  return {
      {"redoubt_pipeline_requests_total", MetricKind::kCounter,
       "Client questions that entered the resolution pipeline (not refused or malformed ones).",
       "", {{"", Read<P, &S::requests>}}},
      {"redoubt_resolutions_total", MetricKind::kCounter,
       "Questions that went through the resolve stage: client questions and sub-questions.", "",
       {{"", Read<P, &S::resolutions>}}},
      {"redoubt_sub_resolutions_total", MetricKind::kCounter,
       "Of those, questions a stage asked for another (NS addresses, DS, DNSKEY, TKEY).", "",
       {{"", Read<P, &S::sub_resolutions>}}},
      {"redoubt_coalesced_total", MetricKind::kCounter,
       "Questions that waited on an identical question in flight instead of being resolved.", "",
       {{"", Read<P, &S::coalesced>}}},
      {"redoubt_fragment_refetches_total", MetricKind::kCounter,
       "Resolved again because an unverified reassembled reply did not validate as secure.", "",
       {{"", Read<P, &S::fragment_refetches>}}},
      {"redoubt_bogus_retries_total", MetricKind::kCounter,
       "Questions asked again of a zone's other servers after a bogus answer.", "",
       {{"", Read<P, &S::bogus_retries>}}},
  };
}

std::vector<MetricDefinition> CacheMetrics() {
  constexpr auto A = &W::store;
  using S = AnswerStoreStats;
  using C = cache::CacheStats;
  return {
      {"redoubt_cache_lookups_total", MetricKind::kCounter,
       "Answer cache lookups: hit, miss, and stale (an expired answer served after every "
       "upstream failed, RFC 8767).", "result",
       {{"hit", Read<A, &S::hits>}, {"miss", Read<A, &S::misses>},
        {"stale", Read<A, &S::stale_served>}}},
      {"redoubt_packet_cache_lookups_total", MetricKind::kCounter,
       "Plain client queries looked up in the workers' packet caches (replies kept as bytes in "
       "front of the answer cache): hit (answered from it) or miss (absent, expired or flushed).",
       "result",
       {{"hit", Read<&W::responder, &ResponderStats::packet_cache, &PacketCacheStats::hits>},
        {"miss", Read<&W::responder, &ResponderStats::packet_cache, &PacketCacheStats::misses>}}},
      {"redoubt_packet_cache_evictions_total", MetricKind::kCounter,
       "Packet cache entries dropped, least recently used first, to stay within "
       "cache.packet-cache-size.", "",
       {{"", Read<&W::responder, &ResponderStats::packet_cache, &PacketCacheStats::evictions>}}},
      {"redoubt_cache_answers_stored_total", MetricKind::kCounter,
       "Resolved answers written to the cache.", "", {{"", Read<A, &S::stored>}}},
      {"redoubt_cache_writes_total", MetricKind::kCounter,
       "Cache entries written (an answer may write several).", "",
       {{"", nullptr, CacheCounter<&C::writes>}}},
      {"redoubt_cache_rank_refusals_total", MetricKind::kCounter,
       "Cache writes refused: a live entry of higher trust was kept (RFC 2181 section 5.4.1).",
       "", {{"", nullptr, CacheCounter<&C::rank_refusals>}}},
      {"redoubt_cache_evictions_total", MetricKind::kCounter,
       "Cache entries evicted to make room (the run that expires first in each sweep window).", "",
       {{"", nullptr, CacheCounter<&C::evicted>}}},
      {"redoubt_cache_full_total", MetricKind::kCounter,
       "Times a cache write found the LMDB map full and evicted inline (up to 3 rounds per write).", "",
       {{"", nullptr, CacheCounter<&C::map_full>}}},
      {"redoubt_cache_dropped_writes_total", MetricKind::kCounter,
       "Cache write batches dropped after eviction could not make room.", "",
       {{"", nullptr, CacheCounter<&C::dropped_writes>}}},
      {"redoubt_cache_damaged_total", MetricKind::kCounter,
       "Damaged cache entries found on reading, never served, and deleted.", "",
       {{"", nullptr, CacheCounter<&C::corrupt>}}},
      {"redoubt_cache_entries", MetricKind::kGauge, "Entries in the cache.", "",
       {{"", nullptr, CacheGauge<&CacheSize::entries>}}},
      {"redoubt_cache_size_bytes", MetricKind::kGauge,
       "Bytes of the cache's live LMDB pages (the entries' B-tree).", "",
       {{"", nullptr, CacheGauge<&CacheSize::used_bytes>}}},
      {"redoubt_cache_capacity_bytes", MetricKind::kGauge,
       "The cache's LMDB map size (cache.max-size); eviction starts at 75% of it.", "",
       {{"", nullptr, CacheGauge<&CacheSize::capacity_bytes>}}},
  };
}

std::vector<MetricDefinition> DnssecMetrics() {
  constexpr auto V = &W::validator;
  using S = ValidatorStats;
  return {
      {"redoubt_dnssec_answers_total", MetricKind::kCounter,
       "Answers the validator judged, by security status (RFC 4035 section 4.3).", "status",
       {{"secure", Read<V, &S::secure>}, {"insecure", Read<V, &S::insecure>},
        {"bogus", Read<V, &S::bogus>}, {"indeterminate", Read<V, &S::indeterminate>}}},
      {"redoubt_dnssec_bogus_remembered_total", MetricKind::kCounter,
       "Questions answered SERVFAIL from the memory of bogus answers (bogus-ttl, RFC 9520).", "",
       {{"", Read<V, &S::bogus_remembered>}}},
      {"redoubt_dnssec_budget_exhausted_total", MetricKind::kCounter,
       "Answers whose validation budget ran out (KeyTrap limits).", "",
       {{"", Read<V, &S::budget_exhausted>}}},
      {"redoubt_dnssec_signature_checks_total", MetricKind::kCounter,
       "Signature verifications made.", "", {{"", Read<V, &S::signature_checks>}}},
      {"redoubt_dnssec_max_signature_checks", MetricKind::kGauge,
       "The most signature verifications one client request needed so far (any worker).", "",
       {{"", nullptr, MostSignatureChecks}}},
      {"redoubt_dnssec_synthesised_total", MetricKind::kCounter,
       "NXDOMAIN and NODATA answers synthesised from cached NSEC/NSEC3 records (RFC 8198).", "",
       {{"", Read<V, &S::synthesised>}}},
  };
}

std::vector<MetricDefinition> MirrorMetrics() {
  constexpr auto Z = &W::local_zones;
  using S = LocalZoneStats;
  using M = MirrorStats;
  return {
      {"redoubt_mirror_transfers_total", MetricKind::kCounter,
       "Mirrored zone copies taken: whole (AXFR) or incremental (IXFR).", "kind",
       {{"full", nullptr, MirrorCounter<&M::full_transfers>},
        {"incremental", nullptr, MirrorCounter<&M::incremental_transfers>}}},
      {"redoubt_mirror_refreshes_unchanged_total", MetricKind::kCounter,
       "Mirrored zone refreshes that found the serial unchanged.", "",
       {{"", nullptr, MirrorCounter<&M::up_to_date>}}},
      {"redoubt_mirror_transfer_failures_total", MetricKind::kCounter,
       "Mirrored zone transfers refused, failed, or not a valid zone.", "",
       {{"", nullptr, MirrorCounter<&M::failures>}}},
      {"redoubt_mirror_expired_total", MetricKind::kCounter,
       "Mirrored zone copies withdrawn at the SOA EXPIRE timer.", "",
       {{"", nullptr, MirrorCounter<&M::expired>}}},
      {"redoubt_mirror_lookups_total", MetricKind::kCounter,
       "Resolution steps for names in mirrored zones: answered from the copy, referred to the "
       "iterator below a cut, or declined and asked upstream.", "result",
       {{"answered", Read<Z, &S::answered>}, {"referral", Read<Z, &S::referrals>},
        {"declined", Read<Z, &S::declined>}}},
  };
}

}  // namespace

std::vector<MetricDefinition> ResolutionMetrics() {
  std::vector<MetricDefinition> all;
  for (auto part : {PipelineMetrics(), CacheMetrics(), DnssecMetrics(), MirrorMetrics()}) {
    for (auto& definition : part) all.push_back(std::move(definition));
  }
  return all;
}

}  // namespace redoubt::resolver::metric_readers
