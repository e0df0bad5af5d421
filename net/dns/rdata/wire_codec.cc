#include "net/dns/rdata/wire_codec.h"

#include <algorithm>
#include <cstring>

namespace redoubt::dns {
namespace {

uint32_t Off(const WireReader& r) { return static_cast<uint32_t>(r.offset()); }

std::vector<uint8_t> ToVector(std::span<const uint8_t> s) { return {s.begin(), s.end()}; }

Status ReadCharString(WireReader& r, std::string& out) {
  ASSIGN_OR_RETURN(uint8_t len, r.U8());
  ASSIGN_OR_RETURN(auto bytes, r.Bytes(len));
  out.assign(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  return {};
}

Status WriteCharString(WireWriter& w, const std::string& s) {
  if (s.size() > 255) return Fail(Errc::kBadRdata);
  if (w.Available() < 1 + s.size()) return Fail(Errc::kBufferFull);
  RETURN_IF_ERROR(w.U8(static_cast<uint8_t>(s.size())));
  return w.Bytes({reinterpret_cast<const uint8_t*>(s.data()), s.size()});
}

Status WriteLengthPrefixed8(WireWriter& w, const std::vector<uint8_t>& bytes) {
  if (bytes.size() > 255) return Fail(Errc::kBadRdata);
  if (w.Available() < 1 + bytes.size()) return Fail(Errc::kBufferFull);
  RETURN_IF_ERROR(w.U8(static_cast<uint8_t>(bytes.size())));
  return w.Bytes(bytes);
}

bool SortedUnique(const std::vector<RrType>& types) {
  for (size_t i = 1; i < types.size(); ++i) {
    if (static_cast<uint16_t>(types[i - 1]) >= static_cast<uint16_t>(types[i])) return false;
  }
  return true;
}

}  // namespace

Status WireFieldReader::Field(uint8_t& v) {
  ASSIGN_OR_RETURN(v, r_.U8());
  return {};
}
Status WireFieldReader::Field(uint16_t& v) {
  ASSIGN_OR_RETURN(v, r_.U16());
  return {};
}
Status WireFieldReader::Field(uint32_t& v) {
  ASSIGN_OR_RETURN(v, r_.U32());
  return {};
}
Status WireFieldReader::Field(RrType& v) {
  ASSIGN_OR_RETURN(uint16_t raw, r_.U16());
  v = static_cast<RrType>(raw);
  return {};
}
Status WireFieldReader::Field(DnssecAlgorithm& v) {
  ASSIGN_OR_RETURN(uint8_t raw, r_.U8());
  v = static_cast<DnssecAlgorithm>(raw);  // Unassigned numbers round-trip (RFC 3597 spirit).
  return {};
}
Status WireFieldReader::Field(Name& v) {
  ASSIGN_OR_RETURN(v, r_.ReadName(allow_pointers_));
  return {};
}
Status WireFieldReader::Field(Ipv4Address& v) {
  ASSIGN_OR_RETURN(auto bytes, r_.Bytes(4));
  std::memcpy(v.bytes.data(), bytes.data(), 4);
  return {};
}
Status WireFieldReader::Field(Ipv6Address& v) {
  ASSIGN_OR_RETURN(auto bytes, r_.Bytes(16));
  std::memcpy(v.bytes.data(), bytes.data(), 16);
  return {};
}
Status WireFieldReader::Field(CharString& v) { return ReadCharString(r_, v.value); }
Status WireFieldReader::Field(TokenString& v) {
  RETURN_IF_ERROR(ReadCharString(r_, v.value));
  if (v.value.empty()) return Fail(Errc::kBadRdata, Off(r_));  // RFC 8659: tag length >= 1.
  return {};
}
Status WireFieldReader::Field(CharStringList& v) {
  v.values.clear();
  if (r_.AtEnd()) return Fail(Errc::kBadRdata, Off(r_));  // RFC 1035: one or more strings.
  while (!r_.AtEnd()) {
    std::string s;
    RETURN_IF_ERROR(ReadCharString(r_, s));
    v.values.push_back(std::move(s));
  }
  return {};
}
Status WireFieldReader::Field(Base64Rest& v) {
  v.bytes = ToVector(r_.Rest());
  return {};
}
Status WireFieldReader::Field(HexRest& v) {
  v.bytes = ToVector(r_.Rest());
  return {};
}
Status WireFieldReader::Field(TextRest& v) {
  auto rest = r_.Rest();
  v.value.assign(reinterpret_cast<const char*>(rest.data()), rest.size());
  return {};
}
Status WireFieldReader::Field(HexU8& v) {
  ASSIGN_OR_RETURN(uint8_t len, r_.U8());
  ASSIGN_OR_RETURN(auto bytes, r_.Bytes(len));
  v.bytes = ToVector(bytes);
  return {};
}
Status WireFieldReader::Field(Base32HexU8& v) {
  ASSIGN_OR_RETURN(uint8_t len, r_.U8());
  if (len == 0) return Fail(Errc::kBadRdata, Off(r_));  // RFC 5155 section 3.2: hash length >= 1.
  ASSIGN_OR_RETURN(auto bytes, r_.Bytes(len));
  v.bytes = ToVector(bytes);
  return {};
}

// RFC 4034 section 4.1.2: windows ascending, each 1..32 octets, no trailing zero octet, so that
// one set of types has exactly one encoding.
Status WireFieldReader::Field(TypeBitmap& v) {
  v.types.clear();
  int last_window = -1;
  while (!r_.AtEnd()) {
    uint32_t at = Off(r_);
    ASSIGN_OR_RETURN(uint8_t window, r_.U8());
    ASSIGN_OR_RETURN(uint8_t len, r_.U8());
    if (static_cast<int>(window) <= last_window || len == 0 || len > 32) {
      return Fail(Errc::kBadRdata, at);
    }
    ASSIGN_OR_RETURN(auto bits, r_.Bytes(len));
    if (bits[len - 1] == 0) return Fail(Errc::kBadRdata, at);
    for (size_t i = 0; i < len; ++i) {
      for (int b = 0; b < 8; ++b) {
        if (bits[i] & (0x80 >> b)) {
          v.types.push_back(static_cast<RrType>(window * 256 + i * 8 + static_cast<size_t>(b)));
        }
      }
    }
    last_window = window;
  }
  return {};
}

// RFC 2535 section 5.2: bit 0 clear (else another format), at most 16 octets, no trailing zero.
Status WireFieldReader::Field(NxtBitmap& v) {
  v.types.clear();
  uint32_t at = Off(r_);
  auto bits = r_.Rest();
  if (bits.empty() || bits.size() > 16 || (bits[0] & 0x80) || bits.back() == 0) {
    return Fail(Errc::kBadRdata, at);
  }
  for (size_t i = 0; i < bits.size(); ++i) {
    for (int b = 0; b < 8; ++b) {
      if (bits[i] & (0x80 >> b)) v.types.push_back(static_cast<RrType>(i * 8 + static_cast<size_t>(b)));
    }
  }
  return {};
}
Status WireFieldReader::Field(Time32& v) {
  ASSIGN_OR_RETURN(v.value, r_.U32());
  return {};
}
Status WireFieldReader::Field(Time48& v) {
  ASSIGN_OR_RETURN(v.value, r_.U48());
  return {};
}
Status WireFieldReader::Field(BlobU16& v) {
  ASSIGN_OR_RETURN(uint16_t len, r_.U16());
  ASSIGN_OR_RETURN(auto bytes, r_.Bytes(len));
  v.bytes = ToVector(bytes);
  return {};
}
Status WireFieldReader::Field(SvcParams& v) {
  v.params.clear();
  int last_key = -1;
  while (!r_.AtEnd()) {
    uint32_t at = Off(r_);
    ASSIGN_OR_RETURN(uint16_t key, r_.U16());
    ASSIGN_OR_RETURN(uint16_t len, r_.U16());
    ASSIGN_OR_RETURN(auto value, r_.Bytes(len));
    // RFC 9460 section 2.2: keys strictly increasing, else the RR is malformed.
    if (static_cast<int>(key) <= last_key) return Fail(Errc::kBadRdata, at);
    RETURN_IF_ERROR(ValidateSvcParamValue(key, value));
    last_key = key;
    v.params.push_back({key, ToVector(value)});
  }
  return {};
}
Status WireFieldReader::Field(EdnsOptionList& v) {
  v.options.clear();
  while (!r_.AtEnd()) {
    uint32_t at = Off(r_);
    auto code = r_.U16();
    auto len = code ? r_.U16() : Result<uint16_t>(Fail(Errc::kBadEdnsOption, at));
    if (!len) return Fail(Errc::kBadEdnsOption, at);
    auto data = r_.Bytes(*len);
    if (!data) return Fail(Errc::kBadEdnsOption, at);
    v.options.push_back({*code, ToVector(*data)});
  }
  return {};
}

Status ValidateSvcParamValue(uint16_t key, std::span<const uint8_t> value) {
  auto bad = [] { return Status(Fail(Errc::kBadRdata)); };
  switch (static_cast<SvcParamKey>(key)) {
    case SvcParamKey::mandatory: {
      if (value.empty() || value.size() % 2 != 0) return bad();
      for (size_t i = 2; i < value.size(); i += 2) {
        if ((value[i - 2] << 8 | value[i - 1]) >= (value[i] << 8 | value[i + 1])) return bad();
      }
      return {};
    }
    case SvcParamKey::alpn: {
      if (value.empty()) return bad();
      for (size_t i = 0; i < value.size(); i += 1 + value[i]) {
        if (value[i] == 0 || i + 1 + value[i] > value.size()) return bad();
      }
      return {};
    }
    case SvcParamKey::no_default_alpn:
    case SvcParamKey::ohttp:
      return value.empty() ? Status() : bad();
    case SvcParamKey::port:
      return value.size() == 2 ? Status() : bad();
    case SvcParamKey::ipv4hint:
      return (!value.empty() && value.size() % 4 == 0) ? Status() : bad();
    case SvcParamKey::ipv6hint:
      return (!value.empty() && value.size() % 16 == 0) ? Status() : bad();
    default:
      return {};
  }
}

Status WireFieldWriter::Field(const CharString& v) { return WriteCharString(w_, v.value); }
Status WireFieldWriter::Field(const TokenString& v) {
  if (v.value.empty()) return Fail(Errc::kBadRdata);
  return WriteCharString(w_, v.value);
}
Status WireFieldWriter::Field(const CharStringList& v) {
  if (v.values.empty()) return Fail(Errc::kBadRdata);
  for (const auto& s : v.values) RETURN_IF_ERROR(WriteCharString(w_, s));
  return {};
}
Status WireFieldWriter::Field(const TextRest& v) {
  return w_.Bytes({reinterpret_cast<const uint8_t*>(v.value.data()), v.value.size()});
}
Status WireFieldWriter::Field(const HexU8& v) { return WriteLengthPrefixed8(w_, v.bytes); }
Status WireFieldWriter::Field(const Base32HexU8& v) {
  if (v.bytes.empty()) return Fail(Errc::kBadRdata);
  return WriteLengthPrefixed8(w_, v.bytes);
}
Status WireFieldWriter::Field(const TypeBitmap& v) {
  if (!SortedUnique(v.types)) return Fail(Errc::kBadRdata);
  size_t i = 0;
  while (i < v.types.size()) {
    auto window = static_cast<uint8_t>(static_cast<uint16_t>(v.types[i]) >> 8);
    uint8_t bits[32] = {};
    size_t len = 0;
    for (; i < v.types.size() && (static_cast<uint16_t>(v.types[i]) >> 8) == window; ++i) {
      auto low = static_cast<uint8_t>(static_cast<uint16_t>(v.types[i]) & 0xFF);
      bits[low / 8] = static_cast<uint8_t>(bits[low / 8] | (0x80 >> (low % 8)));
      len = low / 8 + 1u;
    }
    if (w_.Available() < 2 + len) return Fail(Errc::kBufferFull);
    RETURN_IF_ERROR(w_.U8(window));
    RETURN_IF_ERROR(w_.U8(static_cast<uint8_t>(len)));
    RETURN_IF_ERROR(w_.Bytes({bits, len}));
  }
  return {};
}
Status WireFieldWriter::Field(const NxtBitmap& v) {
  if (!SortedUnique(v.types) || v.types.empty()) return Fail(Errc::kBadRdata);
  uint8_t bits[16] = {};
  size_t len = 0;
  for (RrType t : v.types) {
    auto n = static_cast<uint16_t>(t);
    if (n == 0 || n >= 128) return Fail(Errc::kBadRdata);
    bits[n / 8] = static_cast<uint8_t>(bits[n / 8] | (0x80 >> (n % 8)));
    len = std::max<size_t>(len, n / 8 + 1u);
  }
  return w_.Bytes({bits, len});
}
Status WireFieldWriter::Field(const Time48& v) {
  if (v.value >> 48) return Fail(Errc::kBadRdata);
  return w_.U48(v.value);
}
Status WireFieldWriter::Field(const BlobU16& v) {
  if (v.bytes.size() > 65535) return Fail(Errc::kBadRdata);
  if (w_.Available() < 2 + v.bytes.size()) return Fail(Errc::kBufferFull);
  RETURN_IF_ERROR(w_.U16(static_cast<uint16_t>(v.bytes.size())));
  return w_.Bytes(v.bytes);
}
Status WireFieldWriter::Field(const SvcParams& v) {
  int last_key = -1;
  for (const auto& p : v.params) {
    if (static_cast<int>(p.key) <= last_key || p.value.size() > 65535) return Fail(Errc::kBadRdata);
    RETURN_IF_ERROR(ValidateSvcParamValue(p.key, p.value));
    last_key = p.key;
    if (w_.Available() < 4 + p.value.size()) return Fail(Errc::kBufferFull);
    RETURN_IF_ERROR(w_.U16(p.key));
    RETURN_IF_ERROR(w_.U16(static_cast<uint16_t>(p.value.size())));
    RETURN_IF_ERROR(w_.Bytes(p.value));
  }
  return {};
}
Status WireFieldWriter::Field(const EdnsOptionList& v) {
  for (const auto& o : v.options) {
    if (o.data.size() > 65535) return Fail(Errc::kBadEdnsOption);
    if (w_.Available() < 4 + o.data.size()) return Fail(Errc::kBufferFull);
    RETURN_IF_ERROR(w_.U16(o.code));
    RETURN_IF_ERROR(w_.U16(static_cast<uint16_t>(o.data.size())));
    RETURN_IF_ERROR(w_.Bytes(o.data));
  }
  return {};
}

bool TypeBitmap::Contains(RrType t) const noexcept {
  return std::binary_search(types.begin(), types.end(), t, [](RrType a, RrType b) {
    return static_cast<uint16_t>(a) < static_cast<uint16_t>(b);
  });
}
bool NxtBitmap::Contains(RrType t) const noexcept {
  return std::find(types.begin(), types.end(), t) != types.end();
}

}  // namespace redoubt::dns
