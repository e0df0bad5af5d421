#include "crypto/dnssec_key.h"

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/obj_mac.h>

#include <algorithm>
#include <array>

#include "crypto/dnssec_algorithms.h"
#include "crypto/dnssec_evp.h"
#include "crypto/dss_signature.h"

namespace redoubt::crypto {
namespace {

using dns::DnssecAlgorithm;

constexpr unsigned kMinRsaBits = 1024;  // RFC 8624 section 3.1 and operational floor.
constexpr unsigned kMinLegacyRsaBits = 512;  // RFC 2537 section 2, RFC 3110 section 2.
constexpr unsigned kMaxRsaBits = 4096;  // RFC 3110 section 2.
constexpr unsigned kMaxRsaExponentBits = 64;  // OpenSSL's OPENSSL_RSA_MAX_PUBEXP_BITS.

// RFC 2536 section 2: the key is T | Q | P | G | Y with Q 20 octets and P, G and Y each
// 64 + 8 T octets, T at most 8 (P of 512..1024 bits). Section 3: the signature is T | R | S,
// R and S 20 octets each.
constexpr uint8_t kMaxDsaT = 8;
constexpr size_t kDsaQOctets = 20;
constexpr size_t kDsaSignatureOctets = 1 + 2 * kDsaQOctets;
constexpr size_t DsaIntegerOctets(uint8_t t) noexcept { return 64 + 8 * size_t{t}; }

// The smallest modulus accepted: 512 bits for the KEY-era RSA algorithms (RSAMD5, RSASHA1) below
// a legacy trust point, 1024 for everything else.
unsigned MinRsaBits(DnssecAlgorithm algorithm, AlgorithmPolicy policy) noexcept {
  bool key_era = algorithm == DnssecAlgorithm::RSAMD5 || algorithm == DnssecAlgorithm::RSASHA1;
  bool legacy = policy == AlgorithmPolicy::kLegacyTrustPoint;
  return legacy && key_era ? kMinLegacyRsaBits : kMinRsaBits;
}

// Octets in one ECDSA coordinate (and in r or s): 32 for P-256, 48 for P-384; 0 otherwise.
size_t EcCoordinateLength(DnssecAlgorithm algorithm) noexcept {
  if (algorithm == DnssecAlgorithm::ECDSAP256SHA256) return 32;
  if (algorithm == DnssecAlgorithm::ECDSAP384SHA384) return 48;
  return 0;
}

// RFC 8080 section 3 key and section 4 signature lengths; 0 for other algorithms.
size_t EdKeyLength(DnssecAlgorithm algorithm) noexcept {
  if (algorithm == DnssecAlgorithm::ED25519) return 32;
  if (algorithm == DnssecAlgorithm::ED448) return 57;
  return 0;
}
size_t EdSignatureLength(DnssecAlgorithm algorithm) noexcept {
  if (algorithm == DnssecAlgorithm::ED25519) return 64;
  if (algorithm == DnssecAlgorithm::ED448) return 114;
  return 0;
}

std::span<const uint8_t> StripLeadingZeros(std::span<const uint8_t> bytes) noexcept {
  size_t zeros = 0;
  while (zeros < bytes.size() && bytes[zeros] == 0) ++zeros;
  return bytes.subspan(zeros);
}

// Bits in a big-endian unsigned integer without leading zero octets.
unsigned BitLength(std::span<const uint8_t> bytes) noexcept {
  if (bytes.empty()) return 0;
  unsigned top = 0;
  for (unsigned v = bytes[0]; v != 0; v >>= 1) ++top;
  return static_cast<unsigned>((bytes.size() - 1) * 8) + top;
}

struct RsaParts {
  std::span<const uint8_t> exponent;
  std::span<const uint8_t> modulus;
};

// RFC 3110 section 2: a one-octet exponent length, or a zero octet and a two-octet length;
// the exponent; the modulus (the rest, never empty).
Result<RsaParts> SplitRsaField(std::span<const uint8_t> field) {
  if (field.empty()) return Fail(Errc::kBadRdata);
  size_t length = field[0];
  size_t offset = 1;
  if (length == 0) {
    if (field.size() < 3) return Fail(Errc::kBadRdata);
    length = static_cast<size_t>(field[1] << 8 | field[2]);
    offset = 3;
  }
  if (length == 0 || field.size() - offset <= length) return Fail(Errc::kBadRdata);
  return RsaParts{field.subspan(offset, length), field.subspan(offset + length)};
}

// Builds a public key of OpenSSL key type `type` ("RSA", "EC") from the pushed parameters.
Result<EvpPkeyPtr> KeyFromParams(const char* type, OSSL_PARAM_BLD* builder) {
  OsslParamPtr params(OSSL_PARAM_BLD_to_param(builder));
  EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  EVP_PKEY* raw = nullptr;  // Left null on failure (EVP_PKEY_fromdata frees its own).
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params.get()) != 1) {
    return Fail(Errc::kCryptoFailure);
  }
  return EvpPkeyPtr(raw);
}

