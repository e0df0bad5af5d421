#include "tools/wire_roundtrip.h"

#include <random>

#include "net/dns/edns.h"
#include "net/dns/message_builder.h"
#include "net/dns/message_view.h"
#include "net/dns/presentation.h"

namespace redoubt::tools {
namespace {

using dns::Section;

Unexpected<std::string> Err(std::string text) { return Unexpected<std::string>(std::move(text)); }

struct Snapshot {
  dns::Header header;
  std::vector<dns::Question> questions;
  std::vector<dns::Record> sections[3];
  std::optional<dns::Edns> edns;
};

Result<Snapshot, std::string> Take(std::span<const uint8_t> bytes) {
  auto view = dns::MessageView::Parse(bytes);
  if (!view) {
    return Err(std::string(ErrcName(view.error().code)) + " at offset " +
               std::to_string(view.error().detail));
  }
  Snapshot snap{view->header(), view->questions(), {}, std::nullopt};
  for (const auto& r : view->records()) {
    if (r.type == dns::RrType::OPT) continue;
    auto rdata = view->UncompressedRdata(r);
    if (!rdata) return Err("RDATA of " + r.owner.ToText() + ": " + std::string(ErrcName(rdata.error().code)));
    snap.sections[static_cast<size_t>(r.section)].push_back(
        dns::Record{r.owner, r.type, r.klass, r.ttl, std::move(*rdata)});
  }
  auto edns = dns::ReadEdns(*view);
  if (!edns) return Err("OPT: " + std::string(ErrcName(edns.error().code)));
  snap.edns = *edns;
  return snap;
}

Result<std::vector<uint8_t>, std::string> Rebuild(const Snapshot& snap) {
  dns::MessageBuilder builder(65535);
  builder.header() = snap.header;
  builder.header().qdcount = builder.header().ancount = 0;
  builder.header().nscount = builder.header().arcount = 0;
  for (const auto& q : snap.questions) {
    if (!builder.AddQuestion(q.qname, q.qtype, q.qclass)) return Err("cannot add question");
  }
  if (snap.edns && !builder.SetEdns(*snap.edns)) return Err("cannot add OPT");
  for (size_t s = 0; s < 3; ++s) {
    for (const auto& r : snap.sections[s]) {
      if (!builder.AddRecord(static_cast<Section>(s), r.owner, r.type, r.klass, r.ttl, r.rdata)) {
        return Err("cannot re-encode " + r.owner.ToText());
      }
    }
  }
  auto bytes = std::move(builder).Finish();
  if (!bytes) return Err("cannot finish the message");
  return *bytes;
}

bool SameRecords(const std::vector<dns::Record>& a, const std::vector<dns::Record>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (!(a[i] == b[i]) || !a[i].owner.IdenticalTo(b[i].owner)) return false;
  }
  return true;
}

}  // namespace

Result<BuiltQuery, std::string> BuildQuery(const QuerySpec& spec) {
  auto qname = dns::Name::FromText(spec.qname);
  if (!qname) return Err("bad name '" + spec.qname + "'");
  auto qtype = dns::RrTypeFromText(spec.qtype);
  if (!qtype) return Err("unknown type '" + spec.qtype + "'");
  std::random_device random;
  dns::QueryOptions options;
  options.id = static_cast<uint16_t>(random());
  options.recursion_desired = false;
  options.udp_size = spec.bufsize;
  options.dnssec_ok = spec.dnssec;
  auto bytes = dns::BuildQuery(*qname, *qtype, dns::RrClass::IN, options);
  if (!bytes) return Err("cannot build the query");
  return BuiltQuery{options.id, std::move(*bytes)};
}

bool IsTruncated(std::span<const uint8_t> message) {
  return message.size() >= dns::kHeaderSize && (message[2] & 0x02) != 0;
}

Result<CheckedReply, std::string> ParseAndRoundTrip(std::span<const uint8_t> reply, uint16_t id) {
  auto first = Take(reply);
  if (!first) return Err("parse: " + first.error());
  if (first->header.id != id) return Err("parse: reply ID does not match the query");
  auto rebuilt = Rebuild(*first);
  if (!rebuilt) return Err("round trip: " + rebuilt.error());
  auto second = Take(*rebuilt);
  if (!second) return Err("round trip: re-encoded message does not parse: " + second.error());
  if (!(first->header == second->header)) return Err("round trip: header differs");
  if (first->questions != second->questions) return Err("round trip: question differs");
  if (first->edns != second->edns) return Err("round trip: EDNS differs");
  for (size_t s = 0; s < 3; ++s) {
    if (!SameRecords(first->sections[s], second->sections[s])) {
      return Err("round trip: records of section " + std::to_string(s) + " differ");
    }
  }
  CheckedReply checked;
  for (size_t s = 0; s < 3; ++s) checked.sections[s] = std::move(first->sections[s]);
  return checked;
}

std::string CheckedReply::FormatSections(const std::set<std::string>& names) const {
  static constexpr const char* kNames[] = {"answer", "authority", "additional"};
  std::string out;
  for (size_t s = 0; s < 3; ++s) {
    if (!names.count(kNames[s])) continue;
    for (const auto& r : sections[s]) out += dns::RecordToText(r) + "\n";
  }
  return out;
}

}  // namespace redoubt::tools
