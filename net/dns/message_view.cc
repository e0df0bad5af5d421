#include "net/dns/message_view.h"

#include <cstring>

namespace redoubt::dns {
namespace {
uint32_t Off(size_t v) { return static_cast<uint32_t>(v); }
}  // namespace

std::span<const RecordView> MessageView::section(Section s) const noexcept {
  size_t i = static_cast<size_t>(s);
  size_t begin = i == 0 ? 0 : section_end_[i - 1];
  return std::span<const RecordView>(records_).subspan(begin, section_end_[i] - begin);
}

Status MessageView::ParseQuestions(WireReader& reader) {
  questions_.reserve(header_.qdcount);
  for (uint16_t i = 0; i < header_.qdcount; ++i) {
    if (reader.AtEnd()) return Fail(Errc::kCountMismatch, Off(reader.offset()));
    Question q;
    ASSIGN_OR_RETURN(q.qname, reader.ReadName());
    ASSIGN_OR_RETURN(uint16_t type, reader.U16());
    ASSIGN_OR_RETURN(uint16_t klass, reader.U16());
    q.qtype = static_cast<RrType>(type);
    q.qclass = static_cast<RrClass>(klass);
    questions_.push_back(std::move(q));
  }
  return {};
}

Status MessageView::ParseRecord(WireReader& reader, Section section) {
  if (reader.AtEnd()) return Fail(Errc::kCountMismatch, Off(reader.offset()));
  if (tsig_) return Fail(Errc::kTsigMisplaced, Off(reader.offset()));  // Something after TSIG.
  RecordView r;
  r.section = section;
  r.offset = Off(reader.offset());
  ASSIGN_OR_RETURN(r.owner, reader.ReadName());
  ASSIGN_OR_RETURN(uint16_t type, reader.U16());
  ASSIGN_OR_RETURN(uint16_t klass, reader.U16());
  ASSIGN_OR_RETURN(r.ttl, reader.U32());
  ASSIGN_OR_RETURN(r.rdata_length, reader.U16());
  r.type = static_cast<RrType>(type);
  r.klass = static_cast<RrClass>(klass);
  r.rdata_offset = Off(reader.offset());
  ASSIGN_OR_RETURN(WireReader rdata, reader.Sub(r.rdata_length));
  if (r.type == RrType::OPT) {
    if (section != Section::kAdditional || !r.owner.IsRoot()) return Fail(Errc::kOptMisplaced, r.offset);
    if (opt_ >= 0) return Fail(Errc::kOptDuplicate, r.offset);
    opt_ = static_cast<int>(records_.size());
  } else if (r.type == RrType::TSIG) {
    if (section != Section::kAdditional) return Fail(Errc::kTsigMisplaced, r.offset);
    tsig_ = true;
  }
  if (IsKnownType(r.type)) RETURN_IF_ERROR(DecodeRdata(r.type, rdata));
  records_.push_back(std::move(r));
  return {};
}

Result<MessageView> MessageView::Parse(std::span<const uint8_t> message) {
  MessageView view;
  view.buffer_ = message;
  WireReader reader = WireReader::ForMessage(message);
  ASSIGN_OR_RETURN(view.header_, Header::Read(reader));
  RETURN_IF_ERROR(view.ParseQuestions(reader));
  const uint16_t counts[3] = {view.header_.ancount, view.header_.nscount, view.header_.arcount};
  view.records_.reserve(static_cast<size_t>(counts[0]) + counts[1] + counts[2]);
  for (size_t s = 0; s < 3; ++s) {
    for (uint16_t i = 0; i < counts[s]; ++i) {
      RETURN_IF_ERROR(view.ParseRecord(reader, static_cast<Section>(s)));
    }
    view.section_end_[s] = view.records_.size();
  }
  if (!reader.AtEnd()) return Fail(Errc::kTrailingData, Off(reader.offset()));
  return view;
}

bool MessageView::Rebase(std::span<const uint8_t> copy) noexcept {
  if (copy.size() != buffer_.size()) return false;
  if (copy.data() != buffer_.data() && std::memcmp(copy.data(), buffer_.data(), copy.size()) != 0) {
    return false;
  }
  buffer_ = copy;
  return true;
}

namespace {
bool Reads(const MessageView& view, const std::vector<uint8_t>& bytes) {
  return view.buffer().data() == bytes.data() && view.buffer().size() == bytes.size();
}
}  // namespace

void CarriedView::Keep(MessageView view, const std::vector<uint8_t>& bytes) noexcept {
  if (Reads(view, bytes)) {
    view_.emplace(std::move(view));
  } else {
    view_.reset();
  }
}

const MessageView* CarriedView::For(const std::vector<uint8_t>& bytes) const noexcept {
  return view_ && Reads(*view_, bytes) ? &*view_ : nullptr;
}

WireReader MessageView::RdataReader(const RecordView& record) const {
  WireReader reader = WireReader::ForMessage(buffer_);
  // Offsets come from Parse(), which checked them; these cannot fail.
  (void)reader.Skip(record.rdata_offset);
  return *reader.Sub(record.rdata_length);
}

Result<std::vector<uint8_t>> MessageView::UncompressedRdata(const RecordView& record) const {
  return UncompressRdata(record.type, RdataReader(record));
}

Result<Rdata> MessageView::TypedRdata(const RecordView& record) const {
  return DecodeRdata(record.type, RdataReader(record));
}

}  // namespace redoubt::dns
