// libFuzzer target for the packet cache's table (resolver/server/packet_cache.h): one heap block
// per entry, open addressing with backward-shift deletion, an intrusive recency list, eviction by
// size. The input is a program of operations on a small cache over 48 names: insert a reply
// with a TTL, look a name up, let time pass, flush (a new generation). Checked against a model
// that remembers the last reply kept for each name:
//   - nothing leaks, reads freed memory or out of bounds (sanitizers: a broken run or a stale
//     pointer in the table shows here);
//   - a hit returns exactly the last reply inserted for that name (ID, name case and TTLs aside),
//     never another name's, never one past its TTL or from before a flush;
//   - a reply just inserted is found at once unless it alone is larger than the cache;
//   - the entries never cost more than the cache's size, and size() matches what can be found.
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "net/dns/message_builder.h"
#include "net/dns/rrset.h"
#include "resolver/server/packet_cache.h"

namespace {

using namespace redoubt;
using namespace redoubt::resolver;

constexpr size_t kNames = 48;
constexpr uint16_t kOurs = 1232;

std::string NameText(size_t i) { return "n" + std::to_string(i) + ".example."; }

std::vector<uint8_t> QueryFor(size_t i) {
  dns::QueryOptions options;
  options.id = static_cast<uint16_t>(i);
  options.recursion_desired = true;
  return *dns::BuildQuery(*dns::Name::FromText(NameText(i)), dns::RrType::A, dns::RrClass::IN, options);
}

// A reply for name `i` with one A record of TTL `ttl` and `extra` octets of TXT padding (so
// entries differ in size); `tag` goes into the address, to tell replies apart.
std::vector<uint8_t> ReplyFor(size_t i, uint32_t ttl, size_t extra, uint8_t tag) {
  dns::MessageBuilder builder(4096);
  builder.header().qr = true;
  builder.header().rd = true;
  auto name = *dns::Name::FromText(NameText(i));
  (void)builder.AddQuestion(name, dns::RrType::A, dns::RrClass::IN);
  dns::RRset a;
  a.owner = name;
  a.ttl = ttl;
  a.rdatas = {{192, 0, 2, tag}};
  (void)builder.AddRRset(dns::Section::kAnswer, a);
  if (extra > 0) {
    dns::RRset txt;
    txt.owner = name;
    txt.type = dns::RrType::TXT;
    txt.ttl = ttl;
    txt.section = dns::Section::kAdditional;
    std::vector<uint8_t> text(1 + extra, 'x');
    text[0] = static_cast<uint8_t>(extra);
    txt.rdatas = {text};
    (void)builder.AddRRset(dns::Section::kAdditional, txt);
  }
  return *std::move(builder).Finish();
}

struct Kept {
  std::vector<uint8_t> reply;
  int64_t expires_ms;
  uint64_t generation;
};

// The reply as a hit gives it for `query`: its ID and name octets, every TTL lowered by
// `elapsed` seconds (one record or two, all of one TTL here).
bool SameReply(const std::vector<uint8_t>& hit, const std::vector<uint8_t>& kept, const std::vector<uint8_t>& query) {
  if (hit.size() != kept.size() || hit[0] != query[0] || hit[1] != query[1]) return false;
  auto offsets = ReplyTtlOffsets(kept);
  if (!offsets) return false;
  std::vector<uint8_t> a = hit, b = kept;
  for (uint16_t offset : *offsets) {
    for (size_t k = 0; k < 4; ++k) a[offset + k] = b[offset + k] = 0;
  }
  a[0] = b[0];
  a[1] = b[1];
  return a == b;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::array<std::vector<uint8_t>, kNames> queries = [] {
    std::array<std::vector<uint8_t>, kNames> out;
    for (size_t i = 0; i < kNames; ++i) out[i] = QueryFor(i);
    return out;
  }();
  if (size < 1) return 0;
  size_t max_bytes = size_t{data[0]} * 16;  // 0 (off) to about 4 KiB: a handful of entries.
  PacketCache cache(max_bytes, nullptr);
  std::map<size_t, Kept> model;
  int64_t now_ms = 0;
  uint64_t generation = 1;
  std::vector<uint8_t> out;
  for (size_t at = 1; at + 3 <= size; at += 3) {
    uint8_t op = data[at] % 4, arg = data[at + 2];
    size_t name = data[at + 1] % kNames;
    auto query = ParseCacheableQuery(queries[name], kOurs);
    if (!query) std::abort();
    if (op == 0) {  // Insert.
      uint32_t ttl = arg % 8;  // 0 is never kept.
      std::vector<uint8_t> reply = ReplyFor(name, ttl, arg / 2, arg);
      size_t before = cache.size();
      cache.Insert(*query, reply, now_ms, generation);
      bool found = cache.Lookup(*query, queries[name], true, now_ms, generation, out);
      bool is_new = found && ttl > 0 && SameReply(out, reply, queries[name]);
      if (ttl > 0 && !is_new && max_bytes >= 1024 && reply.size() < 256) std::abort();  // Fits: must be kept.
      if (ttl == 0 && cache.size() > before) std::abort();
      if (found && !is_new) {  // Not kept (TTL 0, too large): the earlier reply stays, still valid.
        auto it = model.find(name);
        if (it == model.end() || now_ms >= it->second.expires_ms || it->second.generation != generation ||
            !SameReply(out, it->second.reply, queries[name])) {
          std::abort();
        }
      }
      if (is_new) model[name] = Kept{reply, now_ms + int64_t{ttl} * 1000, generation};
    } else if (op == 1) {  // Lookup.
      if (cache.Lookup(*query, queries[name], true, now_ms, generation, out)) {
        auto it = model.find(name);
        if (it == model.end() || now_ms >= it->second.expires_ms || it->second.generation != generation) std::abort();
        if (!SameReply(out, it->second.reply, queries[name])) std::abort();
      }
    } else if (op == 2) {
      now_ms += int64_t{arg} * 100;
    } else {
      ++generation;
    }
    if (cache.bytes() > max_bytes) std::abort();
  }
  size_t findable = 0;
  for (size_t name = 0; name < kNames; ++name) {
    auto query = ParseCacheableQuery(queries[name], kOurs);
    findable += cache.Lookup(*query, queries[name], true, now_ms, generation, out) ? 1 : 0;
  }
  if (findable != cache.size()) std::abort();  // Every entry is found, or dropped when met expired.
  return 0;
}
