// TSIG algorithms, keys, the MAC computation and signing (RFC 8945 sections 4.3, 5.1, 5.3, 6).
#include "crypto/tsig.h"

#include <openssl/crypto.h>

#include <algorithm>
#include <array>

#include "crypto/hmac.h"
#include "crypto/tsig_mac.h"
#include "net/dns/rdata.h"
#include "net/dns/wire_reader.h"
#include "net/dns/wire_writer.h"

namespace redoubt::crypto {
namespace {

// Every accepted spelling, without the final dot. Only `on_wire` rows are RFC 8945 section 6
// names; "hmac-md5" is the configuration shorthand of BIND and dig.
struct AlgorithmRow {
  std::string_view text;
  TsigAlgorithm algorithm;
  size_t mac_length;
  bool on_wire;
};
constexpr AlgorithmRow kAlgorithmRows[] = {
    {"hmac-md5.sig-alg.reg.int", TsigAlgorithm::kHmacMd5, 16, true},
    {"hmac-md5", TsigAlgorithm::kHmacMd5, 16, false},
    {"hmac-sha1", TsigAlgorithm::kHmacSha1, 20, true},
    {"hmac-sha224", TsigAlgorithm::kHmacSha224, 28, true},
    {"hmac-sha256", TsigAlgorithm::kHmacSha256, 32, true},
    {"hmac-sha256-128", TsigAlgorithm::kHmacSha256, 16, true},
    {"hmac-sha384", TsigAlgorithm::kHmacSha384, 48, true},
    {"hmac-sha384-192", TsigAlgorithm::kHmacSha384, 24, true},
    {"hmac-sha512", TsigAlgorithm::kHmacSha512, 64, true},
    {"hmac-sha512-256", TsigAlgorithm::kHmacSha512, 32, true},
    {"gss-tsig", TsigAlgorithm::kGssTsig, 0, true},  // RFC 3645 section 2; wire only.
};

bool EqualsIgnoringCase(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return dns::AsciiLower(static_cast<uint8_t>(x)) == dns::AsciiLower(static_cast<uint8_t>(y));
  });
}

std::optional<TsigAlgorithmSpec> FindAlgorithm(std::string_view text, bool wire_only) {
  if (text.ends_with('.')) text.remove_suffix(1);
  for (const AlgorithmRow& row : kAlgorithmRows) {
    // A GSS-TSIG key is negotiated, never configured (TsigAlgorithmFromText).
    bool allowed = wire_only ? row.on_wire : row.algorithm != TsigAlgorithm::kGssTsig;
    if (allowed && EqualsIgnoringCase(row.text, text)) {
      return TsigAlgorithmSpec{row.algorithm, row.mac_length};
    }
  }
  return std::nullopt;
}

DigestAlgorithm DigestOf(TsigAlgorithm algorithm) noexcept {
  switch (algorithm) {
    case TsigAlgorithm::kHmacMd5: return DigestAlgorithm::kMd5;
    case TsigAlgorithm::kHmacSha1: return DigestAlgorithm::kSha1;
    case TsigAlgorithm::kHmacSha224: return DigestAlgorithm::kSha224;
    case TsigAlgorithm::kHmacSha256: return DigestAlgorithm::kSha256;
    case TsigAlgorithm::kHmacSha384: return DigestAlgorithm::kSha384;
    case TsigAlgorithm::kHmacSha512: return DigestAlgorithm::kSha512;
    case TsigAlgorithm::kGssTsig: break;  // No digest: TsigMacLength answers for it.
  }
  return DigestAlgorithm::kSha256;
}

// TSIG Variables (RFC 8945 section 4.3.3) or, for later stream messages, TSIG Timers
// (section 5.3.1). Names in canonical form: uncompressed, lowercase.
Result<std::vector<uint8_t>> EncodeVariables(const TsigKey& key, const TsigMacInput& in) {
  dns::WireWriter writer(2 * 65536);  // Room for names plus Other Data of up to 65535 octets.
  if (!in.timers_only) {
    RETURN_IF_ERROR(writer.WriteName(key.name, /*compress=*/false, /*lowercase=*/true));
    RETURN_IF_ERROR(writer.U16(static_cast<uint16_t>(dns::RrClass::ANY)));
    RETURN_IF_ERROR(writer.U32(0));  // TTL.
    RETURN_IF_ERROR(writer.WriteName(*in.algorithm_name, false, true));
  }
  RETURN_IF_ERROR(writer.U48(in.time_signed));
  RETURN_IF_ERROR(writer.U16(in.fudge));
  if (!in.timers_only) {
    if (in.other_data.size() > 0xFFFF) return Fail(Errc::kBufferFull);
    RETURN_IF_ERROR(writer.U16(in.error));
    RETURN_IF_ERROR(writer.U16(static_cast<uint16_t>(in.other_data.size())));
    RETURN_IF_ERROR(writer.Bytes(in.other_data));
  }
  return std::move(writer).Release();
}

