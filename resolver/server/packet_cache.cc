#include "resolver/server/packet_cache.h"

#include <algorithm>

namespace redoubt::resolver {
namespace {

constexpr size_t kHeaderSize = 12;
constexpr uint16_t kTypeOpt = 41;
constexpr uint16_t kTypeRrsig = 46;
constexpr uint16_t kClassIn = 1;
constexpr uint16_t kFirstMetaType = 128;  // RFC 6895 section 3.1: 128-255 are meta/q types.
constexpr uint16_t kLastMetaType = 255;
// Per entry, beyond the reply and key: the map node, the recency node, the vectors' headers.
constexpr size_t kEntryOverhead = 160;

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

std::optional<std::vector<uint16_t>> ReplyTtlOffsets(std::span<const uint8_t> reply) {
  if (reply.size() < kHeaderSize || reply.size() > UINT16_MAX) return std::nullopt;
  size_t at = kHeaderSize;
  for (uint16_t i = 0; i < Read16(reply, 4); ++i) {
    auto after = SkipName(reply, at);
    if (!after || *after + 4 > reply.size()) return std::nullopt;
    at = *after + 4;
  }
  uint32_t records = uint32_t{Read16(reply, 6)} + Read16(reply, 8) + Read16(reply, 10);
  std::vector<uint16_t> offsets;
  for (uint32_t i = 0; i < records; ++i) {
    auto after = SkipName(reply, at);
    if (!after || *after + 10 > reply.size()) return std::nullopt;
    uint16_t type = Read16(reply, *after);
    size_t rdata = *after + 10, end = rdata + Read16(reply, *after + 8);
    if (end > reply.size()) return std::nullopt;
    if (type != kTypeOpt) offsets.push_back(static_cast<uint16_t>(*after + 4));
    at = end;
  }
  if (at != reply.size()) return std::nullopt;
  return offsets;
}

PacketCache::PacketCache(size_t max_bytes, PacketCacheStats* stats)
    : max_bytes_(max_bytes), stats_(stats != nullptr ? stats : &own_stats_) {}

bool PacketCache::Lookup(const CacheableQuery& query, std::span<const uint8_t> query_bytes, bool tcp, int64_t now_ms,
                         uint64_t generation, std::vector<uint8_t>& out) {
  auto it = entries_.find(query.Key());
  if (it == entries_.end()) {
    ++stats_->misses;
    return false;
  }
  Entry& entry = it->second;
  if (entry.generation != generation || now_ms >= entry.expires_ms) {
    Erase(it);
    ++stats_->misses;
    return false;
  }
  if (!tcp && entry.reply.size() > query.udp_limit) {  // The full path truncates it.
    ++stats_->misses;
    return false;
  }
  recent_.splice(recent_.begin(), recent_, entry.recent);
  out.assign(entry.reply.begin(), entry.reply.end());
  out[0] = query_bytes[0];  // The client's ID,
  out[1] = query_bytes[1];
  std::copy_n(query_bytes.begin() + kHeaderSize, query.qname_size, out.begin() + kHeaderSize);  // its case.
  auto elapsed = static_cast<uint32_t>((now_ms - entry.stored_ms) / 1000);
  for (size_t i = 0; i < entry.ttl_offsets.size(); ++i) {
    Write32(out, entry.ttl_offsets[i], entry.ttls[i] > elapsed ? entry.ttls[i] - elapsed : 0);
  }
  ++stats_->hits;
  return true;
}

void PacketCache::Insert(const CacheableQuery& query, std::span<const uint8_t> reply, int64_t now_ms,
                         uint64_t generation) {
  if (max_bytes_ == 0) return;
  auto offsets = ReplyTtlOffsets(reply);
  if (!offsets || offsets->empty()) return;
  std::vector<uint32_t> ttls;
  uint32_t smallest = UINT32_MAX;
  for (uint16_t offset : *offsets) {
    uint32_t ttl = Read32(reply, offset) & 0x7FFFFFFF;  // RFC 2181 section 8: at most 2^31 - 1.
    ttls.push_back(ttl);
    smallest = std::min(smallest, ttl);
  }
  if (smallest == 0) return;
  size_t cost = reply.size() + query.key_size + offsets->size() * 6 + kEntryOverhead;
  if (cost > max_bytes_) return;
  if (auto old = entries_.find(query.Key()); old != entries_.end()) Erase(old);
  while (bytes_ + cost > max_bytes_ && !recent_.empty()) {
    Erase(entries_.find(*recent_.back()));
    ++stats_->evictions;
  }
  Entry entry{std::vector<uint8_t>(reply.begin(), reply.end()), std::move(*offsets), std::move(ttls), now_ms,
              now_ms + int64_t{smallest} * 1000, generation, cost, {}};
  auto [it, inserted] = entries_.emplace(std::string(query.Key()), std::move(entry));
  recent_.push_front(&it->first);
  it->second.recent = recent_.begin();
  bytes_ += cost;
  ++stats_->inserts;
}

void PacketCache::Erase(Map::iterator it) {
  bytes_ -= it->second.cost;
  recent_.erase(it->second.recent);
  entries_.erase(it);
}

}  // namespace redoubt::resolver
