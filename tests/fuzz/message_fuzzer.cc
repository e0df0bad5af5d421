// libFuzzer target: the message parser (MessageView), RRset grouping, EDNS and CHECKSUM
// location. For every input that parses, each record is re-encoded with MessageBuilder and the
// result must parse to the same header, questions and records (owner octet for octet, type,
// class, TTL, uncompressed RDATA) — a parse-encode-parse round trip.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "net/dns/checksum_option.h"
#include "net/dns/edns.h"
#include "net/dns/message_builder.h"
#include "net/dns/message_view.h"
#include "net/dns/presentation.h"
#include "net/dns/rrset.h"

namespace {

using namespace redoubt::dns;

struct Flat {
  Header header;
  std::vector<Question> questions;
  std::vector<Record> records;
  std::vector<Section> sections;
};

Flat Flatten(const MessageView& view) {
  Flat f{view.header(), view.questions(), {}, {}};
  for (const auto& r : view.records()) {
    if (r.type == RrType::OPT) continue;
    auto rdata = view.UncompressedRdata(r);
    if (!rdata) __builtin_trap();  // Parse() accepted it, so it must uncompress.
    f.records.push_back(Record{r.owner, r.type, r.klass, r.ttl, std::move(*rdata)});
    f.sections.push_back(r.section);
  }
  return f;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto view = MessageView::Parse({data, size});
  (void)FindChecksumOption({data, size}, kDefaultChecksumCode);
  if (!view) return 0;
  for (Section s : {Section::kAnswer, Section::kAuthority, Section::kAdditional}) {
    (void)GroupRRsets(*view, s);
  }
  auto edns = ReadEdns(*view);
  if (!edns) __builtin_trap();  // A parsed OPT always has well-framed options.
  Flat first = Flatten(*view);
  for (const auto& r : first.records) (void)RecordToText(r);

  MessageBuilder builder(65535);
  builder.header() = first.header;
  builder.header().qdcount = builder.header().ancount = builder.header().nscount = 0;
  builder.header().arcount = 0;
  for (const auto& q : first.questions) {
    if (!builder.AddQuestion(q.qname, q.qtype, q.qclass)) return 0;  // Over 64 KiB uncompressed.
  }
  if (*edns && !builder.SetEdns(**edns)) return 0;
  for (size_t i = 0; i < first.records.size(); ++i) {
    const auto& r = first.records[i];
    if (!builder.AddRecord(first.sections[i], r.owner, r.type, r.klass, r.ttl, r.rdata)) return 0;
  }
  auto bytes = std::move(builder).Finish();
  if (!bytes) return 0;
  auto again = MessageView::Parse(*bytes);
  if (!again) __builtin_trap();
  Flat second = Flatten(*again);
  if (!(first.header == second.header) || first.questions != second.questions ||
      first.records.size() != second.records.size() || first.sections != second.sections) {
    __builtin_trap();
  }
  for (size_t i = 0; i < first.records.size(); ++i) {
    if (!(first.records[i] == second.records[i]) ||
        !first.records[i].owner.IdenticalTo(second.records[i].owner)) {
      __builtin_trap();
    }
  }
  return 0;
}
