#include "crypto/random.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <array>
#include <cstring>
#include <limits>

#include "net/base/check.h"

namespace redoubt::crypto {

namespace {

void FillFromOpenSsl(std::span<uint8_t> out) {
  CHECK(out.size() <= static_cast<size_t>(std::numeric_limits<int>::max()));
  CHECK(RAND_bytes(out.data(), static_cast<int>(out.size())) == 1);
}

// Each thread's store of CSPRNG output, filled by one RAND_bytes call for many small draws (an
// upstream query takes a dozen: ID, source ports, 0x20 bits, CHECKSUM nonce), since every
// RAND_bytes call costs about half a microsecond of locking and parameter handling in OpenSSL 3.
// Octets handed out are wiped from the store, so none is given twice or left behind.
struct Pool {
  static constexpr size_t kSize = 1024;
  std::array<uint8_t, kSize> bytes{};
  size_t next = kSize;  // Empty until the first draw.
};
thread_local Pool pool;

}  // namespace

void RandomBytes(std::span<uint8_t> out) {
  if (out.empty()) return;
  if (out.size() > Pool::kSize / 8) {  // Large requests (keys, names) go straight to OpenSSL.
    FillFromOpenSsl(out);
    return;
  }
  if (pool.next + out.size() > Pool::kSize) {
    FillFromOpenSsl(pool.bytes);
    pool.next = 0;
  }
  std::memcpy(out.data(), pool.bytes.data() + pool.next, out.size());
  OPENSSL_cleanse(pool.bytes.data() + pool.next, out.size());
  pool.next += out.size();
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
