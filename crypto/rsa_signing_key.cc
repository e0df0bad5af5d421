#include "crypto/rsa_signing_key.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <cstdio>
#include <memory>

namespace redoubt::crypto {
namespace {

struct FileClose {
  void operator()(FILE* f) const noexcept { std::fclose(f); }
};

const EVP_MD* HashOf(RsaAlgorithm algorithm) noexcept {
  switch (algorithm) {
    case RsaAlgorithm::kRsaMd5: return EVP_md5();
    case RsaAlgorithm::kRsaSha1: return EVP_sha1();
    case RsaAlgorithm::kRsaSha256: return EVP_sha256();
    case RsaAlgorithm::kRsaSha512: return EVP_sha512();
  }
  return nullptr;
}

std::vector<uint8_t> BignumBytes(const EVP_PKEY* key, const char* param) {
  BIGNUM* raw = nullptr;
  if (EVP_PKEY_get_bn_param(key, param, &raw) != 1) return {};
  BignumPtr bn(raw);
  std::vector<uint8_t> out(static_cast<size_t>(BN_num_bytes(bn.get())));
  BN_bn2bin(bn.get(), out.data());
  return out;
}

size_t ModulusLength(const EVP_PKEY* key) noexcept {
  return static_cast<size_t>(EVP_PKEY_get_size(key));
}

}  // namespace

Result<RsaAlgorithm> RsaAlgorithmFromNumber(uint8_t number) {
  switch (number) {
    case 1: return RsaAlgorithm::kRsaMd5;
    case 5: return RsaAlgorithm::kRsaSha1;
    case 8: return RsaAlgorithm::kRsaSha256;
    case 10: return RsaAlgorithm::kRsaSha512;
    default: return Fail(Errc::kUnsupported);
  }
}

Result<RsaSigningKey> RsaSigningKey::LoadPem(const std::string& path) {
  std::unique_ptr<FILE, FileClose> file(std::fopen(path.c_str(), "r"));
  if (!file) return Fail(Errc::kIo);
  EvpPkeyPtr key(PEM_read_PrivateKey(file.get(), nullptr, nullptr, nullptr));
  if (!key || EVP_PKEY_get_base_id(key.get()) != EVP_PKEY_RSA) return Fail(Errc::kCryptoFailure);
  return RsaSigningKey(std::move(key));
}

Result<RsaSigningKey> RsaSigningKey::Generate(unsigned bits) {
  EvpPkeyPtr key(EVP_RSA_gen(bits));
  if (!key) return Fail(Errc::kCryptoFailure);
  return RsaSigningKey(std::move(key));
}

std::vector<uint8_t> RsaPublicKeyField(const EVP_PKEY* key) {
  std::vector<uint8_t> exponent = BignumBytes(key, OSSL_PKEY_PARAM_RSA_E);
  std::vector<uint8_t> modulus = BignumBytes(key, OSSL_PKEY_PARAM_RSA_N);
  std::vector<uint8_t> out;
  if (exponent.size() <= 255) {
    out.push_back(static_cast<uint8_t>(exponent.size()));
  } else {
    out.push_back(0);
    out.push_back(static_cast<uint8_t>(exponent.size() >> 8));
    out.push_back(static_cast<uint8_t>(exponent.size()));
  }
  out.insert(out.end(), exponent.begin(), exponent.end());
  out.insert(out.end(), modulus.begin(), modulus.end());
  return out;
}

std::vector<uint8_t> RsaSigningKey::PublicKeyField() const { return RsaPublicKeyField(key_.get()); }

Result<std::vector<uint8_t>> RsaSigningKey::Sign(RsaAlgorithm algorithm,
                                                 std::span<const uint8_t> data) const {
  EvpMdCtxPtr ctx(EVP_MD_CTX_new());
  size_t length = 0;
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, HashOf(algorithm), nullptr, key_.get()) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &length, data.data(), data.size()) != 1) {
    return Fail(Errc::kCryptoFailure);
  }
  std::vector<uint8_t> signature(length);
  if (EVP_DigestSign(ctx.get(), signature.data(), &length, data.data(), data.size()) != 1) {
    return Fail(Errc::kCryptoFailure);
  }
  signature.resize(length);
  if (algorithm == RsaAlgorithm::kRsaMd5) {
    size_t zeros = 0;
    while (zeros + 1 < signature.size() && signature[zeros] == 0) ++zeros;
    signature.erase(signature.begin(), signature.begin() + static_cast<ptrdiff_t>(zeros));
  }
  return signature;
}

bool RsaSigningKey::Verify(RsaAlgorithm algorithm, std::span<const uint8_t> data,
                           std::span<const uint8_t> signature) const {
  size_t modulus = ModulusLength(key_.get());
  if (signature.empty() || signature.size() > modulus) return false;
  std::vector<uint8_t> padded(modulus - signature.size(), 0);
  padded.insert(padded.end(), signature.begin(), signature.end());
  EvpMdCtxPtr ctx(EVP_MD_CTX_new());
  return ctx &&
         EVP_DigestVerifyInit(ctx.get(), nullptr, HashOf(algorithm), nullptr, key_.get()) == 1 &&
         EVP_DigestVerify(ctx.get(), padded.data(), padded.size(), data.data(), data.size()) == 1;
}

}  // namespace redoubt::crypto
