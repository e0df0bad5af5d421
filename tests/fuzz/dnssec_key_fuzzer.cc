// libFuzzer target: DNSKEY and KEY public key import and RRSIG/SIG signature checks
// (crypto/dnssec_key.h) on attacker-chosen keys, signatures and data, under both algorithm
// policies (crypto/dnssec_algorithms.h). Input layout:
//   octet 0          algorithm: 0..127 pick one of the eight validated algorithms or, at
//                    indices 8 and 9, the legacy-only RSAMD5 (RFC 2537) and DSA (RFC 2536);
//                    128..255 are used as the raw number (mostly unsupported ones)
//   octets 1-2       key field length (big-endian, cut to what remains)
//   key field
//   2 octets         signature length (big-endian, cut to what remains)
//   signature
//   the rest         the signed data
// Every key field is imported under kModern and kLegacyTrustPoint. Import and Verify must never
// crash, read out of bounds or throw; a key that imports must report its algorithm and refuse
// an empty signature; RSAMD5 and DSA never import under kModern (RFC 8624 section 3.1); what
// imports under kModern imports under kLegacyTrustPoint too and both keys give the same answer
// for every signature; an RSAMD5 signature with a leading zero octet gets the same answer as
// the signature without it (RFC 2537 section 3).
#include <cstddef>
#include <cstdint>
#include <span>

#include "crypto/dnssec_algorithms.h"
#include "crypto/dnssec_key.h"

namespace {

using redoubt::crypto::AlgorithmPolicy;
using redoubt::crypto::DnssecPublicKey;
using redoubt::dns::DnssecAlgorithm;

constexpr uint8_t kPicked[] = {5, 7, 8, 10, 13, 14, 15, 16, 1, 3};
constexpr uint8_t kFirstRawNumber = 128;

// Takes a two-octet length and that many octets (or fewer, at the end) from `in`.
std::span<const uint8_t> TakeField(std::span<const uint8_t>& in) {
  if (in.size() < 2) {
    in = {};
    return {};
  }
  size_t length = static_cast<size_t>(in[0] << 8 | in[1]);
  in = in.subspan(2);
  length = length < in.size() ? length : in.size();
  std::span<const uint8_t> field = in.first(length);
  in = in.subspan(length);
  return field;
}

bool IsLegacyOnly(DnssecAlgorithm algorithm) {
  return algorithm == DnssecAlgorithm::RSAMD5 || algorithm == DnssecAlgorithm::DSA;
}

// Checks one imported key against the fuzzed signature; returns Verify's answer.
bool CheckKey(const DnssecPublicKey& key, DnssecAlgorithm algorithm,
              std::span<const uint8_t> data, std::span<const uint8_t> signature) {
  if (key.algorithm() != algorithm) __builtin_trap();
  if (key.Verify(data, {})) __builtin_trap();
  bool verified = key.Verify(data, signature);
  size_t modulus_octets = (key.bits() + 7) / 8;
  if (algorithm == DnssecAlgorithm::RSAMD5 && signature.size() > 1 && signature[0] == 0 &&
      signature.size() <= modulus_octets && key.Verify(data, signature.subspan(1)) != verified) {
    __builtin_trap();
  }
  return verified;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  uint8_t number = data[0] < kFirstRawNumber ? kPicked[data[0] % sizeof kPicked] : data[0];
  auto algorithm = static_cast<DnssecAlgorithm>(number);
  std::span<const uint8_t> in(data + 1, size - 1);
  std::span<const uint8_t> key_field = TakeField(in);
  std::span<const uint8_t> signature = TakeField(in);
  auto modern = DnssecPublicKey::Import(algorithm, key_field, AlgorithmPolicy::kModern);
  auto legacy = DnssecPublicKey::Import(algorithm, key_field, AlgorithmPolicy::kLegacyTrustPoint);
  if (modern && (IsLegacyOnly(algorithm) || !legacy)) __builtin_trap();
  bool modern_verified = modern && CheckKey(*modern, algorithm, in, signature);
  bool legacy_verified = legacy && CheckKey(*legacy, algorithm, in, signature);
  if (modern && modern_verified != legacy_verified) __builtin_trap();
  return 0;
}
