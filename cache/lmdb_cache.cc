#include "cache/lmdb_cache.h"

#include "cache/cache_key.h"


#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>

namespace redoubt::cache {
namespace {

constexpr char kFormatKey[] = "format";
constexpr char kTrustKey[] = "trust";
// Changes with entry.h's kEntryFormat, cache_key.h, or the databases in the environment.
constexpr char kFormat[] = "redoubt-cache-2";
// Format 1 kept an age index ("ages": stored time then key, for oldest-first eviction) beside
// the entries; format 2 has the same entries and no index, so a format-1 file is upgraded in
// place by dropping it (CheckVersion).
constexpr char kFormatWithAgeIndex[] = "redoubt-cache-1";

MDB_val Val(const std::string& s) { return {s.size(), const_cast<char*>(s.data())}; }
MDB_val Val(std::span<const uint8_t> v) { return {v.size(), const_cast<uint8_t*>(v.data())}; }
std::string Str(const MDB_val& v) { return {static_cast<const char*>(v.mv_data), v.mv_size}; }
std::span<const uint8_t> Span(const MDB_val& v) { return {static_cast<const uint8_t*>(v.mv_data), v.mv_size}; }

bool Alive(const CacheEntry& e, uint64_t now) { return now < e.stored + e.ttl; }

}  // namespace

// --- Reading -------------------------------------------------------------------------------

CacheReader::~CacheReader() {
  if (cursor_ != nullptr) mdb_cursor_close(cursor_);
  if (txn_ != nullptr) mdb_txn_abort(txn_);
}

MDB_txn* CacheReader::Begin() {
  int rc = txn_ == nullptr ? mdb_txn_begin(cache_.env_, nullptr, MDB_RDONLY, &txn_) : mdb_txn_renew(txn_);
  if (rc != 0) {
    if (cursor_ != nullptr) mdb_cursor_close(cursor_);
    cursor_ = nullptr;
    if (txn_ != nullptr) mdb_txn_abort(txn_);
    txn_ = nullptr;
  }
  return txn_;
}

MDB_cursor* CacheReader::Cursor(MDB_txn* txn) {
  // A read-only transaction's cursor outlives it and is renewed with the next one.
  int rc = cursor_ == nullptr ? mdb_cursor_open(txn, cache_.entries_, &cursor_) : mdb_cursor_renew(txn, cursor_);
  if (rc != 0 && cursor_ != nullptr) {
    mdb_cursor_close(cursor_);
    cursor_ = nullptr;
  }
  return cursor_;
}

std::optional<CacheEntry> CacheReader::Decode(std::string_view key, const MDB_val& value) {
  auto entry = DecodeEntry(Span(value));
  if (!entry) {
    cache_.QueueCorrupt(std::string(key));
    return std::nullopt;
  }
  return std::move(*entry);
}

void CacheReader::GetSorted(std::span<const std::string> keys, std::span<std::optional<CacheEntry>> found) {
  for (auto& entry : found) entry.reset();
  MDB_txn* txn = keys.empty() || keys.size() != found.size() ? nullptr : Begin();
  MDB_cursor* cursor = txn == nullptr ? nullptr : Cursor(txn);
  if (cursor == nullptr) {
    if (txn != nullptr) End();
    return;
  }
  MDB_val k = Val(keys[0]), v;
  size_t next = 0;  // keys[next] is the first not yet settled.
  int rc = mdb_cursor_get(cursor, &k, &v, MDB_SET_RANGE);
  for (size_t steps = 0; rc == 0 && next < keys.size(); ++steps) {
    std::string_view at(static_cast<const char*>(k.mv_data), k.mv_size);
    while (next < keys.size() && std::string_view(keys[next]) < at) ++next;  // Absent: passed by.
    if (next < keys.size() && keys[next] == at) found[next++] = Decode(at, v);
    if (next == keys.size() || steps == kMaxWalk) break;
    rc = mdb_cursor_get(cursor, &k, &v, MDB_NEXT);
  }
  for (; rc == 0 && next < keys.size(); ++next) {  // The walk went too far: one by one.
    MDB_val key = Val(keys[next]);
    if (mdb_get(txn, cache_.entries_, &key, &v) == 0) found[next] = Decode(keys[next], v);
  }
  End();
}

void CacheReader::End() {
  if (txn_ != nullptr) mdb_txn_reset(txn_);
}

std::optional<CacheEntry> CacheReader::Get(const std::string& key) {
  MDB_txn* txn = Begin();
  if (txn == nullptr) return std::nullopt;
  MDB_val k = Val(key), v;
  std::optional<CacheEntry> out;
  if (mdb_get(txn, cache_.entries_, &k, &v) == 0) out = Decode(key, v);
  End();
  return out;
}

std::optional<std::pair<std::string, CacheEntry>> CacheReader::GetAtOrBefore(const std::string& prefix,
                                                                             const std::string& key) {
  MDB_txn* txn = Begin();
  if (txn == nullptr) return std::nullopt;
  std::optional<std::pair<std::string, CacheEntry>> out;
  if (MDB_cursor* cursor = Cursor(txn)) {
    MDB_val k = Val(key), v;
    int rc = mdb_cursor_get(cursor, &k, &v, MDB_SET_RANGE);
    if (rc != 0 || Str(k) != key) rc = mdb_cursor_get(cursor, &k, &v, rc == 0 ? MDB_PREV : MDB_LAST);
    if (rc == 0 && Str(k).starts_with(prefix)) {
      if (auto entry = Decode(Str(k), v)) out.emplace(Str(k), std::move(*entry));
    }
  }
  End();
  return out;
}

// --- Opening -------------------------------------------------------------------------------

LmdbCache::LmdbCache(CacheOptions options, std::function<void(const std::string&)> log)
    : options_(std::move(options)), log_(std::move(log)) {}

Result<std::unique_ptr<LmdbCache>, std::string> LmdbCache::Open(
    const CacheOptions& options, std::function<void(const std::string&)> log) {
  std::error_code error;
  std::filesystem::create_directories(options.directory, error);
  if (error) return Unexpected<std::string>("cache directory " + options.directory + ": " + error.message());
  std::unique_ptr<LmdbCache> cache(new LmdbCache(options, log ? std::move(log) : [](const std::string&) {}));
  if (auto opened = cache->OpenEnvironment(true); !opened) return Unexpected<std::string>(opened.error());
  if (options.background_eviction) cache->evictor_ = std::thread([c = cache.get()] { c->EvictorLoop(); });
  return cache;
}

Result<void, std::string> LmdbCache::OpenEnvironment(bool retry_after_moving_aside) {
  auto fail = [&](const std::string& why) -> Result<void, std::string> {
    if (env_ != nullptr) mdb_env_close(env_);
    env_ = nullptr;
    if (!retry_after_moving_aside) return Unexpected<std::string>("cache " + options_.directory + ": " + why);
    MoveAside(why);
    return OpenEnvironment(false);
  };
  int rc = mdb_env_create(&env_);
  if (rc == 0) rc = mdb_env_set_maxdbs(env_, 4);
  if (rc == 0) rc = mdb_env_set_maxreaders(env_, 512);
  if (rc == 0) rc = mdb_env_set_mapsize(env_, options_.max_size);
  if (rc == 0) rc = mdb_env_open(env_, options_.directory.c_str(), MDB_NOSYNC | MDB_NOTLS | MDB_WRITEMAP, 0640);
  if (rc != 0) return fail(mdb_strerror(rc));
  int dead = 0;
  mdb_reader_check(env_, &dead);  // Reader slots left by a killed process.
  MDB_txn* txn = nullptr;
  rc = mdb_txn_begin(env_, nullptr, 0, &txn);
  if (rc == 0) rc = mdb_dbi_open(txn, "entries", MDB_CREATE, &entries_);
  if (rc == 0) rc = mdb_dbi_open(txn, "meta", MDB_CREATE, &meta_);
  if (rc == 0) rc = mdb_txn_commit(txn);
  else if (txn != nullptr) mdb_txn_abort(txn);
  if (rc != 0) return fail(mdb_strerror(rc));
  if (auto version = CheckVersion(); !version) return fail(version.error());
  ReadSize();
  return {};
}

Result<void, std::string> LmdbCache::CheckVersion() {
  MDB_txn* txn = nullptr;
  if (int rc = mdb_txn_begin(env_, nullptr, 0, &txn); rc != 0) return Unexpected<std::string>(mdb_strerror(rc));
  std::string key = kFormatKey, format = kFormat;
  MDB_val k = Val(key), v;
  int rc = mdb_get(txn, meta_, &k, &v);
  if (rc == 0 && Str(v) == kFormatWithAgeIndex) return UpgradeDroppingAgeIndex(txn);
  if (rc == 0 && Str(v) != format) {
    mdb_txn_abort(txn);
    return Unexpected<std::string>("written by another format (" + Str(v) + ", this is " + format + ")");
  }
  MDB_stat stat;
  mdb_stat(txn, entries_, &stat);
  if (rc == MDB_NOTFOUND && stat.ms_entries != 0) {
    mdb_txn_abort(txn);
    return Unexpected<std::string>("entries without a format key");
  }
  if (rc == MDB_NOTFOUND) {
    MDB_val value = Val(format);
    rc = mdb_put(txn, meta_, &k, &value, 0);
  }
  if (rc == 0 || rc == MDB_NOTFOUND) return mdb_txn_commit(txn) == 0 ? Result<void, std::string>{}
                                                                     : Unexpected<std::string>("commit failed");
  mdb_txn_abort(txn);
  return Unexpected<std::string>(mdb_strerror(rc));
}

Result<void, std::string> LmdbCache::UpgradeDroppingAgeIndex(MDB_txn* txn) {
  MDB_dbi ages = 0;
  int rc = mdb_dbi_open(txn, "ages", 0, &ages);
  if (rc == 0) rc = mdb_drop(txn, ages, 1);  // Its pages go to the free list; the name goes too.
  if (rc == MDB_NOTFOUND) rc = 0;
  std::string key = kFormatKey, format = kFormat;
  MDB_val k = Val(key), value = Val(format);
  if (rc == 0) rc = mdb_put(txn, meta_, &k, &value, 0);
  if (rc == 0) rc = mdb_txn_commit(txn);
  else mdb_txn_abort(txn);
  if (rc != 0) return Unexpected<std::string>(std::string("upgrading from ") + kFormatWithAgeIndex + ": " + mdb_strerror(rc));
  log_("cache " + options_.directory + " upgraded from " + kFormatWithAgeIndex + " to " + format +
       " (entries kept, age index dropped)");
  return {};
}

void LmdbCache::MoveAside(const std::string& why) {
  namespace fs = std::filesystem;
  std::error_code error;
  fs::path data = fs::path(options_.directory) / "data.mdb";
  fs::path aside = data;
  aside += ".bad-" + std::to_string(std::time(nullptr));
  fs::rename(data, aside, error);
  fs::remove(fs::path(options_.directory) / "lock.mdb", error);
  log_("cache " + data.string() + " " + why + "; moved aside to " + aside.string() + ", starting empty");
}

LmdbCache::~LmdbCache() {
  {
    std::lock_guard lock(evictor_mutex_);
    stopping_ = true;
  }
  evictor_wake_.notify_all();
  if (evictor_.joinable()) evictor_.join();
  if (env_ != nullptr) mdb_env_close(env_);
}

// --- Writing -------------------------------------------------------------------------------

int LmdbCache::WriteOnce(const WriteBatch& batch, uint64_t now) {
  MDB_txn* txn = nullptr;
  if (int rc = mdb_txn_begin(env_, nullptr, 0, &txn); rc != 0) return rc;
  int rc = 0;
  uint64_t written = 0, refused = 0;  // Counted only once the transaction commits.
  for (const auto& [key, entry] : batch.puts) {
    auto value = EncodeEntry(entry);
    if (!value) continue;
    if ((rc = PutRanked(txn, key, *value, entry.trust, now, written, refused)) != 0) break;
  }
  for (size_t i = 0; rc == 0 && i < batch.encoded.size(); ++i) {
    const auto& [key, entry] = batch.encoded[i];
    rc = PutRanked(txn, key, entry.value, entry.trust, now, written, refused);
  }
  if (rc == 0) rc = CommitWrite(txn);
  else mdb_txn_abort(txn);
  if (rc == 0) {
    stats_.writes += written;
    stats_.rank_refusals += refused;
  }
  return rc;
}

int LmdbCache::PutRanked(MDB_txn* txn, const std::string& key, std::span<const uint8_t> value,
                         dns::Trust trust, uint64_t now, uint64_t& written, uint64_t& refused) {
  MDB_val k = Val(key), v = Val(value);
  // One descent for a new key: MDB_NOOVERWRITE puts it, or hands back what is there.
  int rc = mdb_put(txn, entries_, &k, &v, MDB_NOOVERWRITE);
  if (rc == MDB_KEYEXIST) {
    auto existing = DecodeEntryHeader(Span(v));
    if (existing && Alive(*existing, now) && !dns::MayReplace(existing->trust, trust)) {
      ++refused;
      return 0;
    }
    v = Val(value);
    rc = mdb_put(txn, entries_, &k, &v, 0);
  }
  if (rc == 0) ++written;
  return rc;
}

void LmdbCache::Write(const WriteBatch& batch, uint64_t now) {
  if (batch.empty()) return;
  if (Usage() > options_.evict_inline_above) EvictDownTo(options_.evict_above);
  int rc = WriteOnce(batch, now);
  // LMDB reuses a freed page only once no reader can still see it, so while a reader stays on an
  // older snapshot (another worker's lookup, the evictor's usage check) the pages an eviction
  // freed may not serve the retry: a few rounds, not one.
  for (int round = 0; rc == MDB_MAP_FULL && round < kFullMapRounds; ++round) {
    ++stats_.map_full;
    if (!MakeRoomInFullMap()) break;
    rc = WriteOnce(batch, now);
  }
  if (rc != 0) ++stats_.dropped_writes;
  if ((stats_.writes.load() & 63) == 0) evictor_wake_.notify_one();
}

bool LmdbCache::MakeRoomInFullMap() {
  // Deleting needs copy-on-write pages too: when a large batch cannot commit, smaller ones may.
  for (size_t batch : {std::max<size_t>(256, EntryCount() / 10), size_t{32}, size_t{4}}) {
    if (Evict(batch) > 0) return true;
  }
  if (EntryCount() == 0) return false;
  // Full with few live pages: the free ones wait for a reader to leave an older snapshot, and a
  // flush could not help (it needs pages too). This write is dropped instead; later ones fit.
  if (Usage() < options_.evict_below) return false;
  // Not even eviction fits: the one case where everything goes.
  log_("cache full and eviction impossible; flushing it");
  size_t flushed = FlushAll();
  stats_.evicted += flushed;
  return flushed > 0;
}

void LmdbCache::EvictDownTo(double share) {
  // A delete copies every page it touches (a sweep's victims share pages, but a batch may still
  // touch one page per few entries). Batches are sized to the map's free pages.
  const double map_pages = static_cast<double>(options_.max_size) / 4096.0;
  for (double usage = Usage(); usage > share; usage = Usage()) {
    auto batch = static_cast<size_t>(std::clamp((1.0 - usage) * map_pages / 4.0, 4.0, 1000.0));
    if (Evict(batch) == 0) break;
  }
}

void LmdbCache::WriteRawForTest(const std::string& key, const std::vector<uint8_t>& value) {
  MDB_txn* txn = nullptr;
  if (mdb_txn_begin(env_, nullptr, 0, &txn) != 0) return;
  MDB_val k = Val(key), v = Val(value);
  if (mdb_put(txn, entries_, &k, &v, 0) == 0) {
    CommitWrite(txn);
  } else {
    mdb_txn_abort(txn);
  }
}

size_t LmdbCache::Evict(size_t count) {
  if (count == 0) return 0;
  MDB_txn* txn = nullptr;
  if (mdb_txn_begin(env_, nullptr, 0, &txn) != 0) return 0;
  // sweep_from_ is touched only inside a write transaction: LMDB's writer lock orders it.
  std::vector<EvictionCandidate> window = SweepWindow(txn, count * kSweepWindowPerVictim);
  std::vector<std::string> victims = ChooseVictims(std::move(window), count);
  size_t evicted = 0;
  for (const std::string& key : victims) {
    MDB_val k = Val(key);
    if (mdb_del(txn, entries_, &k, nullptr) == 0) ++evicted;
  }
  if (CommitWrite(txn) != 0) return 0;
  stats_.evicted += evicted;
  return evicted;
}

std::vector<EvictionCandidate> LmdbCache::SweepWindow(MDB_txn* txn, size_t size) {
  std::vector<EvictionCandidate> window;
  MDB_cursor* cursor = nullptr;
  if (mdb_cursor_open(txn, entries_, &cursor) != 0) return window;
  MDB_val k = Val(sweep_from_), v;
  // LMDB refuses an empty key: an empty sweep position (the start, or after the last key) means
  // the first entry; so does a position past the last key.
  bool mid_way = !sweep_from_.empty();
  int rc = mdb_cursor_get(cursor, &k, &v, mid_way ? MDB_SET_RANGE : MDB_FIRST);
  if (rc == MDB_NOTFOUND && mid_way) {
    mid_way = false;
    rc = mdb_cursor_get(cursor, &k, &v, MDB_FIRST);
  }
  std::string first;    // Where this window began...
  bool wrapped = false;  // ...and whether it went round past the last key: then it stops there.
  while (rc == 0 && window.size() < size) {
    std::string key = Str(k);
    if (wrapped && key >= first) break;
    if (window.empty()) first = key;
    auto header = DecodeEntryHeader(Span(v));
    // A damaged header counts as expired at 0: it goes before anything that could be served.
    window.push_back({std::move(key), header ? header->stored + header->ttl : 0});
    rc = mdb_cursor_get(cursor, &k, &v, MDB_NEXT);
    if (rc == MDB_NOTFOUND && mid_way && !wrapped) {
      wrapped = true;
      rc = mdb_cursor_get(cursor, &k, &v, MDB_FIRST);
    }
  }
  // The next sweep starts after the last entry looked at (or from the start, past the end).
  sweep_from_ = rc == 0 ? Str(k) : std::string();
  mdb_cursor_close(cursor);
  return window;
}

std::vector<std::string> ChooseVictims(std::vector<EvictionCandidate> window, size_t count) {
  count = std::min(count, window.size());
  size_t best = 0;  // Where the run of `count` with the smallest sum of expiries starts.
  if (count > 0) {
    uint64_t sum = 0, best_sum = 0;  // Expiries are below 2^34: a run of 2^20 cannot overflow.
    for (size_t i = 0; i < window.size(); ++i) {
      sum += window[i].expires;
      if (i >= count) sum -= window[i - count].expires;
      if (i + 1 < count) continue;
      if (i + 1 == count || sum < best_sum) {
        best_sum = sum;
        best = i + 1 - count;
      }
    }
  }
  std::vector<std::string> victims;
  victims.reserve(count);
  for (size_t i = best; i < best + count; ++i) victims.push_back(std::move(window[i].key));
  std::sort(victims.begin(), victims.end());  // A run that went round the last key is two runs.
  return victims;
}

// --- Flushing ------------------------------------------------------------------------------

size_t LmdbCache::DeletePrefix(const std::string& prefix,
                               const std::function<bool(const std::string&, std::span<const uint8_t>)>& keep) {
  MDB_txn* txn = nullptr;
  if (mdb_txn_begin(env_, nullptr, 0, &txn) != 0) return 0;
  MDB_cursor* cursor = nullptr;
  size_t removed = 0;
  if (mdb_cursor_open(txn, entries_, &cursor) == 0) {
    MDB_val k = Val(prefix), v;
    // LMDB refuses an empty key, so the empty prefix (every entry) starts at the first one.
    int rc = mdb_cursor_get(cursor, &k, &v, prefix.empty() ? MDB_FIRST : MDB_SET_RANGE);
    while (rc == 0 && Str(k).starts_with(prefix)) {
      std::string key = Str(k);
      if (!keep(key, Span(v))) {
        if (mdb_cursor_del(cursor, 0) != 0) break;
        ++removed;
        rc = mdb_cursor_get(cursor, &k, &v, MDB_GET_CURRENT);
        if (rc == 0) continue;
      }
      rc = mdb_cursor_get(cursor, &k, &v, MDB_NEXT);
    }
    mdb_cursor_close(cursor);
  }
  size_t result = CommitWrite(txn) == 0 ? removed : 0;
  generation_.fetch_add(1, std::memory_order_acq_rel);  // After the commit (generation()).
  return result;
}

size_t LmdbCache::FlushName(const dns::Name& name) {
  std::string prefix = NameKeyPrefix(name);
  // CACHE_KEY_LAYOUT: after the name's prefix, 'E' and 'X' are the name's own entries.
  return DeletePrefix(prefix, [&](const std::string& key, std::span<const uint8_t>) {
    return key.size() <= prefix.size() || (key[prefix.size()] != 'E' && key[prefix.size()] != 'X');
  });
}

size_t LmdbCache::FlushSubtree(const dns::Name& name) {
  return DeletePrefix(name.LookupKey(), [](const std::string&, std::span<const uint8_t>) { return false; });
}

size_t LmdbCache::FlushWhere(const std::function<bool(const CacheEntry& header)>& drop) {
  return DeletePrefix("", [&](const std::string&, std::span<const uint8_t> value) {
    auto header = DecodeEntryHeader(value);
    return header && !drop(*header);
  });
}

void LmdbCache::ForEach(const std::function<bool(std::string_view key, const CacheEntry& entry)>& visit) {
  MDB_txn* txn = nullptr;
  if (mdb_txn_begin(env_, nullptr, MDB_RDONLY, &txn) != 0) return;
  MDB_cursor* cursor = nullptr;
  if (mdb_cursor_open(txn, entries_, &cursor) == 0) {
    MDB_val k, v;
    for (int rc = mdb_cursor_get(cursor, &k, &v, MDB_FIRST); rc == 0; rc = mdb_cursor_get(cursor, &k, &v, MDB_NEXT)) {
      auto entry = DecodeEntry(Span(v));
      if (entry && !visit(std::string_view(static_cast<const char*>(k.mv_data), k.mv_size), *entry)) break;
    }
    mdb_cursor_close(cursor);
  }
  mdb_txn_abort(txn);
}

size_t LmdbCache::FlushAll() {
  size_t before = EntryCount();
  MDB_txn* txn = nullptr;
  if (mdb_txn_begin(env_, nullptr, 0, &txn) != 0) return 0;
  mdb_drop(txn, entries_, 0);
  size_t result = CommitWrite(txn) == 0 ? before : 0;
  generation_.fetch_add(1, std::memory_order_acq_rel);  // After the commit (generation()).
  return result;
}

size_t LmdbCache::AdoptTrustFingerprint(const std::string& fingerprint) {
  MDB_txn* txn = nullptr;
  if (mdb_txn_begin(env_, nullptr, 0, &txn) != 0) return 0;
  std::string key = kTrustKey;
  MDB_val k = Val(key), v;
  int rc = mdb_get(txn, meta_, &k, &v);
  bool same = rc == 0 && Str(v) == fingerprint;
  mdb_txn_abort(txn);
  if (same) return 0;
  size_t dropped = FlushAll();  // Also a cache from before fingerprints: validated by nobody.
  RecordTrustFingerprint(fingerprint);
  return dropped;
}

bool LmdbCache::RecordTrustFingerprint(const std::string& fingerprint) {
  MDB_txn* txn = nullptr;
  if (mdb_txn_begin(env_, nullptr, 0, &txn) != 0) return false;
  std::string key = kTrustKey;
  MDB_val k = Val(key), value = Val(fingerprint);
  if (mdb_put(txn, meta_, &k, &value, 0) != 0) {
    mdb_txn_abort(txn);
    return false;
  }
  return mdb_txn_commit(txn) == 0;
}

// --- Housekeeping --------------------------------------------------------------------------

int LmdbCache::CommitWrite(MDB_txn* txn) {
  MDB_stat stat{};
  if (mdb_stat(txn, entries_, &stat) == 0) Record(stat);  // Under the writer lock: in order.
  int rc = mdb_txn_commit(txn);
  if (rc != 0) ReadSize();  // The transaction's figures never happened.
  return rc;
}

void LmdbCache::Record(const MDB_stat& stat) {
  uint64_t pages = stat.ms_branch_pages + stat.ms_leaf_pages + stat.ms_overflow_pages;
  used_bytes_.store(pages * stat.ms_psize, std::memory_order_relaxed);
  entry_count_.store(stat.ms_entries, std::memory_order_relaxed);
}

void LmdbCache::ReadSize() {
  MDB_txn* txn = nullptr;
  if (mdb_txn_begin(env_, nullptr, MDB_RDONLY, &txn) != 0) return;
  MDB_stat stat{};
  if (mdb_stat(txn, entries_, &stat) == 0) Record(stat);
  mdb_txn_abort(txn);
}

size_t LmdbCache::EntryCount() const { return entry_count_.load(std::memory_order_relaxed); }

uint64_t LmdbCache::UsedBytes() const { return used_bytes_.load(std::memory_order_relaxed); }

double LmdbCache::Usage() const {
  return static_cast<double>(UsedBytes()) / static_cast<double>(options_.max_size);
}

void LmdbCache::QueueCorrupt(const std::string& key) {
  ++stats_.corrupt;
  std::lock_guard lock(corrupt_mutex_);
  if (corrupt_keys_.size() < 1024) corrupt_keys_.push_back(key);
  evictor_wake_.notify_one();
}

void LmdbCache::EvictorLoop() {
  std::unique_lock lock(evictor_mutex_);
  while (!stopping_) {
    evictor_wake_.wait_for(lock, std::chrono::seconds(1));
    if (stopping_) break;
    lock.unlock();
    std::vector<std::string> corrupt;
    {
      std::lock_guard guard(corrupt_mutex_);
      corrupt.swap(corrupt_keys_);
    }
    for (const std::string& key : corrupt) DeletePrefix(key, [&](const std::string& k, std::span<const uint8_t>) { return k != key; });
    if (Usage() > options_.evict_above) EvictDownTo(options_.evict_below);
    lock.lock();
  }
}

}  // namespace redoubt::cache
