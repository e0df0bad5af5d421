#include "crypto/dnssec_signing_key.h"

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/rsa.h>

#include "crypto/dnssec_algorithms.h"
#include "crypto/rsa_signing_key.h"
#include "net/dns/canonical.h"

#include "crypto/dnssec_evp.h"
#include "crypto/dss_signature.h"

namespace redoubt::crypto {
namespace {

using dns::DnssecAlgorithm;

EVP_PKEY* NewKey(DnssecAlgorithm algorithm, unsigned rsa_bits) {
  using enum DnssecAlgorithm;
  switch (algorithm) {
    case ECDSAP256SHA256: return EVP_EC_gen(SN_X9_62_prime256v1);
    case ECDSAP384SHA384: return EVP_EC_gen(SN_secp384r1);
    case ED25519: return EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
    case ED448: return EVP_PKEY_Q_keygen(nullptr, nullptr, "ED448");
    default: return EVP_RSA_gen(rsa_bits);
  }
}

size_t EcCoordinateLength(DnssecAlgorithm algorithm) noexcept {
  return algorithm == DnssecAlgorithm::ECDSAP256SHA256 ? 32 : 48;
}

// The SEC 1 uncompressed point 0x04 | x | y without its first octet (RFC 6605 section 4).
std::vector<uint8_t> EcPublicKeyField(const EVP_PKEY* key, size_t coordinate) {
  std::vector<uint8_t> point(1 + 2 * coordinate);
  size_t length = 0;
  if (EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, point.data(),
                                      point.size(), &length) != 1 ||
      length != point.size() || point[0] != 0x04) {
    return {};
  }
  return {point.begin() + 1, point.end()};
}

std::vector<uint8_t> EdPublicKeyField(const EVP_PKEY* key) {
  size_t length = 0;
  if (EVP_PKEY_get_raw_public_key(key, nullptr, &length) != 1) return {};
  std::vector<uint8_t> out(length);
  if (EVP_PKEY_get_raw_public_key(key, out.data(), &length) != 1) return {};
  out.resize(length);
  return out;
}

}  // namespace

Result<DnssecSigningKey> DnssecSigningKey::Generate(DnssecAlgorithm algorithm,
                                                    unsigned rsa_bits) {
  if (!CanValidate(algorithm)) return Fail(Errc::kUnsupported);
  EvpPkeyPtr key(NewKey(algorithm, rsa_bits));
  if (!key) return Fail(Errc::kCryptoFailure);
  return DnssecSigningKey(algorithm, std::move(key));
}

std::vector<uint8_t> DnssecSigningKey::PublicKeyField() const {
  if (IsEcdsa(algorithm_)) return EcPublicKeyField(key_.get(), EcCoordinateLength(algorithm_));
  if (IsEdDsa(algorithm_)) return EdPublicKeyField(key_.get());
  return RsaPublicKeyField(key_.get());
}

Result<std::vector<uint8_t>> DnssecSigningKey::Sign(std::span<const uint8_t> data) const {
  EvpMdCtxPtr ctx(EVP_MD_CTX_new());
  size_t length = 0;
  if (!ctx ||
      EVP_DigestSignInit(ctx.get(), nullptr, HashOf(algorithm_), nullptr, key_.get()) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &length, data.data(), data.size()) != 1) {
    return Fail(Errc::kCryptoFailure);
  }
  std::vector<uint8_t> signature(length);
  if (EVP_DigestSign(ctx.get(), signature.data(), &length, data.data(), data.size()) != 1) {
    return Fail(Errc::kCryptoFailure);
  }
  signature.resize(length);
  if (IsEcdsa(algorithm_)) return DerToRs(signature, EcCoordinateLength(algorithm_));
  return signature;
}

std::vector<uint8_t> DnskeyRdata(const DnssecSigningKey& key, uint16_t flags) {
  std::vector<uint8_t> rdata = {static_cast<uint8_t>(flags >> 8), static_cast<uint8_t>(flags), 3,
                                static_cast<uint8_t>(key.algorithm())};
  std::vector<uint8_t> field = key.PublicKeyField();
  rdata.insert(rdata.end(), field.begin(), field.end());
  return rdata;
}

Result<dns::rdata::RRSIG> SignRRset(const DnssecSigningKey& key, uint16_t key_flags,
                                    const dns::Name& signer, const dns::Name& owner,
                                    dns::RrType type, uint32_t original_ttl,
                                    std::span<const std::vector<uint8_t>> rdatas,
                                    uint32_t inception, uint32_t expiration) {
  dns::rdata::RRSIG rrsig;
  rrsig.type_covered = type;
  rrsig.algorithm = key.algorithm();
  rrsig.labels = static_cast<uint8_t>(owner.LabelCount() - (owner.IsWildcard() ? 1 : 0));
  rrsig.original_ttl = original_ttl;
  rrsig.expiration.value = expiration;
  rrsig.inception.value = inception;
  rrsig.key_tag = dns::KeyTag(DnskeyRdata(key, key_flags));
  rrsig.signer = signer;
  ASSIGN_OR_RETURN(std::vector<uint8_t> data,
                   dns::SignedData(rrsig, owner, dns::RrClass::IN, rdatas));
  ASSIGN_OR_RETURN(rrsig.signature.bytes, key.Sign(data));
  return rrsig;
}

}  // namespace redoubt::crypto
