#include "resolver/server/packet_cache.h"

#include <algorithm>
#include <functional>
#include <new>
#include <utility>

namespace redoubt::resolver {
namespace {

constexpr size_t kHeaderSize = 12;
constexpr uint16_t kTypeOpt = 41;
constexpr uint16_t kTypeRrsig = 46;
constexpr uint16_t kClassIn = 1;
constexpr uint16_t kFirstMetaType = 128;  // RFC 6895 section 3.1: 128-255 are meta/q types.
constexpr uint16_t kLastMetaType = 255;

uint16_t Read16(std::span<const uint8_t> bytes, size_t at) noexcept {
  return static_cast<uint16_t>(bytes[at] << 8 | bytes[at + 1]);
}

uint32_t Read32(std::span<const uint8_t> bytes, size_t at) noexcept {
  return static_cast<uint32_t>(bytes[at]) << 24 | static_cast<uint32_t>(bytes[at + 1]) << 16 |
         static_cast<uint32_t>(bytes[at + 2]) << 8 | bytes[at + 3];
}

void Write32(std::vector<uint8_t>& bytes, size_t at, uint32_t value) noexcept {
  bytes[at] = static_cast<uint8_t>(value >> 24);
  bytes[at + 1] = static_cast<uint8_t>(value >> 16);
  bytes[at + 2] = static_cast<uint8_t>(value >> 8);
  bytes[at + 3] = static_cast<uint8_t>(value);
}

// The header checks of ParseCacheableQuery; the flags byte of the key (DO is set later).
std::optional<uint8_t> PlainHeader(std::span<const uint8_t> q) noexcept {
  uint8_t b2 = q[2], b3 = q[3];
  bool qr = (b2 & 0x80) != 0, tc = (b2 & 0x02) != 0, rd = (b2 & 0x01) != 0;
  uint8_t opcode = (b2 >> 3) & 0x0F, rcode = b3 & 0x0F;
  if (qr || opcode != 0 || tc || !rd || rcode != 0) return std::nullopt;
  if (Read16(q, 4) != 1 || Read16(q, 6) != 0 || Read16(q, 8) != 0 || Read16(q, 10) > 1) return std::nullopt;
  bool ad = (b3 & 0x20) != 0, cd = (b3 & 0x10) != 0;
  return static_cast<uint8_t>((cd ? 0x02 : 0) | (ad ? 0x04 : 0));
}

// Skips a possibly compressed name at `at`; the offset after it, or nullopt.
std::optional<size_t> SkipName(std::span<const uint8_t> m, size_t at) noexcept {
  for (size_t labels = 0; labels < 128; ++labels) {
    if (at >= m.size()) return std::nullopt;
    uint8_t length = m[at];
    if (length == 0) return at + 1;
    if ((length & 0xC0) == 0xC0) return at + 2 <= m.size() ? std::optional<size_t>(at + 2) : std::nullopt;
    if ((length & 0xC0) != 0) return std::nullopt;
    at += 1 + length;
  }
  return std::nullopt;
}

}  // namespace

std::optional<CacheableQuery> ParseCacheableQuery(std::span<const uint8_t> q, uint16_t our_udp_size) noexcept {
  if (q.size() < kHeaderSize + 5) return std::nullopt;
  std::optional<uint8_t> flags = PlainHeader(q);
  if (!flags) return std::nullopt;
  CacheableQuery query;
  size_t at = kHeaderSize, key = 0;
  while (true) {  // The name, lower-cased into the key (RFC 4343).
    if (at >= q.size()) return std::nullopt;
    uint8_t length = q[at];
    if (length > 63 || at - kHeaderSize + 1 + length > 255 || at + 1 + length > q.size()) return std::nullopt;
    query.key[key++] = static_cast<char>(length);
    for (size_t i = 1; i <= length; ++i) {
      uint8_t c = q[at + i];
      query.key[key++] = static_cast<char>(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
    }
    at += 1 + length;
    if (length == 0) break;
  }
  query.qname_size = static_cast<uint16_t>(at - kHeaderSize);
  if (at + 4 > q.size()) return std::nullopt;
  uint16_t qtype = Read16(q, at), qclass = Read16(q, at + 2);
  at += 4;
  if (qclass != kClassIn || qtype == 0 || qtype == kTypeOpt || qtype == kTypeRrsig ||
      (qtype >= kFirstMetaType && qtype <= kLastMetaType)) {
    return std::nullopt;
  }
  query.key[key++] = static_cast<char>(qtype >> 8);
  query.key[key++] = static_cast<char>(qtype & 0xFF);
  uint8_t key_flags = *flags;
  if (Read16(q, 10) == 1) {  // The OPT record (RFC 6891 section 6.1.2), owned by the root.
    if (at + 11 != q.size() || q[at] != 0 || Read16(q, at + 1) != kTypeOpt) return std::nullopt;
    uint16_t udp_size = Read16(q, at + 3);
    uint8_t extended_rcode = q[at + 5], version = q[at + 6];
    bool dnssec_ok = (q[at + 7] & 0x80) != 0;
    if (extended_rcode != 0 || version != 0 || Read16(q, at + 9) != 0) return std::nullopt;
    key_flags |= 0x08 | (dnssec_ok ? 0x01 : 0);
    query.udp_limit = std::clamp<size_t>(udp_size, 512, std::max<size_t>(our_udp_size, 512));
  } else if (at != q.size()) {
    return std::nullopt;
  }
  query.key[key++] = static_cast<char>(key_flags);
  query.key_size = static_cast<uint16_t>(key);
  return query;
}

bool ReplyTtlOffsetsInto(std::span<const uint8_t> reply, std::vector<uint16_t>& offsets) {
  offsets.clear();
  if (reply.size() < kHeaderSize || reply.size() > UINT16_MAX) return false;
  size_t at = kHeaderSize;
  for (uint16_t i = 0; i < Read16(reply, 4); ++i) {
    auto after = SkipName(reply, at);
    if (!after || *after + 4 > reply.size()) return false;
    at = *after + 4;
  }
  uint32_t records = uint32_t{Read16(reply, 6)} + Read16(reply, 8) + Read16(reply, 10);
  for (uint32_t i = 0; i < records; ++i) {
    auto after = SkipName(reply, at);
    if (!after || *after + 10 > reply.size()) return false;
    uint16_t type = Read16(reply, *after);
    size_t rdata = *after + 10, end = rdata + Read16(reply, *after + 8);
    if (end > reply.size()) return false;
    if (type != kTypeOpt) offsets.push_back(static_cast<uint16_t>(*after + 4));
    at = end;
  }
  return at == reply.size();
}

std::optional<std::vector<uint16_t>> ReplyTtlOffsets(std::span<const uint8_t> reply) {
  std::vector<uint16_t> offsets;
  if (!ReplyTtlOffsetsInto(reply, offsets)) return std::nullopt;
  return offsets;
}

// The block is this header, then ttl_count TTLs (uint32_t, as stored), ttl_count offsets
// (uint16_t), the key and the reply: one allocation, freed with the entry.
struct PacketCache::Entry {
  Entry* newer = nullptr;
  Entry* older = nullptr;
  size_t hash = 0;
  int64_t stored_ms = 0;
  int64_t expires_ms = 0;
  uint64_t generation = 0;
  size_t cost = 0;
  uint16_t ttl_count = 0;
  uint16_t key_size = 0;
  uint16_t reply_size = 0;

  static size_t BlockSize(size_t ttls, size_t key, size_t reply) noexcept {
    static_assert(sizeof(Entry) % alignof(uint32_t) == 0, "the TTLs follow the header");
    return sizeof(Entry) + ttls * (sizeof(uint32_t) + sizeof(uint16_t)) + key + reply;
  }
  uint32_t* Ttls() noexcept { return reinterpret_cast<uint32_t*>(this + 1); }
  uint16_t* Offsets() noexcept { return reinterpret_cast<uint16_t*>(Ttls() + ttl_count); }
  char* KeyData() noexcept { return reinterpret_cast<char*>(Offsets() + ttl_count); }
  std::string_view Key() noexcept { return {KeyData(), key_size}; }
  std::span<uint8_t> Reply() noexcept { return {reinterpret_cast<uint8_t*>(KeyData() + key_size), reply_size}; }
};

namespace {

constexpr size_t kFirstSlots = 64;
constexpr size_t kMallocOverhead = 16;  // What the allocator keeps beside each block.

size_t HashKey(std::string_view key) noexcept { return std::hash<std::string_view>()(key); }

}  // namespace

PacketCache::PacketCache(size_t max_bytes, PacketCacheStats* stats)
    : max_bytes_(max_bytes), stats_(stats != nullptr ? stats : &own_stats_) {}

PacketCache::~PacketCache() {
  for (Entry* entry = newest_; entry != nullptr;) {
    Entry* older = entry->older;
    ::operator delete(entry);
    entry = older;
  }
}

size_t PacketCache::Find(std::string_view key, size_t hash) const noexcept {
  size_t mask = slots_.size() - 1;
  for (size_t slot = hash & mask;; slot = (slot + 1) & mask) {
    const Slot& at = slots_[slot];
    if (at.entry == nullptr || (at.hash == hash && at.entry->Key() == key)) return slot;
  }
}

bool PacketCache::Lookup(const CacheableQuery& query, std::span<const uint8_t> query_bytes, bool tcp, int64_t now_ms,
                         uint64_t generation, std::vector<uint8_t>& out) {
  size_t slot = slots_.empty() ? 0 : Find(query.Key(), HashKey(query.Key()));
  Entry* entry = slots_.empty() ? nullptr : slots_[slot].entry;  // Nothing kept yet: no table.
  if (entry == nullptr) {
    ++stats_->misses;
    return false;
  }
  if (entry->generation != generation || now_ms >= entry->expires_ms) {
    Erase(slot);
    ++stats_->misses;
    return false;
  }
  std::span<const uint8_t> reply = entry->Reply();
  if (!tcp && reply.size() > query.udp_limit) {  // The full path truncates it.
    ++stats_->misses;
    return false;
  }
  Unlink(entry);
  LinkNewest(entry);
  out.assign(reply.begin(), reply.end());
  out[0] = query_bytes[0];  // The client's ID,
  out[1] = query_bytes[1];
  std::copy_n(query_bytes.begin() + kHeaderSize, query.qname_size, out.begin() + kHeaderSize);  // its case.
  auto elapsed = static_cast<uint32_t>((now_ms - entry->stored_ms) / 1000);
  const uint32_t* ttls = entry->Ttls();
  const uint16_t* offsets = entry->Offsets();
  for (size_t i = 0; i < entry->ttl_count; ++i) Write32(out, offsets[i], ttls[i] > elapsed ? ttls[i] - elapsed : 0);
  ++stats_->hits;
  return true;
}

void PacketCache::Insert(const CacheableQuery& query, std::span<const uint8_t> reply, int64_t now_ms,
                         uint64_t generation) {
  if (max_bytes_ == 0) return;
  if (!ReplyTtlOffsetsInto(reply, offsets_scratch_) || offsets_scratch_.empty()) return;
  uint32_t smallest = UINT32_MAX;
  for (uint16_t offset : offsets_scratch_) smallest = std::min(smallest, Read32(reply, offset) & 0x7FFFFFFF);
  if (smallest == 0) return;
  size_t block = Entry::BlockSize(offsets_scratch_.size(), query.key_size, reply.size());
  size_t cost = block + kMallocOverhead + 2 * sizeof(Slot);  // Two slots: the table is at most half full.
  if (cost > max_bytes_) return;
  size_t hash = HashKey(query.Key());
  if (!slots_.empty()) {
    if (size_t old = Find(query.Key(), hash); slots_[old].entry != nullptr) Erase(old);
  }
  while (bytes_ + cost > max_bytes_ && oldest_ != nullptr) {
    Erase(Find(oldest_->Key(), oldest_->hash));
    ++stats_->evictions;
  }
  if (2 * (count_ + 1) > slots_.size()) Grow();
  auto* entry = new (::operator new(block)) Entry();
  entry->hash = hash;
  entry->stored_ms = now_ms;
  entry->expires_ms = now_ms + int64_t{smallest} * 1000;
  entry->generation = generation;
  entry->cost = cost;
  entry->ttl_count = static_cast<uint16_t>(offsets_scratch_.size());
  entry->key_size = query.key_size;
  entry->reply_size = static_cast<uint16_t>(reply.size());
  for (size_t i = 0; i < offsets_scratch_.size(); ++i) {  // RFC 2181 section 8: at most 2^31 - 1.
    entry->Ttls()[i] = Read32(reply, offsets_scratch_[i]) & 0x7FFFFFFF;
    entry->Offsets()[i] = offsets_scratch_[i];
  }
  std::copy_n(query.key.data(), query.key_size, entry->KeyData());
  std::copy(reply.begin(), reply.end(), entry->Reply().begin());
  slots_[Find(entry->Key(), hash)] = Slot{hash, entry};
  ++count_;
  LinkNewest(entry);
  bytes_ += cost;
  ++stats_->inserts;
}

void PacketCache::Erase(size_t slot) noexcept {
  Entry* entry = slots_[slot].entry;
  bytes_ -= entry->cost;
  Unlink(entry);
  ::operator delete(entry);
  --count_;
  // Backward-shift deletion: pull later entries of the run into the hole when their home slot
  // is not between the hole and them, so every run stays unbroken.
  size_t mask = slots_.size() - 1, hole = slot;
  for (size_t next = (hole + 1) & mask; slots_[next].entry != nullptr; next = (next + 1) & mask) {
    size_t home = slots_[next].hash & mask;
    bool stays = hole <= next ? (home > hole && home <= next) : (home > hole || home <= next);
    if (stays) continue;
    slots_[hole] = slots_[next];
    hole = next;
  }
  slots_[hole] = Slot{};
}

void PacketCache::Grow() {
  std::vector<Slot> old = std::exchange(slots_, std::vector<Slot>(std::max(kFirstSlots, 2 * slots_.size())));
  size_t mask = slots_.size() - 1;
  for (const Slot& moved : old) {  // Keys are distinct: each goes to the first free slot of its run.
    if (moved.entry == nullptr) continue;
    size_t slot = moved.hash & mask;
    while (slots_[slot].entry != nullptr) slot = (slot + 1) & mask;
    slots_[slot] = moved;
  }
}

void PacketCache::Unlink(Entry* entry) noexcept {
  (entry->newer != nullptr ? entry->newer->older : newest_) = entry->older;
  (entry->older != nullptr ? entry->older->newer : oldest_) = entry->newer;
  entry->newer = entry->older = nullptr;
}

void PacketCache::LinkNewest(Entry* entry) noexcept {
  entry->older = newest_;
  (newest_ != nullptr ? newest_->newer : oldest_) = entry;
  newest_ = entry;
}

}  // namespace redoubt::resolver
