#include "net/dns/rdata/text_codec.h"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <ctime>
#include <limits>

#include "net/dns/base_encoding.h"

namespace redoubt::dns {

// ---- Helpers shared by both directions.

Result<std::string> UnescapeString(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\\') {
      out.push_back(text[i]);
      continue;
    }
    if (i + 1 >= text.size()) return Fail(Errc::kBadEscape, static_cast<uint32_t>(i));
    char c = text[i + 1];
    if (c >= '0' && c <= '9') {
      if (i + 3 >= text.size()) return Fail(Errc::kBadEscape, static_cast<uint32_t>(i));
      unsigned v = 0;
      for (size_t k = 1; k <= 3; ++k) {
        char d = text[i + k];
        if (d < '0' || d > '9') return Fail(Errc::kBadEscape, static_cast<uint32_t>(i));
        v = v * 10 + static_cast<unsigned>(d - '0');
      }
      if (v > 255) return Fail(Errc::kBadEscape, static_cast<uint32_t>(i));
      out.push_back(static_cast<char>(v));
      i += 3;
    } else {
      out.push_back(c);
      i += 1;
    }
  }
  return out;
}

std::string QuoteString(std::string_view bytes) {
  std::string out = "\"";
  for (char ch : bytes) {
    auto c = static_cast<uint8_t>(ch);
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(ch);
    } else if (c < 0x20 || c >= 0x7F) {
      char buf[5] = {'\\', static_cast<char>('0' + c / 100), static_cast<char>('0' + c / 10 % 10),
                     static_cast<char>('0' + c % 10), 0};
      out += buf;
    } else {
      out.push_back(ch);
    }
  }
  out.push_back('"');
  return out;
}

Result<uint64_t> ParseNumber(std::string_view text, uint64_t max, bool allow_units) {
  if (text.empty()) return Fail(Errc::kBadNumber);
  uint64_t total = 0, current = 0;
  bool digits = false, any_unit = false;
  for (char c : text) {
    if (c >= '0' && c <= '9') {
      current = current * 10 + static_cast<uint64_t>(c - '0');
      if (current > max) return Fail(Errc::kBadNumber);
      digits = true;
      continue;
    }
    if (!allow_units || !digits) return Fail(Errc::kBadNumber);
    uint64_t unit = 0;
    switch (c | 0x20) {
      case 'w': unit = 604800; break;
      case 'd': unit = 86400; break;
      case 'h': unit = 3600; break;
      case 'm': unit = 60; break;
      case 's': unit = 1; break;
      default: return Fail(Errc::kBadNumber);
    }
    total += current * unit;
    if (total > max) return Fail(Errc::kBadNumber);
    current = 0;
    digits = false;
    any_unit = true;
  }
  if (!any_unit) return current;
  total += current;  // Trailing digits after units are seconds ("1h30"), as BIND reads them.
  if (total > max) return Fail(Errc::kBadNumber);
  return total;
}

Result<uint32_t> ParseSignatureTime(std::string_view text) {
  bool all_digits = !text.empty() && std::all_of(text.begin(), text.end(),
                                                 [](char c) { return c >= '0' && c <= '9'; });
  if (!all_digits) return Fail(Errc::kBadTime);
  if (text.size() != 14) {
    ASSIGN_OR_RETURN(uint64_t v, ParseNumber(text, 0xFFFFFFFFULL, false));
    return static_cast<uint32_t>(v);
  }
  auto num = [&](size_t at, size_t len) {
    int v = 0;
    for (size_t i = at; i < at + len; ++i) v = v * 10 + (text[i] - '0');
    return v;
  };
  std::tm tm{};
  tm.tm_year = num(0, 4) - 1900;
  tm.tm_mon = num(4, 2) - 1;
  tm.tm_mday = num(6, 2);
  tm.tm_hour = num(8, 2);
  tm.tm_min = num(10, 2);
  tm.tm_sec = num(12, 2);
  if (tm.tm_mon < 0 || tm.tm_mon > 11 || tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour > 23 ||
      tm.tm_min > 59 || tm.tm_sec > 60) {
    return Fail(Errc::kBadTime);
  }
  time_t t = timegm(&tm);
  // Serial arithmetic (RFC 1982): the 32-bit field holds the time modulo 2^32.
  return static_cast<uint32_t>(static_cast<uint64_t>(t));
}

