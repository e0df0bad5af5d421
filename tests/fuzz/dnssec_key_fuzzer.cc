// libFuzzer target: DNSKEY public key import and RRSIG signature checks (crypto/dnssec_key.h)
// on attacker-chosen keys, signatures and data. Input layout:
//   octet 0          algorithm: 0..127 pick one of the eight validated algorithms, 128..255
//                    are used as the raw number (mostly unsupported ones)
//   octets 1-2       key field length (big-endian, cut to what remains)
//   key field
//   2 octets         signature length (big-endian, cut to what remains)
//   signature
//   the rest         the signed data
// Import and Verify must never crash, read out of bounds or throw; a key that imports must
// report its algorithm and refuse an empty signature.
#include <cstddef>
#include <cstdint>
#include <span>

#include "crypto/dnssec_key.h"

namespace {

constexpr uint8_t kValidated[] = {5, 7, 8, 10, 13, 14, 15, 16};

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

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace redoubt;
  if (size < 1) return 0;
  uint8_t number = data[0] < 128 ? kValidated[data[0] % 8] : data[0];
  auto algorithm = static_cast<dns::DnssecAlgorithm>(number);
  std::span<const uint8_t> in(data + 1, size - 1);
  std::span<const uint8_t> key_field = TakeField(in);
  std::span<const uint8_t> signature = TakeField(in);
  auto key = crypto::DnssecPublicKey::Import(algorithm, key_field);
  if (!key) return 0;
  if (key->algorithm() != algorithm) __builtin_trap();
  if (key->Verify(in, {})) __builtin_trap();
  (void)key->Verify(in, signature);
  return 0;
}
