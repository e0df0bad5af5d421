// redoubt's persistent cache: one LMDB environment shared by every worker thread and kept across
// restarts (design guide section 5). Keys: cache_key.h; values: entry.h; TTLs: ttl_policy.h.
//
// - Reads go through a CacheReader, one per worker, whose read transaction is reset after each
//   lookup and renewed for the next (LMDB's cheap path); nothing is held across a co_await.
// - Writes: one write transaction per WriteBatch (a worker's loop turn of resolved queries:
//   LmdbAnswerStore::DeferWrites). Lower-ranked data never replaces higher-ranked data that
//   is still alive (RFC 2181 section 5.4.1).
// - Bounded: the map size is the configured maximum. A background thread evicts when live pages
//   pass 75% of the map, down to 60%; a writer that finds the map past 85% evicts itself first,
//   and a write that still meets MDB_MAP_FULL evicts a batch and retries, up to kFullMapRounds
//   times, and is dropped (counted) if it still does not fit. Clients never see an error because the cache is full.
// - Eviction sweeps the entries in key order, like a clock hand: each batch reads the next
//   window of kSweepWindowPerVictim entries per victim after where the last one stopped, and
//   deletes the run of consecutive entries in it that expires first (smallest sum of expiry
//   times, so expired and damaged entries pull the run to them; ChooseVictims). A run, because
//   LMDB frees a page only when it empties or merges below a quarter full, and eviction stops
//   on live pages. No index is kept, so a write is one B-tree insert, not two (format 1 kept an
//   age index, whose insert cost as much as the entry's). The cost: the choice is the best run
//   of a window, not the oldest entry of the cache. Measured, 60,000 random names with random
//   TTLs through a 4 MiB map: 11,689 entries kept against 4,707 with the index; names written
//   in key order (the lab's h0..h19999 through 1 MiB): 2,957 against 5,005.
#pragma once

#include <lmdb.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "cache/entry.h"
#include "net/base/result.h"

namespace redoubt::cache {

struct CacheOptions {
  std::string directory;
  uint64_t max_size = 512ull << 20;  // The LMDB map size: the cache never grows past it.
  double evict_above = 0.75;         // Background eviction starts above this share of the map...
  double evict_below = 0.60;         // ...and stops below this one.
  double evict_inline_above = 0.85;  // A writer that finds the map this full evicts before writing,
                                     // so a starved background thread never lets the map fill
                                     // (LMDB's own pages need the rest: metas, free list).
  bool background_eviction = true;   // Off only in tests that prove the inline path alone.
};

struct CacheStats {
  std::atomic<uint64_t> hits{0}, misses{0}, writes{0}, rank_refusals{0}, corrupt{0};
  std::atomic<uint64_t> evicted{0}, map_full{0}, dropped_writes{0};
};

class LmdbCache;

// A worker's read handle: one reusable read transaction (mdb_txn_reset/renew). Not thread-safe;
// must be destroyed before the cache.
class CacheReader {
 public:
  explicit CacheReader(LmdbCache& cache) : cache_(cache) {}
  ~CacheReader();
  CacheReader(const CacheReader&) = delete;
  CacheReader& operator=(const CacheReader&) = delete;

  // The entry at `key`, or nothing (absent, or damaged: then it is counted and queued for
  // deletion). Does not look at TTLs.
  std::optional<CacheEntry> Get(const std::string& key);
  // The last entry whose key is at or before `key` and starts with `prefix` (NSEC and NSEC3
  // lookups, RFC 8198), with its key.
  std::optional<std::pair<std::string, CacheEntry>> GetAtOrBefore(const std::string& prefix,
                                                                  const std::string& key);
  // The entries at `keys` (ascending, distinct: keys of one name, CACHE_KEY_LAYOUT, lie next
  // to each other) into `found` (same size; nothing where absent or damaged), in one read
  // transaction and one descent of the tree: the cursor walks forward from the first key, and
  // looks up the rest one by one only when more than kMaxWalk other entries lie between.
  void GetSorted(std::span<const std::string> keys, std::span<std::optional<CacheEntry>> found);
  static constexpr size_t kMaxWalk = 16;

