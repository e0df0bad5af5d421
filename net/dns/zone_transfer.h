// Reading a zone transfer's answer, message by message (AXFR, RFC 5936 section 2.2; IXFR,
// RFC 1995 section 4), as a pure state machine over parsed messages: no socket, no TSIG (the
// caller verifies each message's TSIG first, RFC 8945 section 5.3.1, and feeds the stripped
// message). The transport (net/io TcpStreamExchange) hands messages in order; the reader says
// when the answer is complete and what it holds:
//   - a full copy (AXFR, or an IXFR answered AXFR-style): every record between the opening
//     and the closing SOA, the SOA once;
//   - an incremental one (IXFR): the difference sequences, oldest first;
//   - "up to date" (an IXFR answered with the single current SOA whose serial is not newer).
// Every rule that makes a transfer unusable is an error naming it, and an unusable transfer
// must never replace a good copy (the caller keeps the old one).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "net/base/result.h"
#include "net/dns/message_view.h"
#include "net/dns/record.h"

namespace redoubt::dns {

// RFC 1982 serial number arithmetic on 32-bit SOA serials: true when `a` is newer than `b`
// (b < a in the RFC's terms; undefined pairs, exactly 2^31 apart, are not newer).
bool SerialNewer(uint32_t a, uint32_t b) noexcept;

// One IXFR difference sequence (RFC 1995 section 4): the records deleted from version `from`
// and added to make version `to`. SOA records are not in the lists.
struct ZoneDiff {
  uint32_t from = 0;
  uint32_t to = 0;
  std::vector<Record> deleted;
  std::vector<Record> added;
};

struct ZoneTransferLimits {
  size_t max_records = 5'000'000;  // Records in one answer (the root zone holds about 25,000).
};

enum class TransferKind : uint8_t {
  kFull,         // `records` is the whole zone (SOA first).
  kIncremental,  // `diffs` applied in order turn version `diffs.front().from` into `serial`.
  kUpToDate,     // The primary's serial is `serial`, not newer than the one asked about.
};

struct ZoneTransfer {
  TransferKind kind = TransferKind::kFull;
  uint32_t serial = 0;          // The serial of the version the answer leads to.
  Record soa;                   // Its SOA record (kFull and kIncremental).
  std::vector<Record> records;  // kFull: every record, the SOA once and first.
  std::vector<ZoneDiff> diffs;  // kIncremental.
};

// The zone `current` (every record, its SOA included) with the incremental transfer
// `transfer` applied (RFC 1995 section 4): each sequence must start at the serial of the
// version it applies to (the first at `current`'s SOA), every deleted record must be present
// (TTL aside), and the result carries the transfer's SOA in place of the old one. Fails with a
// reason otherwise; `current` is then left for the caller to keep.
Result<std::vector<Record>, std::string> ApplyZoneDiffs(const std::vector<Record>& current,
                                                        const ZoneTransfer& transfer);

// Consumes the messages of one AXFR or IXFR answer for `zone`. For IXFR, `known_serial` is the
// serial the request carried (RFC 1995 section 3). Not copyable across transfers: make one per
// request.
class ZoneTransferReader {
 public:
  ZoneTransferReader(Name zone, RrType request_type, uint32_t known_serial = 0,
                     ZoneTransferLimits limits = {});

  // Takes the next message. Returns true when the answer is complete (the closing SOA was the
  // last record read), false when more messages are expected. Fails, with a reason for the
  // log, on: a message that is not a response to a standard query; RCODE other than NOERROR
  // (named); TC set; a question other than the zone's (RFC 5936 section 2.2.1); an answer
  // that does not open with the zone's SOA; a record outside the zone or of another class
  // than the SOA's; a record after the closing SOA; an IXFR sequence that is malformed
  // (RFC 1995 section 4); more than limits.max_records records. After a failure or
  // completion every further message fails.
  Result<bool, std::string> Feed(const MessageView& message);

  // The answer, once Feed returned true; moved out (call once).
  ZoneTransfer Take() &&;

 private:
  enum class Phase : uint8_t { kOpening, kFirstRecordRead, kFull, kIxfrDeleting, kIxfrAdding,
                               kDone, kFailed };
  Result<bool, std::string> Fail(std::string why);
  Result<bool, std::string> TakeRecord(Record record);
  Result<bool, std::string> TakeSecond(Record record);
  Result<bool, std::string> TakeIxfr(Record record);
  Result<bool, std::string> CheckMessage(const MessageView& message);

  Name zone_;
  RrType request_type_;
  uint32_t known_serial_;
  ZoneTransferLimits limits_;
  Phase phase_ = Phase::kOpening;
  size_t messages_ = 0;
  size_t records_read_ = 0;
  uint32_t serial_ = 0;        // The opening SOA's serial: the version the answer leads to.
  Record opening_soa_;
  ZoneTransfer result_;
};

}  // namespace redoubt::dns
