#include "net/dns/presentation.h"

#include "net/dns/base_encoding.h"

namespace redoubt::dns {

std::string RdataToText(const Rdata& rdata) {
  return std::visit(
      [](const auto& r) -> std::string {
        using T = std::decay_t<decltype(r)>;
        if constexpr (std::is_same_v<T, rdata::Unknown>) {
          return GenericRdataText(r.bytes);
        } else {
          std::string out;
          TextFieldWriter writer(out);
          (void)r.Fields(writer);  // Writing text cannot fail.
          return out;
        }
      },
      rdata);
}

std::string RdataBytesToText(RrType type, std::span<const uint8_t> rdata) {
  auto typed = DecodeRdata(type, rdata);
  if (!typed) return GenericRdataText(rdata);
  return RdataToText(*typed);
}

std::string GenericRdataText(std::span<const uint8_t> rdata) {
  std::string out = "\\# " + std::to_string(rdata.size());
  if (!rdata.empty()) out += " " + EncodeHex(rdata);
  return out;
}

namespace {

Result<std::vector<uint8_t>> GenericFromText(RrType type, std::span<const Token> tokens) {
  // tokens[0] is "\#".
  if (tokens.size() < 2) return Fail(Errc::kSyntax);
  ASSIGN_OR_RETURN(uint64_t len, ParseNumber(tokens[1].text, 65535, false));
  std::string hex;
  for (size_t i = 2; i < tokens.size(); ++i) hex += tokens[i].text;
  ASSIGN_OR_RETURN(std::vector<uint8_t> bytes, DecodeHex(hex));
  if (bytes.size() != len) return Fail(Errc::kRdataLength);
  // RFC 3597 section 5: the generic form of a known type must be valid RDATA of that type.
  if (IsKnownType(type)) RETURN_IF_ERROR(DecodeRdata(type, bytes));
  return bytes;
}

bool IsGenericMarker(std::span<const Token> tokens) {
  return !tokens.empty() && !tokens[0].quoted && tokens[0].text == "\\#";
}

template <size_t I = 0>
Result<Rdata> ParseAlternative(RrType type, TextFieldReader& reader) {
  if constexpr (I + 1 == std::variant_size_v<Rdata>) {
    return Fail(Errc::kUnknownType);  // Unknown types have only the generic form.
  } else {
    using T = std::variant_alternative_t<I, Rdata>;
    if (T::kType != type) return ParseAlternative<I + 1>(type, reader);
    T value;
    RETURN_IF_ERROR(value.Fields(reader));
    return Rdata(std::move(value));
  }
}

}  // namespace

Result<Rdata> RdataFromText(RrType type, std::span<const Token> tokens, const Name& origin) {
  if (IsGenericMarker(tokens)) {
    ASSIGN_OR_RETURN(auto bytes, GenericFromText(type, tokens));
    if (!IsKnownType(type)) return Rdata(rdata::Unknown{type, std::move(bytes)});
    return DecodeRdata(type, bytes);
  }
  TextFieldReader reader(tokens, origin);
  ASSIGN_OR_RETURN(Rdata value, ParseAlternative(type, reader));
  if (!reader.Done()) return Fail(Errc::kSyntax);
  // Values that cannot be encoded (a 300-octet string, an empty TXT) fail here, not later.
  RETURN_IF_ERROR(RdataToBytes(value));
  return value;
}

Result<std::vector<uint8_t>> RdataBytesFromText(RrType type, std::span<const Token> tokens,
                                                const Name& origin) {
  if (IsGenericMarker(tokens)) return GenericFromText(type, tokens);
  ASSIGN_OR_RETURN(Rdata value, RdataFromText(type, tokens, origin));
  return RdataToBytes(value);
}

std::string RecordToText(const Record& record, bool generic) {
  std::string out = record.owner.ToText();
  out += '\t';
  out += std::to_string(record.ttl);
  out += '\t';
  out += RrClassToText(record.klass);
  out += '\t';
  if (generic) {
    out += "TYPE" + std::to_string(static_cast<uint16_t>(record.type));
    out += '\t';
    out += GenericRdataText(record.rdata);
  } else {
    out += RrTypeToText(record.type);
    out += '\t';
    out += RdataBytesToText(record.type, record.rdata);
  }
  return out;
}

}  // namespace redoubt::dns
