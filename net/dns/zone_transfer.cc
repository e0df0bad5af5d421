#include "net/dns/zone_transfer.h"

#include <unordered_map>
#include <utility>

#include "net/dns/rdata.h"

namespace redoubt::dns {
namespace {

Result<uint32_t, std::string> SerialOf(const Record& soa) {
  auto decoded = Decode<rdata::SOA>(soa.rdata);
  if (!decoded) return Unexpected<std::string>("an SOA record that does not decode");
  return decoded->serial;
}

// A record's identity for IXFR deletions: owner (lower case), type, class and RDATA; not TTL.
std::string IdentityOf(const Record& record) {
  std::string key = record.owner.LookupKey();
  key.push_back('\0');
  key.push_back(static_cast<char>(static_cast<uint16_t>(record.type) >> 8));
  key.push_back(static_cast<char>(static_cast<uint16_t>(record.type)));
  key.push_back(static_cast<char>(static_cast<uint16_t>(record.klass) >> 8));
  key.push_back(static_cast<char>(static_cast<uint16_t>(record.klass)));
  key.append(record.rdata.begin(), record.rdata.end());
  return key;
}

}  // namespace

Result<std::vector<Record>, std::string> ApplyZoneDiffs(const std::vector<Record>& current,
                                                        const ZoneTransfer& transfer) {
  using Failure = Unexpected<std::string>;
  const Record* old_soa = nullptr;
  std::unordered_map<std::string, Record> zone;
  for (const Record& record : current) {
    if (record.type == RrType::SOA) {
      old_soa = &record;
      continue;
    }
    zone.emplace(IdentityOf(record), record);
  }
  if (old_soa == nullptr) return Failure("the current copy has no SOA");
  auto serial = SerialOf(*old_soa);
  if (!serial) return Failure(serial.error());
  uint32_t version = *serial;
  for (const ZoneDiff& diff : transfer.diffs) {
    if (diff.from != version) return Failure("an IXFR sequence from a serial we do not hold");
    for (const Record& record : diff.deleted) {
      if (zone.erase(IdentityOf(record)) == 0) {
        return Failure("IXFR deletes a record we do not hold: " + record.owner.ToText());
      }
    }
    for (const Record& record : diff.added) zone.insert_or_assign(IdentityOf(record), record);
    version = diff.to;
  }
  if (version != transfer.serial) return Failure("IXFR sequences that stop short of the new serial");
  std::vector<Record> out;
  out.reserve(zone.size() + 1);
  out.push_back(transfer.soa);
  for (auto& [key, record] : zone) out.push_back(std::move(record));
  return out;
}

bool SerialNewer(uint32_t a, uint32_t b) noexcept {
  // RFC 1982 section 3.2: a > b when (a - b) mod 2^32 lies strictly between 0 and 2^31.
  uint32_t difference = a - b;
  return difference != 0 && difference < (uint32_t{1} << 31);
}

ZoneTransferReader::ZoneTransferReader(Name zone, RrType request_type, uint32_t known_serial,
                                       ZoneTransferLimits limits)
    : zone_(std::move(zone)), request_type_(request_type), known_serial_(known_serial),
      limits_(limits) {}

Result<bool, std::string> ZoneTransferReader::Fail(std::string why) {
  phase_ = Phase::kFailed;
  return Unexpected<std::string>(std::move(why));
}

Result<bool, std::string> ZoneTransferReader::CheckMessage(const MessageView& message) {
  const Header& header = message.header();
  if (!header.qr || header.opcode != Opcode::QUERY) return Fail("not a response to a query");
  if (header.rcode != static_cast<uint8_t>(Rcode::NOERROR)) {
    return Fail("the primary answered " + RcodeToText(static_cast<Rcode>(header.rcode)));
  }
  if (header.tc) return Fail("a transfer message with TC set");
  if (message.questions().size() > 1) return Fail("more than one question");
  if (message.questions().empty()) {
    if (messages_ == 0) return Fail("the first message has no question (RFC 5936 section 2.2.1)");
    return false;
  }
  const Question& question = message.questions().front();
  if (question.qname != zone_ || question.qtype != request_type_) {
    return Fail("the answer is for another question: " + question.qname.ToText());
  }
  return false;
}

Result<bool, std::string> ZoneTransferReader::Feed(const MessageView& message) {
  if (phase_ == Phase::kDone) return Fail("a message after the closing SOA");
  if (phase_ == Phase::kFailed) return Unexpected<std::string>("the transfer already failed");
  if (auto checked = CheckMessage(message); !checked) return checked;
  ++messages_;
  std::span<const RecordView> answer = message.section(Section::kAnswer);
  for (const RecordView& view : answer) {
    if (phase_ == Phase::kDone) return Fail("records after the closing SOA");
    if (++records_read_ > limits_.max_records) {
      return Fail("more than " + std::to_string(limits_.max_records) + " records");
    }
    auto rdata = message.UncompressedRdata(view);
    if (!rdata) return Fail("a record whose RDATA does not decode at " + view.owner.ToText());
    Record record{view.owner, view.type, view.klass, view.ttl, std::move(*rdata)};
    if (auto taken = TakeRecord(std::move(record)); !taken) return taken;
  }
  // An IXFR answered with nothing but the current SOA, not newer than ours: up to date (RFC
  // 1995 section 4). A newer SOA alone in the first message opens a longer answer (PowerDNS
  // sends the opening SOA in a message of its own), so reading goes on; a server that meant
  // "no incremental transfer" then closes the stream and the caller falls back to AXFR.
  if (phase_ == Phase::kFirstRecordRead && request_type_ == RrType::IXFR && messages_ == 1 &&
      answer.size() == 1 && !SerialNewer(serial_, known_serial_)) {
    result_.kind = TransferKind::kUpToDate;
    result_.serial = serial_;
    phase_ = Phase::kDone;
  }
  return phase_ == Phase::kDone;
}

Result<bool, std::string> ZoneTransferReader::TakeRecord(Record record) {
  if (!record.owner.IsSubdomainOf(zone_)) {
    return Fail("a record outside the zone: " + record.owner.ToText());
  }
  if (phase_ != Phase::kOpening && record.klass != opening_soa_.klass) {
    return Fail("a record of another class at " + record.owner.ToText());
  }
  switch (phase_) {
    case Phase::kOpening: {
      if (record.type != RrType::SOA || record.owner != zone_) {
        return Fail("the answer does not open with the zone's SOA");
      }
      auto serial = SerialOf(record);
      if (!serial) return Fail(serial.error());
      serial_ = *serial;
      opening_soa_ = std::move(record);
      result_.soa = opening_soa_;
      phase_ = Phase::kFirstRecordRead;
      return false;
    }
    case Phase::kFirstRecordRead:
      return TakeSecond(std::move(record));
    case Phase::kFull:
      if (record.type == RrType::SOA && record.owner == zone_) {
        auto serial = SerialOf(record);
        if (!serial || *serial != serial_) return Fail("the closing SOA differs from the opening one");
        result_.kind = TransferKind::kFull;
        result_.serial = serial_;
        phase_ = Phase::kDone;
        return true;
      }
      result_.records.push_back(std::move(record));
      return false;
    case Phase::kIxfrDeleting:
    case Phase::kIxfrAdding:
      return TakeIxfr(std::move(record));
    case Phase::kDone:
    case Phase::kFailed:
      break;
  }
  return Fail("records after the end of the transfer");
}

// The second record decides the answer's form (RFC 1995 section 4): an SOA with the serial we
// know opens the first difference sequence; anything else (or any AXFR) is a full copy.
Result<bool, std::string> ZoneTransferReader::TakeSecond(Record record) {
  bool soa = record.type == RrType::SOA && record.owner == zone_;
  if (request_type_ == RrType::IXFR && soa) {
    auto serial = SerialOf(record);
    if (!serial) return Fail(serial.error());
    if (*serial == serial_) {  // The closing SOA right away: an empty zone, unusable.
      return Fail("an empty zone (the opening SOA followed by the closing one)");
    }
    if (*serial != known_serial_) return Fail("an IXFR difference from a serial we do not hold");
    result_.kind = TransferKind::kIncremental;
    result_.diffs.push_back(ZoneDiff{*serial, 0, {}, {}});
    phase_ = Phase::kIxfrDeleting;
    return false;
  }
  result_.records.push_back(opening_soa_);
  phase_ = Phase::kFull;
  return TakeRecord(std::move(record));
}

// Inside the difference sequences: SOA(old) deletions SOA(new) additions, repeated, then the
// closing SOA, whose serial is the opening one and follows the additions of the sequence
// that reached it.
Result<bool, std::string> ZoneTransferReader::TakeIxfr(Record record) {
  ZoneDiff& diff = result_.diffs.back();
  if (record.type != RrType::SOA || record.owner != zone_) {
    (phase_ == Phase::kIxfrDeleting ? diff.deleted : diff.added).push_back(std::move(record));
    return false;
  }
  auto serial = SerialOf(record);
  if (!serial) return Fail(serial.error());
  if (phase_ == Phase::kIxfrDeleting) {
    if (!SerialNewer(*serial, diff.from)) return Fail("an IXFR sequence that does not go forward");
    diff.to = *serial;
    phase_ = Phase::kIxfrAdding;
    return false;
  }
  if (diff.to == serial_) {
    if (*serial != serial_) return Fail("the closing SOA differs from the opening one");
    result_.serial = serial_;
    phase_ = Phase::kDone;
    return true;
  }
  if (*serial != diff.to) return Fail("IXFR sequences that do not chain");
  result_.diffs.push_back(ZoneDiff{*serial, 0, {}, {}});
  phase_ = Phase::kIxfrDeleting;
  return false;
}

ZoneTransfer ZoneTransferReader::Take() && { return std::move(result_); }

}  // namespace redoubt::dns
