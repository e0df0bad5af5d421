// A worker's packet cache (issue #17): the replies it built for cacheable client queries, kept
// as wire bytes and handed out again without parsing the query into objects, reading LMDB,
// decoding RRsets or building a message. Like PowerDNS Recursor's packet cache and Unbound's
// message cache, it sits in front of the answer cache (LMDB) and follows it: an entry lives no
// longer than the smallest TTL in it (counted down on the way out, RFC 1035 section 3.2.1), and
// every flush of LMDB (control CLI, negative trust anchors, trust changes) makes every entry
// stored before it unusable (cache::LmdbCache::generation). A reload or a change of trust
// anchors builds a new engine, and with it an empty packet cache.
//
// Only plain queries qualify (ParseCacheableQuery): one question of class IN, RD set, no
// answer or authority records, at most an OPT record of version 0 without options (so no
// CHECKSUM, cookie or padding option, which make a reply per query). The key is the question
// name in lower case, the type, and the bits that change the reply: DO, CD, AD and whether EDNS
// was there. Everything else a reply depends on is the same for every client of one engine.
//
// The responder offers only replies the answer cache gave (no upstream query for them):
// admission on second use, so names asked once never displace hot entries.
//
// Single-threaded: one per worker engine, used on its loop thread.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "net/base/counter.h"

namespace redoubt::resolver {

// A query the packet cache may answer, as ParseCacheableQuery read it.
struct CacheableQuery {
  static constexpr size_t kMaxKey = 255 + 2 + 1;  // Name (RFC 1035 section 3.1), type, flags.
  std::array<char, kMaxKey> key;  // Only the first key_size octets are set or read.
  uint16_t key_size = 0;
  uint16_t qname_size = 0;  // Wire octets of the question name, at offset 12.
  // The largest UDP reply this client may get (RFC 6891 section 6.2.5, RFC 1035 section 4.2.1):
  // 512 without EDNS, else its size clamped to [512, ours].
  size_t udp_limit = 512;
  std::string_view Key() const noexcept { return {key.data(), key_size}; }
};

// Reads `query` (RFC 1035 section 4.1) when it is a plain query (see the file comment) and
// nullopt otherwise, without allocating; the responder's full path handles everything that is
// not, errors included. `our_udp_size` is the EDNS buffer redoubt offers (ReplyLimit's bound).
// The checks: QR 0, opcode QUERY, RD 1, TC 0, RCODE 0; counts 1/0/0 and 0 or 1 additional;
// the name uncompressed, labels of 1 to 63 octets, at most 255 octets; class IN; not a meta or
// transaction type (OPT, TKEY, TSIG, IXFR, AXFR, MAILB, MAILA, ANY) nor RRSIG; an OPT record
// owned by the root with extended RCODE 0, version 0 and no RDATA; nothing after it.
std::optional<CacheableQuery> ParseCacheableQuery(std::span<const uint8_t> query, uint16_t our_udp_size) noexcept;

// The offsets of the TTL field of every record of `reply` but OPT (RFC 6891 section 6.1.3 keeps
// flags there), walking its sections; nullopt when it does not walk to its end exactly (names
// may be compressed, RFC 1035 section 4.1.4).
std::optional<std::vector<uint16_t>> ReplyTtlOffsets(std::span<const uint8_t> reply);

struct PacketCacheStats {
  Counter hits;
  Counter misses;     // Cacheable queries not answered from it (absent, expired, flushed).
  Counter inserts;
  Counter evictions;  // Entries dropped to stay within the size.
};

class PacketCache {
 public:
  // `max_bytes` bounds the replies, keys and bookkeeping held (0: keeps nothing). `stats` may
  // be null.
  PacketCache(size_t max_bytes, PacketCacheStats* stats);
  ~PacketCache();
  PacketCache(const PacketCache&) = delete;
  PacketCache& operator=(const PacketCache&) = delete;

  // A hit writes into `out` (reused: no allocation once it is large enough) the stored reply
  // with the query's ID and question name octets (so its 0x20 case is echoed, as the full path
  // does) and every TTL lowered by the whole seconds since it was stored. A miss when absent,
  // expired at `now_ms` (a monotonic clock), stored under another `generation`
  // (cache::LmdbCache::generation), or, over UDP (`tcp` false), larger than query.udp_limit.
  bool Lookup(const CacheableQuery& query, std::span<const uint8_t> query_bytes, bool tcp, int64_t now_ms,
              uint64_t generation, std::vector<uint8_t>& out);
  // Keeps `reply`, a complete (not truncated) reply built for `query`, until its smallest TTL
  // has run out; `generation` is the value read before the answer was looked up or resolved.
  // Replies without a record with a TTL above 0, or that do not walk (ReplyTtlOffsets), are not
  // kept. The least recently used entries go to make room. One heap block per entry.
  void Insert(const CacheableQuery& query, std::span<const uint8_t> reply, int64_t now_ms, uint64_t generation);

  size_t size() const noexcept { return count_; }
  // What the entries cost against max_bytes: their blocks and their share of the table.
  size_t bytes() const noexcept { return bytes_; }

 private:
  struct Entry;  // One block: bookkeeping, the TTLs, their offsets, the key, the reply.

  // The slot of the entry with `key` (hashed to `hash`), else of the empty slot ending its run.
  size_t Find(std::string_view key, size_t hash) const noexcept;
  void Erase(size_t slot) noexcept;
  void Grow();
  void Unlink(Entry* entry) noexcept;
  void LinkNewest(Entry* entry) noexcept;

  size_t max_bytes_;
  PacketCacheStats* stats_;
  PacketCacheStats own_stats_;
  // Open addressing with linear probing, at most half full; deletion shifts back (no
  // tombstones). Each slot holds an entry (null when empty) and its key's hash, so a probe
  // touches the entry only when the hashes match.
  struct Slot {
    size_t hash = 0;
    Entry* entry = nullptr;
  };
  std::vector<Slot> slots_;
  size_t count_ = 0;
  Entry* newest_ = nullptr;  // The recency list, most recently used first.
  Entry* oldest_ = nullptr;
  std::vector<uint16_t> offsets_scratch_;  // Insert's TTL offsets, reused.
  size_t bytes_ = 0;
};

// As ReplyTtlOffsets, into `offsets` (cleared first, reused); false when it does not walk.
bool ReplyTtlOffsetsInto(std::span<const uint8_t> reply, std::vector<uint16_t>& offsets);

}  // namespace redoubt::resolver
