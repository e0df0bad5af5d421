// Presentation-format visitors for RDATA fields (fields.h): the text context of the
// one-description-per-type scheme. RFC 1035 section 5.1 for the basic syntax; each field type's
// format is the one BIND and ldns print, so their output and ours can be compared.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "net/dns/rdata/fields.h"

namespace redoubt::dns {

// One token of a zone-file line. `text` keeps escapes unprocessed ("a\.b", "\034"): names need
// them raw, and character-strings decode them in the field reader. `quoted` tokens came in
// double quotes (the quotes are removed).
struct Token {
  std::string text;
  bool quoted = false;
};

// Appends fields to a string, separated by single spaces.
class TextFieldWriter : public FieldVisitor<TextFieldWriter> {
 public:
  explicit TextFieldWriter(std::string& out) : out_(out) {}

  Status Field(const uint8_t& v) { return Put(std::to_string(v)); }
  Status Field(const uint16_t& v) { return Put(std::to_string(v)); }
  Status Field(const uint32_t& v) { return Put(std::to_string(v)); }
  Status Field(const RrType& v) { return Put(RrTypeToText(v)); }
  // Numeric, as BIND and ldns print it, so any reader accepts it.
  Status Field(const DnssecAlgorithm& v) { return Put(std::to_string(static_cast<unsigned>(v))); }
  Status Field(const Name& v) { return Put(v.ToText()); }
  Status Field(const Ipv4Address& v);
  Status Field(const Ipv6Address& v);
  Status Field(const CharString& v);
  Status Field(const TokenString& v);
  Status Field(const CharStringList& v);
  Status Field(const Base64Rest& v);
  Status Field(const HexRest& v);
  Status Field(const TextRest& v);
  Status Field(const HexU8& v);
  Status Field(const Base32HexU8& v);
  Status Field(const TypeBitmap& v);
  Status Field(const NxtBitmap& v);
  Status Field(const Time32& v);
  Status Field(const Time48& v) { return Put(std::to_string(v.value)); }
  Status Field(const BlobU16& v);
  Status Field(const SvcParams& v);
  Status Field(const EdnsOptionList& v);

 private:
  Status Put(std::string_view token);
  std::string& out_;
};

// Reads fields from tokens. Names are completed with `origin`; "@" is the origin.
class TextFieldReader : public FieldVisitor<TextFieldReader> {
 public:
  TextFieldReader(std::span<const Token> tokens, const Name& origin)
      : tokens_(tokens), origin_(origin) {}

  // True when every token was used (callers check this after all fields).
  bool Done() const { return pos_ == tokens_.size(); }

  Status Field(uint8_t& v);
  Status Field(uint16_t& v);
  Status Field(uint32_t& v);
  Status Field(RrType& v);
  // A decimal or an IANA mnemonic, case-insensitive (DnssecAlgorithmFromText); kUnknownAlgorithm
  // otherwise.
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
  Result<const Token*> Next();
  std::string JoinRest();
  Result<std::vector<RrType>> ReadTypeList();

  std::span<const Token> tokens_;
  size_t pos_ = 0;
  const Name& origin_;
};

// Decodes RFC 1035 escapes ("\X", "\DDD") in a character-string token. kBadEscape on a bad one.
Result<std::string> UnescapeString(std::string_view text);
// Quotes a character-string for presentation: printable ASCII kept, '"' and '\' escaped,
// everything else as \DDD.
std::string QuoteString(std::string_view bytes);
// Parses a decimal number or, when allow_units, a TTL with units ("1w2d3h4m5s", RFC 2308
// section 4 style as BIND accepts it), up to max. kBadNumber otherwise.
Result<uint64_t> ParseNumber(std::string_view text, uint64_t max, bool allow_units);
// "YYYYMMDDHHMMSS" (UTC) or a plain integer, to 32-bit serial time (RFC 4034 section 3.2).
Result<uint32_t> ParseSignatureTime(std::string_view text);
std::string FormatSignatureTime(uint32_t value);

// SvcParams presentation (RFC 9460 section 2.1, Appendix A); in svcb_text.cc.
std::string SvcParamsToText(const SvcParams& params);
Result<SvcParams> SvcParamsFromText(std::span<const Token> tokens);

}  // namespace redoubt::dns
