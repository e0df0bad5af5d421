// libFuzzer target: a zone transfer's answer, read message by message by dns::ZoneTransferReader
// (AXFR, RFC 5936; IXFR, RFC 1995), and an incremental answer applied by dns::ApplyZoneDiffs:
// input a primary (or whoever sits on the TCP connection) controls.
//
// Input: one octet choosing the request (bit 0 clear: AXFR of example.; set: IXFR of example.
// from serial 1), then up to kMaxMessages messages, each a 2-octet big-endian length and that
// many octets (the last cut short by the end of the input), as the TCP framing carries them.
// Each message is parsed with MessageView::Parse and fed to one reader, as TransferZone does
// after the TSIG check; a message that does not parse ends the transfer.
//
// Invariants (a violation traps): nothing crashes or reads outside the input; once the reader
// has completed or failed, every further message fails; a completed full transfer opens with
// the zone's SOA (the transfer's SOA and serial), holds it once at the apex, and holds nothing
// outside the zone nor of another class; an incremental one is non-empty, chains from serial 1
// to its serial with every step going forward, and holds nothing outside the zone; applied to
// the fixed zone at serial 1, it gives a zone that starts with the transfer's SOA and holds
// nothing outside the zone; "up to date" comes only for an IXFR, with a serial not newer than 1.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <utility>
#include <vector>

#include "net/dns/message_view.h"
#include "net/dns/rdata.h"
#include "net/dns/zone_parser.h"
#include "net/dns/zone_transfer.h"

namespace {

using namespace redoubt::dns;

constexpr size_t kMaxMessages = 16;
constexpr uint32_t kKnownSerial = 1;

void Require(bool holds) {
  if (!holds) __builtin_trap();
}

const Name& Zone() {
  static const Name zone = *Name::FromText("example.");
  return zone;
}

// The copy an IXFR applies to: example. at serial 1.
const std::vector<Record>& CurrentZone() {
  static const std::vector<Record> zone = [] {
    ZoneParseOptions options;
    options.origin = Zone();
    options.default_ttl = 3600;
    auto parsed = ParseZoneText(
        "@ SOA ns hostmaster 1 3600 600 86400 300\n@ NS ns\nns A 192.0.2.1\nwww A 192.0.2.2\n",
        "fuzz", options);
    Require(parsed.has_value());
    return *parsed;
  }();
  return zone;
}

// The messages of the input after its first octet, as the 2-octet framing delimits them.
std::vector<std::span<const uint8_t>> SplitMessages(std::span<const uint8_t> input) {
  std::vector<std::span<const uint8_t>> messages;
  while (input.size() >= 2 && messages.size() < kMaxMessages) {
    size_t length = size_t{input[0]} << 8 | input[1];
    input = input.subspan(2);
    length = std::min(length, input.size());
    messages.push_back(input.first(length));
    input = input.subspan(length);
  }
  return messages;
}

bool IsApexSoa(const Record& record) { return record.type == RrType::SOA && record.owner == Zone(); }

void CheckFull(const ZoneTransfer& transfer) {
  Require(!transfer.records.empty());
  const Record& soa = transfer.records.front();
  Require(IsApexSoa(soa) && soa == transfer.soa);
  auto decoded = Decode<rdata::SOA>(soa.rdata);
  Require(decoded.has_value() && decoded->serial == transfer.serial);
  size_t apex_soas = 0;
  for (const Record& record : transfer.records) {
    Require(record.owner.IsSubdomainOf(Zone()));
    Require(record.klass == soa.klass);
    apex_soas += IsApexSoa(record) ? 1 : 0;
  }
  Require(apex_soas == 1);
}

void CheckIncremental(const ZoneTransfer& transfer) {
  Require(!transfer.diffs.empty() && IsApexSoa(transfer.soa));
  uint32_t version = kKnownSerial;
  for (const ZoneDiff& diff : transfer.diffs) {
    Require(diff.from == version && SerialNewer(diff.to, diff.from));
    for (const auto* list : {&diff.deleted, &diff.added}) {
      for (const Record& record : *list) Require(record.owner.IsSubdomainOf(Zone()));
    }
    version = diff.to;
  }
  Require(version == transfer.serial);
  auto applied = ApplyZoneDiffs(CurrentZone(), transfer);
  if (!applied) return;  // A deletion of a record the copy lacks: refused, the copy kept.
  Require(!applied->empty() && applied->front() == transfer.soa);
  for (const Record& record : *applied) Require(record.owner.IsSubdomainOf(Zone()));
}

void CheckTransfer(const ZoneTransfer& transfer, RrType request) {
  switch (transfer.kind) {
    case TransferKind::kFull: CheckFull(transfer); break;
    case TransferKind::kIncremental: Require(request == RrType::IXFR); CheckIncremental(transfer); break;
    case TransferKind::kUpToDate:  // Only ever for a serial not newer than ours.
      Require(request == RrType::IXFR && !SerialNewer(transfer.serial, kKnownSerial));
      break;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const RrType request = (data[0] & 1) != 0 ? RrType::IXFR : RrType::AXFR;
  ZoneTransferReader reader(Zone(), request, request == RrType::IXFR ? kKnownSerial : 0,
                            ZoneTransferLimits{.max_records = 1000});
  bool complete = false;
  bool ended = false;  // Completed or failed: every further message must fail.
  for (std::span<const uint8_t> wire : SplitMessages({data + 1, size - 1})) {
    auto view = MessageView::Parse(wire);
    if (!view) break;
    auto fed = reader.Feed(*view);
    Require(!(ended && fed));
    if (!fed) ended = true;
    if (fed && *fed) complete = ended = true;
  }
  if (complete) CheckTransfer(std::move(reader).Take(), request);
  return 0;
}