 private:
  MDB_txn* Begin();
  void End();
  // `txn_`'s cursor on the entries, kept across transactions (mdb_cursor_renew).
  MDB_cursor* Cursor(MDB_txn* txn);
  // The entry in `value` (read at `key`), or nothing when damaged: then counted and queued for deletion.
  std::optional<CacheEntry> Decode(std::string_view key, const MDB_val& value);
  LmdbCache& cache_;
  MDB_txn* txn_ = nullptr;
  MDB_cursor* cursor_ = nullptr;
};

// An entry the evictor looked at: its key and when it expires (stored + ttl; 0 when its header
// is damaged).
struct EvictionCandidate {
  std::string key;
  uint64_t expires = 0;
};

// The keys of the run of `count` consecutive entries of `window` (in sweep order) whose
// expiries add up to the least (the first such run on a tie), in key order; all of `window`
// when it is no longer than `count`. The eviction rule, a pure function (lmdb_cache_test.cc: its
// truth table).
std::vector<std::string> ChooseVictims(std::vector<EvictionCandidate> window, size_t count);

// Entries looked at per entry evicted: each batch picks the best run of one in eight.
inline constexpr size_t kSweepWindowPerVictim = 8;

// Rounds of "evict, then write again" a write batch that meets MDB_MAP_FULL gets before it is
// dropped (each round: MakeRoomInFullMap, which may itself try three batch sizes).
inline constexpr int kFullMapRounds = 3;

// Entries to write together, in one transaction: `puts` are encoded by the write, `encoded`
// were encoded by their producer (the answer store encodes an answer's RRsets when it is stored,
// without copying them); both are ranked and written alike.
struct WriteBatch {
  std::vector<std::pair<std::string, CacheEntry>> puts;
  std::vector<std::pair<std::string, EncodedEntry>> encoded;
  bool empty() const noexcept { return puts.empty() && encoded.empty(); }
};

class LmdbCache {
 public:
  // Opens (or creates) the cache in options.directory. `log` gets one line per notable event
  // (a damaged or incompatible file moved aside). Fails with a reason when the directory cannot
  // be used at all.
  static Result<std::unique_ptr<LmdbCache>, std::string> Open(const CacheOptions& options,
                                                              std::function<void(const std::string&)> log);
  ~LmdbCache();
  LmdbCache(const LmdbCache&) = delete;
  LmdbCache& operator=(const LmdbCache&) = delete;

  // Writes the batch: each entry replaces what is at its key unless that is alive (at `now`) and
  // of higher trust. Never fails for lack of room: evicts, retries once, then drops the batch.
  void Write(const WriteBatch& batch, uint64_t now);

  // Flushes (for the control CLI): the entries of one name, a name and everything below it
  // (including zones' NSEC records), or everything. Return the number of entries removed.
  size_t FlushName(const dns::Name& name);
  size_t FlushSubtree(const dns::Name& name);
  size_t FlushAll();
  // Flushes each entry for which `drop` holds, judged on its header alone (no RRsets decoded):
  // the control CLI's flush-negative (docs/control.md). An entry whose header is damaged goes
  // too. Returns the number of entries removed.
  size_t FlushWhere(const std::function<bool(const CacheEntry& header)>& drop);
  // Calls `visit` with each entry that decodes and its key (cache_key.h), in key order, inside
  // one read transaction (a snapshot; writers go on meanwhile), until it returns false: the
  // control CLI's dump-cache.
  void ForEach(const std::function<bool(std::string_view key, const CacheEntry& entry)>& visit);

  // The cache must not outlive its trust (issue #12): `fingerprint` names what validation
  // statuses depend on (trust anchors, negative anchors, forward zones, validation on or off).
  // When the environment was written under another fingerprint, every entry is dropped; the
  // new fingerprint is recorded either way. Returns the number of entries dropped.
  size_t AdoptTrustFingerprint(const std::string& fingerprint);
  // Records `fingerprint` without dropping anything: for a caller that has already flushed what
  // the change of trust made wrong (a reload, resolver/daemon/reloader.h). False when it could
  // not be written (the next start then finds the old one and drops everything).
  bool RecordTrustFingerprint(const std::string& fingerprint);