Status CheckSignOptions(const TsigKey& key, const TsigSignOptions& options) {
  bool bad_time = options.time_signed >> 48 != 0;
  bool two_chains = !options.request_mac.empty() && !options.prior_mac.empty();
  bool stray_unsigned = !options.unsigned_messages.empty() && options.prior_mac.empty();
  size_t mac_length = options.mac_length != 0 ? options.mac_length : key.mac_length;
  bool gss = key.algorithm == TsigAlgorithm::kGssTsig;
  // A MIC is never truncated (specs/gss-tsig.md section 2.3).
  bool bad_length = gss ? mac_length != 0 || key.mic_engine == nullptr
                        : mac_length != 0 && (mac_length < TsigMinimumMacLength(key.algorithm) ||
                                              mac_length > TsigMacLength(key.algorithm));
  bool long_other = options.other_data.size() > 0xFFFF;
  if (bad_time || two_chains || stray_unsigned || bad_length || long_other) {
    return Fail(Errc::kInvalidArgument);
  }
  return {};
}

uint16_t ReadU16(std::span<const uint8_t> bytes, size_t at) {
  return static_cast<uint16_t>(bytes[at] << 8 | bytes[at + 1]);
}

}  // namespace

const dns::Name& TsigAlgorithmName(TsigAlgorithm algorithm) noexcept {
  static const std::array<dns::Name, 7> kNames = {
      *dns::Name::FromText("hmac-md5.sig-alg.reg.int."), *dns::Name::FromText("hmac-sha1."),
      *dns::Name::FromText("hmac-sha224."), *dns::Name::FromText("hmac-sha256."),
      *dns::Name::FromText("hmac-sha384."), *dns::Name::FromText("hmac-sha512."),
      *dns::Name::FromText("gss-tsig.")};
  size_t index = static_cast<size_t>(algorithm);
  return kNames[index < kNames.size() ? index : 0];  // Only a cast-in value is out of range.
}

size_t TsigMacLength(TsigAlgorithm algorithm) noexcept {
  if (algorithm == TsigAlgorithm::kGssTsig) return kMaxGssMicLength;
  return DigestLength(DigestOf(algorithm));
}

size_t TsigMinimumMacLength(TsigAlgorithm algorithm) noexcept {
  if (algorithm == TsigAlgorithm::kGssTsig) return 1;
  return std::max<size_t>(10, TsigMacLength(algorithm) / 2);
}

std::optional<TsigAlgorithmSpec> TsigAlgorithmFromName(const dns::Name& name) {
  return FindAlgorithm(name.ToText(), /*wire_only=*/true);
}

std::optional<TsigAlgorithmSpec> TsigAlgorithmFromText(std::string_view text) {
  return FindAlgorithm(text, /*wire_only=*/false);
}

TsigKey::~TsigKey() { OPENSSL_cleanse(secret.data(), secret.size()); }

Result<std::vector<uint8_t>> TsigMacInputBytes(const TsigKey& key, const TsigMacInput& input) {
  if (input.algorithm_name == nullptr || input.previous_mac.size() > 0xFFFF) {
    return Fail(Errc::kInvalidArgument);
  }
  ASSIGN_OR_RETURN(std::vector<uint8_t> variables, EncodeVariables(key, input));
  std::vector<uint8_t> bytes;
  bytes.reserve(2 + input.previous_mac.size() + input.unsigned_messages.size() +
                input.message.size() + variables.size());
  if (!input.previous_mac.empty()) {
    size_t size = input.previous_mac.size();
    bytes.push_back(static_cast<uint8_t>(size >> 8));
    bytes.push_back(static_cast<uint8_t>(size));
    bytes.insert(bytes.end(), input.previous_mac.begin(), input.previous_mac.end());
  }
  bytes.insert(bytes.end(), input.unsigned_messages.begin(), input.unsigned_messages.end());
  bytes.insert(bytes.end(), input.message.begin(), input.message.end());
  bytes.insert(bytes.end(), variables.begin(), variables.end());
  return bytes;
}