// One big-endian unsigned integer parameter of a key (an OSSL_PKEY_PARAM_* name).
struct IntegerParam {
  const char* name;
  std::span<const uint8_t> value;
};

// Builds a public key of OpenSSL key type `type` ("RSA", "DSA") from up to four integers.
Result<EvpPkeyPtr> KeyFromIntegers(const char* type, std::span<const IntegerParam> integers) {
  std::array<BignumPtr, 4> numbers;  // OSSL_PARAM_BLD_push_BN keeps pointers until to_param.
  OsslParamBldPtr builder(OSSL_PARAM_BLD_new());
  if (!builder || integers.size() > numbers.size()) return Fail(Errc::kCryptoFailure);
  for (size_t i = 0; i < integers.size(); ++i) {
    std::span<const uint8_t> value = integers[i].value;
    numbers[i].reset(BN_bin2bn(value.data(), static_cast<int>(value.size()), nullptr));
    if (!numbers[i] ||
        OSSL_PARAM_BLD_push_BN(builder.get(), integers[i].name, numbers[i].get()) != 1) {
      return Fail(Errc::kCryptoFailure);
    }
  }
  return KeyFromParams(type, builder.get());
}

Result<EvpPkeyPtr> ImportRsa(std::span<const uint8_t> field, unsigned min_bits) {
  ASSIGN_OR_RETURN(RsaParts parts, SplitRsaField(field));
  std::span<const uint8_t> exponent = StripLeadingZeros(parts.exponent);
  std::span<const uint8_t> modulus = StripLeadingZeros(parts.modulus);
  if (exponent.empty() || modulus.empty() || (modulus.back() & 1) == 0) {
    return Fail(Errc::kBadRdata);  // A zero exponent or an even modulus is no RSA key.
  }
  unsigned bits = BitLength(modulus);
  if (bits < min_bits || bits > kMaxRsaBits || BitLength(exponent) > kMaxRsaExponentBits) {
    return Fail(Errc::kUnsupported);
  }
  const IntegerParam integers[] = {{OSSL_PKEY_PARAM_RSA_N, modulus},
                                   {OSSL_PKEY_PARAM_RSA_E, exponent}};
  return KeyFromIntegers("RSA", integers);
}

struct DsaParts {
  uint8_t t;
  std::span<const uint8_t> q, p, g, y;
};

// RFC 2536 section 2: T | Q | P | G | Y, exactly; anything else is kBadRdata.
Result<DsaParts> SplitDsaField(std::span<const uint8_t> field) {
  if (field.empty() || field[0] > kMaxDsaT) return Fail(Errc::kBadRdata);
  const size_t n = DsaIntegerOctets(field[0]);
  if (field.size() != 1 + kDsaQOctets + 3 * n) return Fail(Errc::kBadRdata);
  std::span<const uint8_t> rest = field.subspan(1 + kDsaQOctets);
  return DsaParts{field[0], field.subspan(1, kDsaQOctets), rest.first(n), rest.subspan(n, n),
                  rest.last(n)};
}

