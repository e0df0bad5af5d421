// The iterator's AnswerStore over the shared LMDB cache (cache/): what a resolved question
// leaves behind, and what a later question finds. One per worker, with the worker's own
// CacheReader (a reused read transaction).
//
// Stored per resolution (one write transaction; with DeferWrites, one for all the resolutions
// of a loop turn, the worker calling WritePending at the turn's end): every RRset of the answer under its owner and
// type (CNAME and DNAME chains included, so other questions reuse them), then
//   - NODATA (RFC 2308 section 2.2): a negative entry at the final name and the asked type, with
//     the SOA (and any proofs) of the authority section;
//   - NXDOMAIN (RFC 2308 section 2.1): a negative entry at the final name;
//   - with either, every NSEC and NSEC3 of the authority section again under its zone (the
//     SOA's owner), each with the SOA beside it, so the one covering a name can be found by a
//     range lookup (RFC 8198, once validated). Such an entry lives min(negative TTL, the
//     record's own TTL and signature bounds) (RFC 9077 section 3);
//   - SERVFAIL: nothing.
// TTLs come from cache/ttl_policy.h (signature original TTL and expiry, configured bounds,
// RFC 2308 for negative entries) and count down on every lookup. A lookup follows cached
// CNAMEs (up to 11 hops, security.md section 5) and answers only when the whole chain is there.
// Answer owner names equal to the question take the question's letter case.
// Serve-stale (RFC 8767): LookupStale finds entries expired less than the configured window
// ago, with a TTL of 30 s (RFC 8767 section 4), for when resolution has failed.
#pragma once

#include <array>
#include <atomic>
#include <optional>
#include <string>
#include <unordered_map>

#include "cache/lmdb_cache.h"
#include "cache/ttl_policy.h"
#include "net/base/clock.h"
#include "net/base/counter.h"
#include "resolver/query/answer_store.h"

namespace redoubt::resolver {

struct AnswerStoreStats {
  Counter hits;
  Counter misses;
  Counter stale_served;
  Counter stored;
};

class LmdbAnswerStore final : public AnswerStore {
 public:
  LmdbAnswerStore(cache::LmdbCache& cache, const Clock& clock, cache::TtlBounds bounds,
                  AnswerStoreStats* stats);
  std::optional<Resolution> Lookup(const dns::Question& question) override;
  std::optional<Resolution> LookupStale(const dns::Question& question) override;
  void Store(const dns::Question& question, const Resolution& resolution) override;
  // AnswerStore: the entries of deferred Stores wait in one batch (Lookup sees them where LMDB
  // has nothing usable) until WritePending writes them in one transaction. A waiting batch is
  // dropped, not written, when the cache was flushed meanwhile (LmdbCache::generation), as a
  // flush must not be undone by data resolved before it. More than kMaxPending entries are
  // written at once.
  void DeferWrites(bool on) override;
  void WritePending() override;

  static constexpr size_t kMaxPending = 512;

  // AnswerStore: the NSEC/NSEC3 entries a negative answer left under its zone, with their SOA.
  std::optional<CachedDenial> NsecAtOrBefore(const dns::Name& zone, const dns::Name& name) override;
  std::optional<CachedDenial> Nsec3AtOrBefore(const dns::Name& zone, std::span<const uint8_t> hash) override;

 private:
  std::optional<CachedDenial> LiveAtOrBefore(const std::string& prefix, const std::string& key);
  void AddProofs(const Resolution& resolution, const dns::RRset& soa, const cache::CacheEntry& negative,
                 uint64_t now, cache::WriteBatch& batch);
  void AddNegative(const dns::Question& question, const Resolution& resolution,
                   const dns::Name& final_name, uint64_t now, cache::WriteBatch& batch);
  std::optional<Resolution> Find(const dns::Question& question, bool stale);
  // The entry at `key` if it may be served at `now` (alive, or within the stale window).
  // `entry` (read from LMDB at `key`) or the pending one at `key` when LMDB has nothing alive,
  // if alive at `now` (or, with `stale`, within the serve-stale window).
  std::optional<cache::CacheEntry> Usable(const std::string& key, std::optional<cache::CacheEntry> entry, uint64_t now,
                                          bool stale) const;
  // A name's data entry for `qtype`, its NXDOMAIN entry and (with `with_cname`) its CNAME
  // entry, read together (CacheReader::GetSorted); the indexes say which is which.
  struct NameEntries {
    std::array<std::string, 3> keys;
    std::array<std::optional<cache::CacheEntry>, 3> entries;
    size_t data = 0, nxdomain = 0, cname = 0;
  };
  NameEntries ReadName(const dns::Name& name, dns::RrType qtype, bool with_cname);

  // The waiting entry at `key`, if any (the latest stored), decoded from the batch's octets.
  std::optional<cache::CacheEntry> PendingEntry(const std::string& key) const;

  cache::LmdbCache& cache_;
  cache::CacheReader reader_;
  bool defer_ = false;
  cache::WriteBatch pending_;
  std::unordered_map<std::string, size_t> pending_index_;  // Key -> its latest entry in pending_.
  uint64_t pending_generation_ = 0;  // cache_.generation() when the first waiting entry came.
  const Clock& clock_;
  cache::TtlBounds bounds_;
  AnswerStoreStats* stats_;
};

}  // namespace redoubt::resolver
