// Wire visitors for RDATA fields (fields.h). Used by rdata.cc; exposed for tests and for
// record types that need to read a single field.
#pragma once

#include "net/dns/rdata/fields.h"
#include "net/dns/wire_reader.h"
#include "net/dns/wire_writer.h"

namespace redoubt::dns {

// Reads fields from a reader limited to the RDATA.
class WireFieldReader : public FieldVisitor<WireFieldReader> {
 public:
  WireFieldReader(WireReader& reader, bool allow_pointers)
      : r_(reader), allow_pointers_(allow_pointers) {}

  Status Field(uint8_t& v);
  Status Field(uint16_t& v);
  Status Field(uint32_t& v);
  Status Field(RrType& v);
  Status Field(DnssecAlgorithm& v);
  Status Field(Name& v);
  Status Field(Ipv4Address& v);
  Status Field(Ipv6Address& v);
  Status Field(CharString& v);
  Status Field(TokenString& v);
  Status Field(CharStringList& v);
  Status Field(Base64Rest& v);
  Status Field(HexRest& v);
  Status Field(TextRest& v);
  Status Field(HexU8& v);
  Status Field(Base32HexU8& v);
  Status Field(TypeBitmap& v);
  Status Field(NxtBitmap& v);
  Status Field(Time32& v);
  Status Field(Time48& v);
  Status Field(BlobU16& v);
  Status Field(SvcParams& v);
  Status Field(EdnsOptionList& v);

 private:
  WireReader& r_;
  bool allow_pointers_;
};

// Writes fields. Names are compressed when `compress` and lowercased when `lowercase`.
class WireFieldWriter : public FieldVisitor<WireFieldWriter> {
 public:
  WireFieldWriter(WireWriter& writer, bool compress, bool lowercase)
      : w_(writer), compress_(compress), lowercase_(lowercase) {}

  Status Field(const uint8_t& v) { return w_.U8(v); }
  Status Field(const uint16_t& v) { return w_.U16(v); }
  Status Field(const uint32_t& v) { return w_.U32(v); }
  Status Field(const RrType& v) { return w_.U16(static_cast<uint16_t>(v)); }
  Status Field(const DnssecAlgorithm& v) { return w_.U8(static_cast<uint8_t>(v)); }
  Status Field(const Name& v) { return w_.WriteName(v, compress_, lowercase_); }
  Status Field(const Ipv4Address& v) { return w_.Bytes(v.bytes); }
  Status Field(const Ipv6Address& v) { return w_.Bytes(v.bytes); }
  Status Field(const CharString& v);
  Status Field(const TokenString& v);
  Status Field(const CharStringList& v);
  Status Field(const Base64Rest& v) { return w_.Bytes(v.bytes); }
  Status Field(const HexRest& v) { return w_.Bytes(v.bytes); }
  Status Field(const TextRest& v);
  Status Field(const HexU8& v);
  Status Field(const Base32HexU8& v);
  Status Field(const TypeBitmap& v);
  Status Field(const NxtBitmap& v);
  Status Field(const Time32& v) { return w_.U32(v.value); }
  Status Field(const Time48& v);
  Status Field(const BlobU16& v);
  Status Field(const SvcParams& v);
  Status Field(const EdnsOptionList& v);

 private:
  WireWriter& w_;
  bool compress_;
  bool lowercase_;
};

// Validates one SvcParam value's wire form for the known keys (RFC 9460 section 7).
Status ValidateSvcParamValue(uint16_t key, std::span<const uint8_t> value);

}  // namespace redoubt::dns