Result<EvpPkeyPtr> ImportDsa(std::span<const uint8_t> field) {
  ASSIGN_OR_RETURN(DsaParts parts, SplitDsaField(field));
  const IntegerParam integers[] = {{OSSL_PKEY_PARAM_FFC_P, parts.p},
                                   {OSSL_PKEY_PARAM_FFC_Q, parts.q},
                                   {OSSL_PKEY_PARAM_FFC_G, parts.g},
                                   {OSSL_PKEY_PARAM_PUB_KEY, parts.y}};
  return KeyFromIntegers("DSA", integers);
}

// RFC 6605 section 4: x | y becomes the SEC 1 uncompressed point 0x04 | x | y.
Result<EvpPkeyPtr> ImportEcdsa(DnssecAlgorithm algorithm, std::span<const uint8_t> field) {
  size_t coordinate = EcCoordinateLength(algorithm);
  if (field.size() != 2 * coordinate) return Fail(Errc::kBadRdata);
  const char* group =
      algorithm == DnssecAlgorithm::ECDSAP256SHA256 ? SN_X9_62_prime256v1 : SN_secp384r1;
  std::array<uint8_t, 1 + 2 * 48> point{0x04};
  std::copy(field.begin(), field.end(), point.begin() + 1);
  OsslParamBldPtr builder(OSSL_PARAM_BLD_new());
  if (!builder ||
      OSSL_PARAM_BLD_push_utf8_string(builder.get(), OSSL_PKEY_PARAM_GROUP_NAME, group, 0) != 1 ||
      OSSL_PARAM_BLD_push_octet_string(builder.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(),
                                       1 + field.size()) != 1) {
    return Fail(Errc::kCryptoFailure);
  }
  return KeyFromParams("EC", builder.get());
}

Result<EvpPkeyPtr> ImportEdDsa(DnssecAlgorithm algorithm, std::span<const uint8_t> field) {
  if (field.size() != EdKeyLength(algorithm)) return Fail(Errc::kBadRdata);
  int type = algorithm == DnssecAlgorithm::ED25519 ? EVP_PKEY_ED25519 : EVP_PKEY_ED448;
  EvpPkeyPtr key(EVP_PKEY_new_raw_public_key(type, nullptr, field.data(), field.size()));
  if (!key) return Fail(Errc::kCryptoFailure);
  return key;
}

Result<EvpPkeyPtr> ImportAny(DnssecAlgorithm algorithm, std::span<const uint8_t> field,
                             AlgorithmPolicy policy) {
  if (!CanValidate(algorithm, policy)) return Fail(Errc::kUnsupported);
  if (IsRsa(algorithm)) return ImportRsa(field, MinRsaBits(algorithm, policy));
  if (algorithm == DnssecAlgorithm::DSA) return ImportDsa(field);
  if (EcCoordinateLength(algorithm) != 0) return ImportEcdsa(algorithm, field);
  return ImportEdDsa(algorithm, field);
}

bool DigestVerify(EVP_PKEY* key, const EVP_MD* md, std::span<const uint8_t> data,
                  std::span<const uint8_t> signature) noexcept {
  static constexpr uint8_t kNothing = 0;
  const uint8_t* bytes = data.empty() ? &kNothing : data.data();
  EvpMdCtxPtr ctx(EVP_MD_CTX_new());
  bool ok = ctx && EVP_DigestVerifyInit(ctx.get(), nullptr, md, nullptr, key) == 1 &&
            EVP_DigestVerify(ctx.get(), signature.data(), signature.size(), bytes,
                             data.size()) == 1;
  if (!ok) ERR_clear_error();  // A bogus signature is an answer, not an error to keep.
  return ok;
}

