#include "crypto/random.h"

#include <openssl/rand.h>

#include <limits>

#include "net/base/check.h"

namespace redoubt::crypto {

void RandomBytes(std::span<uint8_t> out) {
  if (out.empty()) return;
  CHECK(out.size() <= static_cast<size_t>(std::numeric_limits<int>::max()));
  CHECK(RAND_bytes(out.data(), static_cast<int>(out.size())) == 1);
}

uint16_t RandomU16() {
  uint8_t b[2];
  RandomBytes(b);
  return static_cast<uint16_t>(b[0] << 8 | b[1]);
}

uint64_t RandomU64() {
  uint8_t b[8];
  RandomBytes(b);
  uint64_t v = 0;
  for (uint8_t x : b) v = v << 8 | x;
  return v;
}

uint64_t RandomInRange(uint64_t lo, uint64_t hi) {
  CHECK(lo <= hi);
  uint64_t span = hi - lo;
  if (span == std::numeric_limits<uint64_t>::max()) return RandomU64();
  uint64_t n = span + 1;
  // Reject the top partial block so every value is equally likely.
  uint64_t limit = std::numeric_limits<uint64_t>::max() - (std::numeric_limits<uint64_t>::max() % n);
  uint64_t v;
  do {
    v = RandomU64();
  } while (v >= limit);
  return lo + v % n;
}

}  // namespace redoubt::crypto