  // Grows by one after every flush above (and a dropping AdoptTrustFingerprint) has committed:
  // what a copy of cached answers kept elsewhere (the workers' packet caches,
  // resolver/server/packet_cache.h) compares with the value it read before it looked in the
  // cache, to know that a flush may have removed what it holds. Thread-safe, lock-free.
  uint64_t generation() const noexcept { return generation_.load(std::memory_order_acquire); }

  // Stores raw octets at `key`, bypassing encoding and ranks: for tests that damage a value.
  void WriteRawForTest(const std::string& key, const std::vector<uint8_t>& value);

  // Removes up to `count` entries, those that expire first in the sweep's next window (see
  // the top of this file); returns how many went.
  size_t Evict(size_t count);
  // Live pages as a share of the map (what eviction watches).
  double Usage() const;
  // Those live pages in bytes (the entries' B-tree; not LMDB's free list), and the entries,
  // as this process's last write transaction left them. Any thread may ask; no reader is
  // opened, so asking never pins a snapshot whose freed pages a writer is waiting for.
  uint64_t UsedBytes() const;
  size_t EntryCount() const;
  const CacheStats& stats() const { return stats_; }
  const CacheOptions& options() const { return options_; }

 private:
  friend class CacheReader;
  LmdbCache(CacheOptions options, std::function<void(const std::string&)> log);
  Result<void, std::string> OpenEnvironment(bool retry_after_moving_aside);
  Result<void, std::string> CheckVersion();
  // Drops format 1's age index and records format 2, in `txn` (committed or aborted here).
  Result<void, std::string> UpgradeDroppingAgeIndex(MDB_txn* txn);
  // The next `size` entries from sweep_from_, going round past the last key at most once
  // (never looking at an entry twice); moves sweep_from_ past them. Inside a write transaction.
  std::vector<EvictionCandidate> SweepWindow(MDB_txn* txn, size_t size);
  // After MDB_MAP_FULL: evicts in ever smaller batches, flushing everything
  // only if not even 4 entries can be deleted; false when nothing could be freed.
  bool MakeRoomInFullMap();
  // Evicts until live pages are at most `share` of the map.
  void EvictDownTo(double share);
  void MoveAside(const std::string& why);
  int WriteOnce(const WriteBatch& batch, uint64_t now);
  // One put of WriteOnce: `value` at `key` unless a live entry there outranks `trust`
  // (then counted in `refused`); an LMDB error code, 0 otherwise.
  int PutRanked(MDB_txn* txn, const std::string& key, std::span<const uint8_t> value, dns::Trust trust,
                uint64_t now, uint64_t& written, uint64_t& refused);
  // Commits a write transaction, recording the entries' size from inside it (UsedBytes).
  int CommitWrite(MDB_txn* txn);
  void Record(const MDB_stat& stat);
  void ReadSize();  // The same from a read transaction: at open, and after a failed commit.
  // Deletes the entries under `prefix` that `keep` (given the key and the value) rejects.
  size_t DeletePrefix(const std::string& prefix,
                      const std::function<bool(const std::string&, std::span<const uint8_t>)>& keep);
  void QueueCorrupt(const std::string& key);
  void EvictorLoop();

  CacheOptions options_;
  std::function<void(const std::string&)> log_;
  MDB_env* env_ = nullptr;
  MDB_dbi entries_ = 0, meta_ = 0;
  std::string sweep_from_;  // Where the next eviction window starts (empty: the first key).
  CacheStats stats_;
  std::mutex corrupt_mutex_;
  std::vector<std::string> corrupt_keys_;
  std::mutex evictor_mutex_;
  std::condition_variable evictor_wake_;
  bool stopping_ = false;
  std::thread evictor_;
  std::atomic<uint64_t> generation_{0};  // generation(); bumped after each flush commits.
  std::atomic<uint64_t> used_bytes_{0}, entry_count_{0};  // UsedBytes(), EntryCount().
};

}  // namespace redoubt::cache
