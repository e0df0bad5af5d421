// libFuzzer target for the packet cache's byte-level readers (resolver/server/packet_cache.h),
// which see every client query before anything else does. The input is a query (and, read as a
// reply, a message to walk). Checked:
//   - nothing reads out of bounds or throws (sanitizers);
//   - a query ParseCacheableQuery accepts is one the full parser reads the same way: one
//     question with the same name (case aside) and type, class IN, RD set, EDNS version 0
//     without options and the same DO bit, and a UDP limit between 512 and ours;
//   - every TTL offset ReplyTtlOffsets gives lies inside the message;
//   - a hit for an accepted query carries its ID and its name's octets, and every TTL offset
//     lies inside the reply.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <vector>

#include "net/dns/edns.h"
#include "net/dns/message_builder.h"
#include "net/dns/message_view.h"
#include "net/dns/rrset.h"
#include "resolver/server/packet_cache.h"

namespace {

using namespace redoubt;
using namespace redoubt::resolver;

constexpr uint16_t kOurs = 1232;

void CheckAgainstFullParser(std::span<const uint8_t> data, const CacheableQuery& query) {
  auto view = dns::MessageView::Parse(data);
  if (!view || view->questions().size() != 1 || !view->header().rd) std::abort();
  const dns::Question& question = view->questions().front();
  if (question.qclass != dns::RrClass::IN) std::abort();
  std::string_view key = query.Key();
  auto type = static_cast<uint16_t>(static_cast<uint8_t>(key[key.size() - 3]) << 8 |
                                    static_cast<uint8_t>(key[key.size() - 2]));
  if (type != static_cast<uint16_t>(question.qtype)) std::abort();
  if (question.qname.WireLength() != query.qname_size) std::abort();
  auto edns = dns::ReadEdns(*view);
  if (!edns) std::abort();
  bool key_edns = (key.back() & 0x08) != 0, key_do = (key.back() & 0x01) != 0;
  if (edns->has_value() != key_edns) std::abort();
  if (*edns && ((*edns)->version != 0 || !(*edns)->options.empty() || (*edns)->dnssec_ok != key_do)) std::abort();
  if (query.udp_limit < 512 || query.udp_limit > kOurs) std::abort();
}

// A reply for the accepted query's question, kept and then looked up with the query.
void CheckHit(std::span<const uint8_t> data, const CacheableQuery& query) {
  auto view = dns::MessageView::Parse(data);
  if (!view) return;
  const dns::Question& question = view->questions().front();
  dns::MessageBuilder builder(4096);
  builder.header().qr = true;
  builder.header().rd = true;
  if (!builder.AddQuestion(question.qname, question.qtype, question.qclass)) return;
  dns::RRset set;
  set.owner = question.qname;
  set.type = dns::RrType::TXT;
  set.ttl = 60;
  set.rdatas = {{3, 'f', 'o', 'o'}};
  if (!builder.AddRRset(dns::Section::kAnswer, set)) return;
  auto reply = std::move(builder).Finish();
  if (!reply) return;
  PacketCache cache(1 << 20, nullptr);
  cache.Insert(query, *reply, 0, 1);
  std::vector<uint8_t> out;
  if (!cache.Lookup(query, data, true, 1'500, 1, out)) std::abort();  // Kept a moment ago.
  if (out.size() != reply->size() || out[0] != data[0] || out[1] != data[1]) std::abort();
  if (!std::equal(out.begin() + 12, out.begin() + 12 + query.qname_size, data.begin() + 12)) std::abort();
  auto offsets = ReplyTtlOffsets(out);
  if (!offsets || offsets->size() != 1 || out[(*offsets)[0] + 3] != 59) std::abort();  // 60 s less 1.
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::span<const uint8_t> bytes(data, size);
  if (auto offsets = ReplyTtlOffsets(bytes)) {
    for (uint16_t offset : *offsets) {
      if (size_t{offset} + 4 > size) std::abort();
    }
  }
  auto query = ParseCacheableQuery(bytes, kOurs);
  if (!query) return 0;
  CheckAgainstFullParser(bytes, *query);
  CheckHit(bytes, *query);
  return 0;
}
