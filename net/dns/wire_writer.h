// WireWriter: writes DNS wire format into a bounded buffer, with name compression
// (RFC 1035 section 4.1.4).
//
// Every write either fits entirely or fails with kBufferFull and writes nothing, so a caller can
// try to add a record and, on failure, roll back to a mark with Truncate() and set TC.
// Compression pointers are only emitted to offsets below 0x4000, to names written earlier with
// compression enabled; the match is ASCII case-insensitive.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "net/base/result.h"
#include "net/dns/name.h"

namespace redoubt::dns {

class WireWriter {
 public:
  // A writer that never grows past `capacity` octets (65535 is the DNS message maximum).
  explicit WireWriter(size_t capacity = 65535) : capacity_(capacity) {}

  size_t size() const noexcept { return buf_.size(); }
  size_t capacity() const noexcept { return capacity_; }
  size_t Available() const noexcept { return capacity_ - buf_.size(); }
  std::span<const uint8_t> data() const noexcept { return buf_; }
  std::span<uint8_t> mutable_data() noexcept { return buf_; }
  std::vector<uint8_t> Release() && { return std::move(buf_); }

  Status U8(uint8_t v);
  Status U16(uint16_t v);
  Status U32(uint32_t v);
  Status U48(uint64_t v);  // Low 48 bits (RFC 8945 Time Signed).
  Status Bytes(std::span<const uint8_t> bytes);
  // Writes a name. With compress=true, the longest suffix already written (with compress=true)
  // is replaced by a pointer, and this name's suffixes become pointer targets. With
  // lowercase=true, ASCII letters are written lowercased (canonical form, RFC 4034 6.2).
  Status WriteName(const Name& name, bool compress, bool lowercase = false);

  // Changes the bound (>= size()): MessageBuilder lowers it to keep room for OPT and TSIG, and
  // raises it again to write them.
  void SetCapacity(size_t capacity);

  // Overwrites two octets at `offset` (< size()-1): used for RDLENGTH and section counts.
  void PatchU16(size_t offset, uint16_t v);
  // Drops everything from `size` on (size <= size()), and forgets compression targets there.
  void Truncate(size_t size);

 private:
  Status Ensure(size_t n) const;

  std::vector<uint8_t> buf_;
  size_t capacity_;
  // Lowercased wire form of a written name suffix -> its offset.
  std::unordered_map<std::string, uint16_t> targets_;
};

}  // namespace redoubt::dns
