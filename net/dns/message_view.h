// MessageView: a parsed, non-owning view over a received DNS message (RFC 1035 section 4.1).
//
// Parse() walks the buffer once and enforces every structural rule, so code above never sees a
// malformed message: counts must match the records present (kCountMismatch), no octets may
// follow the last record (kTrailingData), each RDATA must lie inside the message
// (kRdataLength) and decode exactly as its type says, OPT may only appear once, in the
// additional section, owned by the root (kOptMisplaced, kOptDuplicate; RFC 6891 section 6.1.1),
// and TSIG only as the very last record (kTsigMisplaced; RFC 8945 section 5.1). Each error's
// detail is the byte offset where it was found. The buffer must outlive the view.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "net/base/result.h"
#include "net/dns/header.h"
#include "net/dns/name.h"
#include "net/dns/rdata.h"

namespace redoubt::dns {

enum class Section : uint8_t { kAnswer = 0, kAuthority = 1, kAdditional = 2 };

struct Question {
  Name qname;
  RrType qtype = RrType::A;
  RrClass qclass = RrClass::IN;
  friend bool operator==(const Question&, const Question&) = default;
};

// One resource record as it sits in the buffer.
struct RecordView {
  Name owner;
  RrType type = RrType::A;
  RrClass klass = RrClass::IN;
  uint32_t ttl = 0;
  Section section = Section::kAnswer;
  uint32_t offset = 0;        // Where the record (its owner name) starts.
  uint32_t rdata_offset = 0;  // Where its RDATA starts.
  uint16_t rdata_length = 0;
};

class MessageView {
 public:
  // Parses `message`; see the file comment for the rules. Never reads outside the span.
  static Result<MessageView> Parse(std::span<const uint8_t> message);

  const Header& header() const noexcept { return header_; }
  const std::vector<Question>& questions() const noexcept { return questions_; }
  // All records in wire order.
  const std::vector<RecordView>& records() const noexcept { return records_; }
  // The records of one section, in wire order.
  std::span<const RecordView> section(Section s) const noexcept;
  // The OPT record, or null.
  const RecordView* opt() const noexcept { return opt_ < 0 ? nullptr : &records_[static_cast<size_t>(opt_)]; }
  // The TSIG record (always the last record), or null.
  const RecordView* tsig() const noexcept { return tsig_ ? &records_.back() : nullptr; }
  std::span<const uint8_t> buffer() const noexcept { return buffer_; }
  // Points the view at `copy`, the same message copied elsewhere (a receive buffer copied
  // into the reply's own storage), so it need not be parsed again. Returns false, and changes
  // nothing, unless `copy` holds exactly the octets parsed.
  bool Rebase(std::span<const uint8_t> copy) noexcept;

  // The record's RDATA in uncompressed storage form.
  Result<std::vector<uint8_t>> UncompressedRdata(const RecordView& record) const;
  // The record's RDATA, typed.
  Result<Rdata> TypedRdata(const RecordView& record) const;
  // A reader limited to the record's RDATA (compression pointers resolve within the message).
  WireReader RdataReader(const RecordView& record) const;

 private:
  Status ParseQuestions(WireReader& reader);
  Status ParseRecord(WireReader& reader, Section section);

  std::span<const uint8_t> buffer_;
  Header header_;
  std::vector<Question> questions_;
  std::vector<RecordView> records_;
  size_t section_end_[3] = {0, 0, 0};
  int opt_ = -1;
  bool tsig_ = false;
};

// A MessageView travelling with the vector of octets it was parsed from (or Rebase()d onto), so
// that code further on need not parse the message again. It hands the view out only for that
// very vector: a copy of the vector lives elsewhere, so copying a CarriedView carries nothing.
// Moving the vector keeps its storage, and the view with it. The vector must not be changed
// in place while the view is kept.
class CarriedView {
 public:
  CarriedView() = default;
  CarriedView(const CarriedView&) noexcept {}
  CarriedView& operator=(const CarriedView&) noexcept {
    view_.reset();
    return *this;
  }
  CarriedView(CarriedView&&) noexcept = default;
  CarriedView& operator=(CarriedView&&) noexcept = default;

  // Keeps `view`, which must read `bytes`; refused (nothing kept) when it reads other storage.
  void Keep(MessageView view, const std::vector<uint8_t>& bytes) noexcept;
  // The kept view, if it reads exactly `bytes`; null otherwise.
  const MessageView* For(const std::vector<uint8_t>& bytes) const noexcept;

 private:
  std::optional<MessageView> view_;
};

}  // namespace redoubt::dns