// RFC 3110 section 3, RFC 5702 section 3: the signature is as long as the modulus (OpenSSL's
// RSA_verify insists). RFC 2537 section 3: RSA/MD5 signers strip leading zero octets, so a
// shorter RSAMD5 signature is left-padded back to the modulus length (at most 4096 bits, the
// import limit).
bool VerifyRsa(EVP_PKEY* key, DnssecAlgorithm algorithm, std::span<const uint8_t> data,
               std::span<const uint8_t> signature) noexcept {
  const auto modulus = static_cast<size_t>(EVP_PKEY_get_size(key));
  if (signature.size() == modulus) return DigestVerify(key, HashOf(algorithm), data, signature);
  std::array<uint8_t, kMaxRsaBits / 8> padded{};
  if (algorithm != DnssecAlgorithm::RSAMD5 || signature.empty() || signature.size() > modulus ||
      modulus > padded.size()) {
    return false;
  }
  std::copy(signature.begin(), signature.end(), padded.begin() + (modulus - signature.size()));
  return DigestVerify(key, HashOf(algorithm), data, {padded.data(), modulus});
}

// RFC 6605 section 4: r | s, each `coordinate` octets, re-encoded as DER for OpenSSL.
bool VerifyEcdsa(EVP_PKEY* key, DnssecAlgorithm algorithm, std::span<const uint8_t> data,
                 std::span<const uint8_t> signature) noexcept {
  size_t coordinate = EcCoordinateLength(algorithm);
  if (signature.size() != 2 * coordinate) return false;
  DerRsSignature der = RsToDer(signature.first(coordinate), signature.subspan(coordinate));
  return DigestVerify(key, HashOf(algorithm), data, der.view());
}

// RFC 2536 section 3: T | R | S, T copied from the key (a different T is an extension this
// validator does not know), R and S re-encoded as a DER Dss-Sig-Value; SHA-1 over the data.
bool VerifyDsa(EVP_PKEY* key, uint8_t t, std::span<const uint8_t> data,
               std::span<const uint8_t> signature) noexcept {
  if (signature.size() != kDsaSignatureOctets || signature[0] != t) return false;
  std::span<const uint8_t> rs = signature.subspan(1);
  DerRsSignature der = RsToDer(rs.first(kDsaQOctets), rs.subspan(kDsaQOctets));
  return DigestVerify(key, HashOf(DnssecAlgorithm::DSA), data, der.view());
}

}  // namespace

Result<DnssecPublicKey> DnssecPublicKey::Import(DnssecAlgorithm algorithm,
                                                std::span<const uint8_t> public_key) {
  return Import(algorithm, public_key, AlgorithmPolicy::kModern);
}

Result<DnssecPublicKey> DnssecPublicKey::Import(DnssecAlgorithm algorithm,
                                                std::span<const uint8_t> public_key,
                                                AlgorithmPolicy policy) {
  Result<EvpPkeyPtr> key = ImportAny(algorithm, public_key, policy);
  if (!key) {
    ERR_clear_error();
    return Unexpected<Error>(key.error());
  }
  auto bits = static_cast<unsigned>(EVP_PKEY_get_bits(key->get()));
  uint8_t dsa_t = algorithm == DnssecAlgorithm::DSA ? public_key[0] : 0;  // Checked non-empty.
  return DnssecPublicKey(algorithm, std::move(*key), bits, dsa_t);
}

bool DnssecPublicKey::Verify(std::span<const uint8_t> data,
                             std::span<const uint8_t> signature) const noexcept {
  if (!key_) return false;  // Moved from.
  if (IsRsa(algorithm_)) return VerifyRsa(key_.get(), algorithm_, data, signature);
  if (algorithm_ == DnssecAlgorithm::DSA) return VerifyDsa(key_.get(), dsa_t_, data, signature);
  if (EcCoordinateLength(algorithm_) != 0) {
    return VerifyEcdsa(key_.get(), algorithm_, data, signature);
  }
  if (signature.size() != EdSignatureLength(algorithm_)) return false;
  return DigestVerify(key_.get(), nullptr, data, signature);
}

}  // namespace redoubt::crypto
