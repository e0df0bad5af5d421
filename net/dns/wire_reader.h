// WireReader: a bounds-checked cursor over received DNS bytes (RFC 1035 section 4).
//
// A failed read consumes nothing and returns an Error whose detail is the byte offset (in the
// whole message) where it failed. Sub(n) hands out a reader limited to the next n octets (an
// RDATA of RDLENGTH octets) and the caller finishes it with ExpectEnd(): a decoder that does not
// consume exactly RDLENGTH fails (Hickory DNS's rule).
//
// Name decompression (RFC 1035 section 4.1.4) follows pointers only to strictly earlier offsets,
// never into the 12-octet header, with a jump budget, so loops are impossible by construction;
// reserved label types 0b01 and 0b10 are refused (RFC 6891 section 5). Model: Chromium
// DnsRecordParser::ReadName and its tests.
#pragma once

#include <cstdint>
#include <span>

#include "net/base/result.h"
#include "net/dns/name.h"

namespace redoubt::dns {

inline constexpr size_t kHeaderSize = 12;
inline constexpr int kMaxCompressionJumps = 32;

class WireReader {
 public:
  // A reader over a whole DNS message: compression pointers are allowed and resolved within
  // `message`. The bytes must outlive the reader.
  static WireReader ForMessage(std::span<const uint8_t> message) noexcept {
    return WireReader(message, 0, message.size(), true);
  }
  // A reader over standalone bytes (RDATA from a cache, a zone file): names must be
  // uncompressed; a pointer fails with kBadPointer.
  static WireReader ForBytes(std::span<const uint8_t> bytes) noexcept {
    return WireReader(bytes, 0, bytes.size(), false);
  }

  size_t offset() const noexcept { return pos_; }
  size_t remaining() const noexcept { return end_ - pos_; }
  bool AtEnd() const noexcept { return pos_ == end_; }
  // The whole buffer this reader reads from (not only the current window).
  std::span<const uint8_t> buffer() const noexcept { return buf_; }

  Result<uint8_t> U8() noexcept;
  Result<uint16_t> U16() noexcept;
  Result<uint32_t> U32() noexcept;
  Result<uint64_t> U48() noexcept;  // TSIG Time Signed (RFC 8945 section 4.2).
  // The next n octets, as a view into the buffer.
  Result<std::span<const uint8_t>> Bytes(size_t n) noexcept;
  // All octets up to the end of this reader's window.
  std::span<const uint8_t> Rest() noexcept;
  Status Skip(size_t n) noexcept;

  // A reader over the next n octets (same buffer, same compression rule); this reader moves past
  // them. Fails with kRdataLength when n exceeds what remains.
  Result<WireReader> Sub(size_t n) noexcept;
  // Succeeds when the window is fully consumed; else kRdataLength at the current offset.
  Status ExpectEnd() const noexcept;

  // Reads a name. Compression pointers are followed only when this is a message reader and
  // allow_pointers is true (RFC 3597 section 4 limits them to a few RDATA types); otherwise a
  // pointer fails with kBadPointer.
  Result<Name> ReadName(bool allow_pointers = true);

 private:
  WireReader(std::span<const uint8_t> buf, size_t pos, size_t end, bool allow_pointers) noexcept
      : buf_(buf), pos_(pos), end_(end), allow_pointers_(allow_pointers) {}

  std::span<const uint8_t> buf_;
  size_t pos_;
  size_t end_;
  bool allow_pointers_;
};

}  // namespace redoubt::dns
