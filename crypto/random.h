// The CSPRNG for everything an off-path attacker must not guess: DNS IDs, UDP source ports
// (RFC 5452 section 9), CHECKSUM nonces (specs/checksum.md section 6) and 0x20 bits. Backed by
// OpenSSL's RAND_bytes, drawn four kilobytes at a time into a per-thread store for small requests
// (each octet handed out once and wiped from the store). A failure of the random source aborts
// (CHECK): a resolver without unpredictable IDs and ports must not run.
#pragma once

#include <cstdint>
#include <span>

namespace redoubt::crypto {

// Fills `out` with random octets.
void RandomBytes(std::span<uint8_t> out);
uint16_t RandomU16();
uint64_t RandomU64();
// Uniform in [lo, hi] (lo <= hi) without modulo bias; draws 2, 4 or 8 octets as the range needs.
uint64_t RandomInRange(uint64_t lo, uint64_t hi);

}  // namespace redoubt::crypto
