#include "net/dns/message_builder.h"

#include <array>

#include "net/dns/rrset.h"

namespace redoubt::dns {

MessageBuilder::MessageBuilder(size_t capacity) : writer_(capacity), capacity_(capacity) {
  // Header placeholder; the real one is written by Finish().
  (void)writer_.Bytes(std::array<uint8_t, kHeaderSize>{});
}

Status MessageBuilder::AddQuestion(const Name& qname, RrType qtype, RrClass qclass) {
  if (current_section_ >= 0) return Fail(Errc::kInvalidArgument);
  size_t mark = writer_.size();
  Status s = writer_.WriteName(qname, true);
  if (s) s = writer_.U16(static_cast<uint16_t>(qtype));
  if (s) s = writer_.U16(static_cast<uint16_t>(qclass));
  if (!s) {
    writer_.Truncate(mark);
    return s;
  }
  ++header_.qdcount;
  return {};
}

Status MessageBuilder::ReserveTail(size_t size) {
  if (current_section_ >= 0 || writer_.size() + reserved_ + size > capacity_) {
    return Fail(Errc::kBufferFull);
  }
  reserved_ += size;
  writer_.SetCapacity(capacity_ - reserved_);
  return {};
}

Status MessageBuilder::SetEdns(Edns edns) {
  if (edns_) return Fail(Errc::kInvalidArgument);
  RETURN_IF_ERROR(ReserveTail(OptWireSize(edns)));
  edns_ = std::move(edns);
  return {};
}

uint16_t& MessageBuilder::Count(Section section) {
  switch (section) {
    case Section::kAnswer: return header_.ancount;
    case Section::kAuthority: return header_.nscount;
    case Section::kAdditional: break;
  }
  return header_.arcount;
}

Status MessageBuilder::BeginSection(Section section) {
  int s = static_cast<int>(section);
  if (s < current_section_) return Fail(Errc::kInvalidArgument);
  current_section_ = s;
  if (closed_ && section != Section::kAdditional) return Fail(Errc::kBufferFull);
  return {};
}

Status MessageBuilder::WriteRecord(const Name& owner, RrType type, RrClass klass, uint32_t ttl,
                                   std::span<const uint8_t> rdata) {
  RETURN_IF_ERROR(writer_.WriteName(owner, true));
  RETURN_IF_ERROR(writer_.U16(static_cast<uint16_t>(type)));
  RETURN_IF_ERROR(writer_.U16(static_cast<uint16_t>(klass)));
  RETURN_IF_ERROR(writer_.U32(ttl));
  size_t length_at = writer_.size();
  RETURN_IF_ERROR(writer_.U16(0));
  if (NameRulesOf(type) & kNamesCompress) {
    ASSIGN_OR_RETURN(Rdata typed, DecodeRdata(type, rdata));
    RETURN_IF_ERROR(EncodeRdata(typed, writer_, RdataForm::kMessage));
  } else {
    RETURN_IF_ERROR(writer_.Bytes(rdata));
  }
  size_t length = writer_.size() - length_at - 2;
  if (length > 65535) return Fail(Errc::kBadRdata);
  writer_.PatchU16(length_at, static_cast<uint16_t>(length));
  return {};
}

Status MessageBuilder::Overflow(Section section, size_t mark, uint16_t count_before) {
  writer_.Truncate(mark);
  Count(section) = count_before;
  if (section != Section::kAdditional) {
    header_.tc = true;
    closed_ = true;
  }
  return Fail(Errc::kBufferFull);
}

Status MessageBuilder::AddRecord(Section section, const Name& owner, RrType type, RrClass klass,
                                 uint32_t ttl, std::span<const uint8_t> rdata) {
  RETURN_IF_ERROR(BeginSection(section));
  size_t mark = writer_.size();
  uint16_t before = Count(section);
  Status s = WriteRecord(owner, type, klass, ttl, rdata);
  if (!s) {
    if (s.error().code == Errc::kBufferFull) return Overflow(section, mark, before);
    writer_.Truncate(mark);
    return s;
  }
  ++Count(section);
  return {};
}

Status MessageBuilder::AddRecord(Section section, const Name& owner, RrClass klass, uint32_t ttl,
                                 const Rdata& rdata) {
  ASSIGN_OR_RETURN(auto bytes, RdataToBytes(rdata));
  return AddRecord(section, owner, TypeOf(rdata), klass, ttl, bytes);
}

Status MessageBuilder::AddRRset(Section section, const RRset& rrset) {
  RETURN_IF_ERROR(BeginSection(section));
  size_t mark = writer_.size();
  uint16_t before = Count(section);
  auto add = [&](RrType type, std::span<const uint8_t> rdata) -> Status {
    Status s = WriteRecord(rrset.owner, type, rrset.klass, rrset.ttl, rdata);
    if (s) ++Count(section);
    return s;
  };
  Status s;
  for (const auto& rdata : rrset.rdatas) {
    if (!(s = add(rrset.type, rdata))) break;
  }
  for (size_t i = 0; s && i < rrset.sigs.size(); ++i) {
    auto bytes = RdataToBytes(rrset.sigs[i]);
    s = bytes ? add(RrType::RRSIG, *bytes) : Status(Unexpected<Error>(bytes.error()));
  }
  for (size_t i = 0; s && i < rrset.legacy_sigs.size(); ++i) {
    auto bytes = RdataToBytes(rrset.legacy_sigs[i]);
    s = bytes ? add(RrType::SIG, *bytes) : Status(Unexpected<Error>(bytes.error()));
  }
  if (!s) {
    if (s.error().code == Errc::kBufferFull) return Overflow(section, mark, before);
    writer_.Truncate(mark);
    Count(section) = before;
  }
  return s;
}

Result<std::vector<uint8_t>> MessageBuilder::Finish() && {
  writer_.SetCapacity(capacity_);
  if (edns_) {
    RETURN_IF_ERROR(WriteOpt(writer_, *edns_));
    ++header_.arcount;
  }
  header_.Patch(writer_);
  return std::move(writer_).Release();
}

Result<std::vector<uint8_t>> BuildQuery(const Name& qname, RrType qtype, RrClass qclass,
                                        QueryOptions options) {
  MessageBuilder builder(options.edns ? std::max<size_t>(options.udp_size, 512) : 512);
  builder.header().id = options.id;
  builder.header().rd = options.recursion_desired;
  builder.header().cd = options.checking_disabled;
  RETURN_IF_ERROR(builder.AddQuestion(qname, qtype, qclass));
  if (options.edns) {
    Edns edns;
    edns.udp_size = options.udp_size;
    edns.dnssec_ok = options.dnssec_ok;
    edns.options = std::move(options.options);
    RETURN_IF_ERROR(builder.SetEdns(std::move(edns)));
  }
  return std::move(builder).Finish();
}

}  // namespace redoubt::dns