Result<Digest> ComputeTsigMac(const TsigKey& key, const TsigMacInput& input) {
  if (key.algorithm == TsigAlgorithm::kGssTsig) return Fail(Errc::kInvalidArgument);
  ASSIGN_OR_RETURN(std::vector<uint8_t> bytes, TsigMacInputBytes(key, input));
  ASSIGN_OR_RETURN(Hmac hmac, Hmac::Create(DigestOf(key.algorithm), key.secret));
  RETURN_IF_ERROR(hmac.Update(bytes));
  return hmac.Finish();
}

Result<std::vector<uint8_t>> AppendTsigRecord(std::span<const uint8_t> message,
                                              const dns::Name& owner,
                                              const dns::rdata::TSIG& tsig) {
  if (message.size() < dns::kHeaderSize) return Fail(Errc::kTruncated);
  uint16_t arcount = ReadU16(message, 10);
  if (arcount == 0xFFFF) return Fail(Errc::kBufferFull);
  ASSIGN_OR_RETURN(std::vector<uint8_t> rdata, dns::RdataToBytes(dns::Rdata(tsig)));
  if (rdata.size() > 0xFFFF) return Fail(Errc::kBufferFull);
  dns::WireWriter writer(65535);
  RETURN_IF_ERROR(writer.Bytes(message));
  RETURN_IF_ERROR(writer.WriteName(owner, /*compress=*/false));
  RETURN_IF_ERROR(writer.U16(static_cast<uint16_t>(dns::RrType::TSIG)));
  RETURN_IF_ERROR(writer.U16(static_cast<uint16_t>(dns::RrClass::ANY)));
  RETURN_IF_ERROR(writer.U32(0));  // TTL (RFC 8945 section 4.2).
  RETURN_IF_ERROR(writer.U16(static_cast<uint16_t>(rdata.size())));
  RETURN_IF_ERROR(writer.Bytes(rdata));
  writer.PatchU16(10, static_cast<uint16_t>(arcount + 1));
  return std::move(writer).Release();
}

Result<TsigSigned> SignTsig(std::span<const uint8_t> message, const TsigKey& key,
                            const TsigSignOptions& options) {
  if (message.size() < dns::kHeaderSize) return Fail(Errc::kTruncated);
  RETURN_IF_ERROR(CheckSignOptions(key, options));
  dns::rdata::TSIG tsig;
  tsig.algorithm = TsigAlgorithmName(key.algorithm);
  tsig.time_signed.value = options.time_signed;
  tsig.fudge = options.fudge;
  tsig.original_id = ReadU16(message, 0);
  tsig.error = static_cast<uint16_t>(options.error);
  tsig.other.bytes.assign(options.other_data.begin(), options.other_data.end());
  bool later = !options.prior_mac.empty();
  TsigMacInput input{.previous_mac = later ? options.prior_mac : options.request_mac,
                     .unsigned_messages = options.unsigned_messages,
                     .message = message,
                     .timers_only = later,
                     .algorithm_name = &tsig.algorithm,
                     .time_signed = options.time_signed,
                     .fudge = options.fudge,
                     .error = tsig.error,
                     .other_data = options.other_data};
  if (key.algorithm == TsigAlgorithm::kGssTsig) {
    // RFC 3645 section 5: the MAC is GSS_GetMIC over the same input.
    ASSIGN_OR_RETURN(std::vector<uint8_t> bytes, TsigMacInputBytes(key, input));
    ASSIGN_OR_RETURN(tsig.mac.bytes, key.mic_engine->GetMic(bytes));
    if (tsig.mac.bytes.empty() || tsig.mac.bytes.size() > kMaxGssMicLength) {
      return Fail(Errc::kCryptoFailure);
    }
  } else {
    ASSIGN_OR_RETURN(Digest digest, ComputeTsigMac(key, input));
    size_t length = options.mac_length != 0 ? options.mac_length
                    : key.mac_length != 0   ? key.mac_length
                                            : digest.size();
    tsig.mac.bytes.assign(digest.data(), digest.data() + length);
  }
  ASSIGN_OR_RETURN(std::vector<uint8_t> signed_message, AppendTsigRecord(message, key.name, tsig));
  return TsigSigned{std::move(signed_message), std::move(tsig.mac.bytes)};
}

}  // namespace redoubt::crypto
