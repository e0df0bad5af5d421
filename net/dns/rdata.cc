#include "net/dns/rdata.h"

#include <array>
#include <utility>

#include "net/dns/rdata/wire_codec.h"

namespace redoubt::dns {
namespace {

constexpr size_t kKnownCount = std::variant_size_v<Rdata> - 1;  // All but Unknown.

template <size_t... I>
constexpr RrType TypeAt(size_t index, std::index_sequence<I...>) {
  constexpr RrType kTypes[] = {std::variant_alternative_t<I, Rdata>::kType...};
  return kTypes[index];
}

// The alternative of each type code below 256 (kKnownCount for none), built at compile time:
// every record parsed asks, so a lookup is one load, not a scan of the alternatives.
constexpr std::array<uint8_t, 256> kIndexOfSmallType = [] {
  static_assert(kKnownCount < 255);
  std::array<uint8_t, 256> table{};
  table.fill(static_cast<uint8_t>(kKnownCount));
  for (size_t i = 0; i < kKnownCount; ++i) {
    auto code = static_cast<uint16_t>(TypeAt(i, std::make_index_sequence<kKnownCount>()));
    if (code < table.size()) table[code] = static_cast<uint8_t>(i);
  }
  return table;
}();

// Index of the alternative for `type`, or kKnownCount for Unknown.
size_t AlternativeIndex(RrType type) noexcept {
  auto code = static_cast<uint16_t>(type);
  if (code < kIndexOfSmallType.size()) return kIndexOfSmallType[code];
  for (size_t i = 0; i < kKnownCount; ++i) {  // The few types past 255 (CAA, TA, DLV...).
    if (TypeAt(i, std::make_index_sequence<kKnownCount>()) == type) return i;
  }
  return kKnownCount;
}

template <size_t... I>
constexpr uint8_t RulesAt(size_t index, std::index_sequence<I...>) {
  constexpr uint8_t kRules[] = {std::variant_alternative_t<I, Rdata>::kNameRules...};
  return kRules[index];
}

template <size_t I = 0>
Result<Rdata> DecodeAlternative(size_t index, RrType type, WireReader& reader) {
  if constexpr (I == kKnownCount) {
    auto rest = reader.Rest();
    return Rdata(rdata::Unknown{type, {rest.begin(), rest.end()}});
  } else {
    if (index != I) return DecodeAlternative<I + 1>(index, type, reader);
    using T = std::variant_alternative_t<I, Rdata>;
    T value;
    WireFieldReader visitor(reader, (T::kNameRules & kNamesDecompress) != 0);
    RETURN_IF_ERROR(value.Fields(visitor));
    return Rdata(std::move(value));
  }
}

}  // namespace

RrType TypeOf(const Rdata& rdata) noexcept {
  return std::visit(
      [](const auto& r) -> RrType {
        using T = std::decay_t<decltype(r)>;
        if constexpr (std::is_same_v<T, rdata::Unknown>) {
          return r.type;
        } else {
          return T::kType;
        }
      },
      rdata);
}

bool IsKnownType(RrType type) noexcept { return AlternativeIndex(type) != kKnownCount; }

uint8_t NameRulesOf(RrType type) noexcept {
  size_t i = AlternativeIndex(type);
  return i == kKnownCount ? static_cast<uint8_t>(kNamesPlain) : RulesAt(i, std::make_index_sequence<kKnownCount>());
}

Result<Rdata> DecodeRdata(RrType type, WireReader reader) {
  ASSIGN_OR_RETURN(Rdata value, DecodeAlternative(AlternativeIndex(type), type, reader));
  RETURN_IF_ERROR(reader.ExpectEnd());
  return value;
}

Result<Rdata> DecodeRdata(RrType type, std::span<const uint8_t> bytes) {
  return DecodeRdata(type, WireReader::ForBytes(bytes));
}

Status EncodeRdata(const Rdata& rdata, WireWriter& writer, RdataForm form) {
  return std::visit(
      [&](const auto& r) -> Status {
        using T = std::decay_t<decltype(r)>;
        if constexpr (std::is_same_v<T, rdata::Unknown>) {
          return writer.Bytes(r.bytes);
        } else {
          bool compress = form == RdataForm::kMessage && (T::kNameRules & kNamesCompress);
          bool lowercase = form == RdataForm::kCanonical && (T::kNameRules & kNamesLowercase);
          WireFieldWriter visitor(writer, compress, lowercase);
          return r.Fields(visitor);
        }
      },
      rdata);
}

Result<std::vector<uint8_t>> RdataToBytes(const Rdata& rdata, RdataForm form) {
  WireWriter writer;
  RETURN_IF_ERROR(EncodeRdata(rdata, writer, form == RdataForm::kMessage ? RdataForm::kUncompressed : form));
  return std::move(writer).Release();
}

Result<std::vector<uint8_t>> UncompressRdata(RrType type, WireReader reader) {
  ASSIGN_OR_RETURN(Rdata value, DecodeRdata(type, reader));
  return RdataToBytes(value, RdataForm::kUncompressed);
}

}  // namespace redoubt::dns
