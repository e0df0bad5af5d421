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
// upstream query takes a dozen, about 40 octets: ID, source ports, 0x20 bits, CHECKSUM nonce),
// since every RAND_bytes call costs about half a microsecond of locking and parameter handling
// in OpenSSL 3 (with a kilobyte store and 8-octet port draws, RAND_bytes was 1.7% of a cold
// query's CPU).
// Octets handed out are wiped from the store, so none is given twice or left behind.
struct Pool {
  static constexpr size_t kSize = 4096;
  static constexpr size_t kLargeRequest = 128;
  std::array<uint8_t, kSize> bytes{};
  size_t next = kSize;  // Empty until the first draw.
};
thread_local Pool pool;

}  // namespace

void RandomBytes(std::span<uint8_t> out) {
  if (out.empty()) return;
  if (out.size() > Pool::kLargeRequest) {  // Keys and names go straight to OpenSSL.
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

namespace {

// A random value of `octets` octets (1 to 8), big-endian.
uint64_t RandomOctets(size_t octets) {
  uint8_t b[8];
  RandomBytes(std::span<uint8_t>(b, octets));
  uint64_t v = 0;
  for (size_t i = 0; i < octets; ++i) v = v << 8 | b[i];
  return v;
}

}  // namespace

uint64_t RandomU64() { return RandomOctets(8); }

uint64_t RandomInRange(uint64_t lo, uint64_t hi) {
  CHECK(lo <= hi);
  uint64_t span = hi - lo;
  if (span == std::numeric_limits<uint64_t>::max()) return RandomU64();
  uint64_t n = span + 1;
  // Draw only the octets the range needs (a source port takes 2, not 8: the store lasts longer),
  // and reject the top partial block of that width so every value is equally likely.
  size_t octets = n <= (uint64_t{1} << 16) ? 2 : n <= (uint64_t{1} << 32) ? 4 : 8;
  // limit: the largest multiple of n the draw can reach (a narrow draw reaches 2^(8*octets)
  // itself, so a range of exactly that size rejects nothing); values at or above it are drawn
  // again, since they would favour the low end.
  uint64_t limit;
  if (octets == 8) {
    limit = std::numeric_limits<uint64_t>::max() - (std::numeric_limits<uint64_t>::max() % n);
  } else {
    uint64_t values = uint64_t{1} << (8 * octets);
    limit = values - (values % n);
  }
  uint64_t v;
  do {
    v = RandomOctets(octets);
  } while (v >= limit);
  return lo + v % n;
}

}  // namespace redoubt::crypto