std::string FormatSignatureTime(uint32_t value) {
  time_t t = static_cast<time_t>(value);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d%02d%02d%02d%02d%02d", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

// ---- Writer.

Status TextFieldWriter::Put(std::string_view token) {
  if (!out_.empty()) out_.push_back(' ');
  out_.append(token);
  return {};
}

Status TextFieldWriter::Field(const Ipv4Address& v) {
  char buf[INET_ADDRSTRLEN];
  inet_ntop(AF_INET, v.bytes.data(), buf, sizeof buf);
  return Put(buf);
}
Status TextFieldWriter::Field(const Ipv6Address& v) {
  char buf[INET6_ADDRSTRLEN];
  inet_ntop(AF_INET6, v.bytes.data(), buf, sizeof buf);
  return Put(buf);
}
Status TextFieldWriter::Field(const CharString& v) { return Put(QuoteString(v.value)); }
Status TextFieldWriter::Field(const TokenString& v) {
  std::string quoted = QuoteString(v.value);
  // Bare when it needs no quoting (the usual CAA tag); quoted otherwise.
  bool plain = quoted.size() == v.value.size() + 2 &&
               v.value.find_first_of(" ;()") == std::string::npos && !v.value.empty();
  return Put(plain ? v.value : quoted);
}
Status TextFieldWriter::Field(const CharStringList& v) {
  for (const auto& s : v.values) RETURN_IF_ERROR(Put(QuoteString(s)));
  return {};
}
Status TextFieldWriter::Field(const Base64Rest& v) {
  if (v.bytes.empty()) return {};
  return Put(EncodeBase64(v.bytes));
}
Status TextFieldWriter::Field(const HexRest& v) {
  if (v.bytes.empty()) return {};
  return Put(EncodeHex(v.bytes));
}
Status TextFieldWriter::Field(const TextRest& v) { return Put(QuoteString(v.value)); }
Status TextFieldWriter::Field(const HexU8& v) {
  return Put(v.bytes.empty() ? std::string("-") : EncodeHex(v.bytes));
}
Status TextFieldWriter::Field(const Base32HexU8& v) { return Put(EncodeBase32Hex(v.bytes)); }
Status TextFieldWriter::Field(const TypeBitmap& v) {
  for (RrType t : v.types) RETURN_IF_ERROR(Put(RrTypeToText(t)));
  return {};
}
Status TextFieldWriter::Field(const NxtBitmap& v) {
  for (RrType t : v.types) RETURN_IF_ERROR(Put(RrTypeToText(t)));
  return {};
}
Status TextFieldWriter::Field(const Time32& v) { return Put(FormatSignatureTime(v.value)); }
Status TextFieldWriter::Field(const BlobU16& v) {
  RETURN_IF_ERROR(Put(std::to_string(v.bytes.size())));
  if (v.bytes.empty()) return {};
  return Put(EncodeBase64(v.bytes));
}
Status TextFieldWriter::Field(const SvcParams& v) {
  if (v.params.empty()) return {};
  return Put(SvcParamsToText(v));
}
Status TextFieldWriter::Field(const EdnsOptionList& v) {
  for (const auto& o : v.options) {
    RETURN_IF_ERROR(Put(std::to_string(o.code) + ":" + EncodeHex(o.data)));
  }
  return {};
}

// ---- Reader.

Result<const Token*> TextFieldReader::Next() {
  if (pos_ >= tokens_.size()) return Fail(Errc::kSyntax, static_cast<uint32_t>(pos_));
  return &tokens_[pos_++];
}

std::string TextFieldReader::JoinRest() {
  std::string joined;
  for (; pos_ < tokens_.size(); ++pos_) joined += tokens_[pos_].text;
  return joined;
}

namespace {
template <class T>
Status ReadInteger(const Token& t, T& out, bool allow_units = false) {
  ASSIGN_OR_RETURN(uint64_t v, ParseNumber(t.text, std::numeric_limits<T>::max(), allow_units));
  out = static_cast<T>(v);
  return {};
}
}  // namespace

Status TextFieldReader::Field(uint8_t& v) {
  ASSIGN_OR_RETURN(const Token* t, Next());
  return ReadInteger(*t, v);
}
Status TextFieldReader::Field(uint16_t& v) {
  ASSIGN_OR_RETURN(const Token* t, Next());
  return ReadInteger(*t, v);
}
Status TextFieldReader::Field(uint32_t& v) {
  ASSIGN_OR_RETURN(const Token* t, Next());
  return ReadInteger(*t, v, /*allow_units=*/true);  // SOA timers may carry units.
}
Status TextFieldReader::Field(RrType& v) {
  ASSIGN_OR_RETURN(const Token* t, Next());
  auto type = RrTypeFromText(t->text);
  if (!type) return Fail(Errc::kUnknownType);
  v = *type;
  return {};
}
Status TextFieldReader::Field(DnssecAlgorithm& v) {
  ASSIGN_OR_RETURN(const Token* t, Next());
  auto algorithm = DnssecAlgorithmFromText(t->text);
  if (!algorithm) return Fail(Errc::kUnknownAlgorithm);
  v = *algorithm;
  return {};
}
Status TextFieldReader::Field(Name& v) {
  ASSIGN_OR_RETURN(const Token* t, Next());
  if (t->text == "@" && !t->quoted) {
    v = origin_;
    return {};
  }
  ASSIGN_OR_RETURN(v, Name::FromText(t->text, origin_));
  return {};
}
Status TextFieldReader::Field(Ipv4Address& v) {
  ASSIGN_OR_RETURN(const Token* t, Next());
  if (inet_pton(AF_INET, t->text.c_str(), v.bytes.data()) != 1) return Fail(Errc::kSyntax);
  return {};
}
Status TextFieldReader::Field(Ipv6Address& v) {
  ASSIGN_OR_RETURN(const Token* t, Next());
  if (inet_pton(AF_INET6, t->text.c_str(), v.bytes.data()) != 1) return Fail(Errc::kSyntax);
  return {};
}
Status TextFieldReader::Field(CharString& v) {
  ASSIGN_OR_RETURN(const Token* t, Next());
  ASSIGN_OR_RETURN(v.value, UnescapeString(t->text));
  if (v.value.size() > 255) return Fail(Errc::kBadRdata);
  return {};
}
Status TextFieldReader::Field(TokenString& v) {
  ASSIGN_OR_RETURN(const Token* t, Next());
  ASSIGN_OR_RETURN(v.value, UnescapeString(t->text));
  if (v.value.empty() || v.value.size() > 255) return Fail(Errc::kBadRdata);
  return {};
}
Status TextFieldReader::Field(CharStringList& v) {
  v.values.clear();
  if (pos_ >= tokens_.size()) return Fail(Errc::kSyntax);
  while (pos_ < tokens_.size()) {
    CharString s;
    RETURN_IF_ERROR(Field(s));
    v.values.push_back(std::move(s.value));
  }
  return {};
}
Status TextFieldReader::Field(Base64Rest& v) {
  ASSIGN_OR_RETURN(v.bytes, DecodeBase64(JoinRest()));
  return {};
}
Status TextFieldReader::Field(HexRest& v) {
  ASSIGN_OR_RETURN(v.bytes, DecodeHex(JoinRest()));
  return {};
}
Status TextFieldReader::Field(TextRest& v) {
  ASSIGN_OR_RETURN(const Token* t, Next());
  ASSIGN_OR_RETURN(v.value, UnescapeString(t->text));
  return {};
}
Status TextFieldReader::Field(HexU8& v) {
  ASSIGN_OR_RETURN(const Token* t, Next());
  if (t->text == "-") {
    v.bytes.clear();
    return {};
  }
  ASSIGN_OR_RETURN(v.bytes, DecodeHex(t->text));
  if (v.bytes.empty() || v.bytes.size() > 255) return Fail(Errc::kBadHex);
  return {};
}
Status TextFieldReader::Field(Base32HexU8& v) {
  ASSIGN_OR_RETURN(const Token* t, Next());
  ASSIGN_OR_RETURN(v.bytes, DecodeBase32Hex(t->text));
  if (v.bytes.empty() || v.bytes.size() > 255) return Fail(Errc::kBadBase32);
  return {};
}
Result<std::vector<RrType>> TextFieldReader::ReadTypeList() {
  std::vector<RrType> types;
  while (pos_ < tokens_.size()) {
    auto type = RrTypeFromText(tokens_[pos_++].text);
    if (!type) return Fail(Errc::kUnknownType);
    types.push_back(*type);
  }
  auto less = [](RrType a, RrType b) { return static_cast<uint16_t>(a) < static_cast<uint16_t>(b); };
  std::sort(types.begin(), types.end(), less);
  types.erase(std::unique(types.begin(), types.end()), types.end());
  return types;
}
Status TextFieldReader::Field(TypeBitmap& v) {
  ASSIGN_OR_RETURN(v.types, ReadTypeList());
  return {};
}
Status TextFieldReader::Field(NxtBitmap& v) {
  ASSIGN_OR_RETURN(v.types, ReadTypeList());
  return {};
}
Status TextFieldReader::Field(Time32& v) {
  ASSIGN_OR_RETURN(const Token* t, Next());
  ASSIGN_OR_RETURN(v.value, ParseSignatureTime(t->text));
  return {};
}
Status TextFieldReader::Field(Time48& v) {
  ASSIGN_OR_RETURN(const Token* t, Next());
  ASSIGN_OR_RETURN(v.value, ParseNumber(t->text, (1ULL << 48) - 1, false));
  return {};
}
Status TextFieldReader::Field(BlobU16& v) {
  ASSIGN_OR_RETURN(const Token* t, Next());
  ASSIGN_OR_RETURN(uint64_t len, ParseNumber(t->text, 65535, false));
  v.bytes.clear();
  if (len == 0) return {};
  ASSIGN_OR_RETURN(const Token* data, Next());
  ASSIGN_OR_RETURN(v.bytes, DecodeBase64(data->text));
  if (v.bytes.size() != len) return Fail(Errc::kBadRdata);
  return {};
}
Status TextFieldReader::Field(SvcParams& v) {
  ASSIGN_OR_RETURN(v, SvcParamsFromText(tokens_.subspan(pos_)));
  pos_ = tokens_.size();
  return {};
}
Status TextFieldReader::Field(EdnsOptionList&) {
  return Fail(Errc::kSyntax);  // OPT never appears in zone files (RFC 6891 section 6.1.1).
}

}  // namespace redoubt::dns
