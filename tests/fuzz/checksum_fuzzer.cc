// libFuzzer target: the CHECKSUM verifier over raw bytes. The first three octets choose the
// digest offset (2 octets) and the algorithm; the rest is the "message". Verification must never
// read outside the buffer or crash, and whenever sealing succeeds, verifying the sealed copy
// must succeed. The full client check (option lookup, nonce, digest) runs on the input too.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "crypto/checksum.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace redoubt;
  dns::ChecksumNonce nonce{};
  (void)crypto::CheckReply({data, size}, dns::kDefaultChecksumCode, nonce);
  if (size < 3) return 0;
  size_t offset = static_cast<size_t>(data[0] << 8 | data[1]);
  uint8_t algorithm = data[2] % 4;
  std::vector<uint8_t> message(data + 3, data + size);
  for (size_t length : {size_t{0}, size_t{20}, size_t{32}, message.size()}) {
    (void)crypto::VerifyChecksumDigest(message, offset, length, algorithm);
  }
  if (crypto::SealChecksum(message, offset, algorithm)) {
    size_t length = algorithm == 1 ? 20 : 32;
    if (!crypto::VerifyChecksumDigest(message, offset, length, algorithm)) __builtin_trap();
  }
  return 0;
}
