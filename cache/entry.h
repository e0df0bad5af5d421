// One cache value: an explicit, versioned, packed header, then the RRsets (design guide
// section 5). Decoded with WireReader because LMDB memory is unaligned; a 64-bit FNV-1a
// checksum over the whole value catches damage, and a value that fails it is never served.
//
//   0  format (u8, kEntryFormat)   1 kind (u8)   2 trust (u8)   3 security (u8)
//   4  stored (u32 high, u32 low: seconds since the epoch)
//  12  ttl (u32: granted by TtlOnInsert)   16 original TTL (u32)   20 signature expiry (u32)
//  24  checksum (u32 high, u32 low), computed with these 8 octets zero
//  32  RRset count (u16), then per RRset: owner (uncompressed), type, class, ttl, section,
//      trust, security, then rdatas, RRSIGs and SIGs, each a u16 count of (u16 length, octets)
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "net/base/result.h"
#include "net/dns/rrset.h"

namespace redoubt::cache {

inline constexpr uint8_t kEntryFormat = 1;
inline constexpr size_t kEntryHeaderSize = 32;

enum class EntryKind : uint8_t {
  kPositive = 1,  // rrsets[0] is the data (and its signatures).
  kNoData = 2,    // RFC 2308 NODATA: rrsets hold the SOA and any proofs.
  kNxDomain = 3,  // RFC 2308 NXDOMAIN: rrsets hold the SOA and any proofs.
};

struct CacheEntry {
  EntryKind kind = EntryKind::kPositive;
  dns::Trust trust = dns::Trust::kNone;
  dns::Security security = dns::Security::kIndeterminate;
  uint64_t stored = 0;            // Seconds since the epoch.
  uint32_t ttl = 0;               // Granted at insert (cache/ttl_policy.h).
  uint32_t original_ttl = 0;      // From the signature; 0 when unsigned.
  uint32_t signature_expiry = 0;  // Absolute; 0 when unsigned.
  std::vector<dns::RRset> rrsets;
};

// The value's octets. Fails with kBufferFull for an entry over 64 KiB of RDATA per record.
Result<std::vector<uint8_t>> EncodeEntry(const CacheEntry& entry);

// The same octets for an entry with `header`'s fields (its rrsets left aside) and the RRsets of
// `first` then `second`: an entry encoded straight from an answer's RRsets, without copying them
// into a CacheEntry first (LmdbAnswerStore::Store).
Result<std::vector<uint8_t>> EncodeEntry(const CacheEntry& header, std::span<const dns::RRset> first,
                                         std::span<const dns::RRset> second = {});

// An entry already encoded, with the trust its write is ranked by (RFC 2181 section 5.4.1).
struct EncodedEntry {
  dns::Trust trust = dns::Trust::kNone;
  std::vector<uint8_t> value;
};

// Decodes and checks a value. kCorruptEntry for a wrong checksum, an unknown format or
// octets that do not decode; never reads outside `value`.
Result<CacheEntry> DecodeEntry(std::span<const uint8_t> value);

// Only the header fields (no RRsets), checked the same way: for eviction and expiry scans.
Result<CacheEntry> DecodeEntryHeader(std::span<const uint8_t> value);

// 64-bit FNV-1a of `bytes` with the checksum field (octets 24-31) read as zeros.
uint64_t EntryChecksum(std::span<const uint8_t> value);

}  // namespace redoubt::cache
