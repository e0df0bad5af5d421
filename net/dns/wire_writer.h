// WireWriter: writes DNS wire format into a bounded buffer, with name compression
// (RFC 1035 section 4.1.4).
//
// Every write either fits entirely or fails with kBufferFull and writes nothing, so a caller can
// try to add a record and, on failure, roll back to a mark with Truncate() and set TC.
// Compression pointers are only emitted to offsets below 0x4000, to names written earlier with
// compression enabled; the match is ASCII case-insensitive. The targets live in an open-addressed
// table of offsets into the message itself (a suffix is matched against the octets already
// written), so writing a name allocates nothing once the buffer and the table have room.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "net/base/result.h"
#include "net/dns/name.h"

namespace redoubt::dns {

class WireWriter {
 public:
  // A writer that never grows past `capacity` octets (65535 is the DNS message maximum); room
  // for min(capacity, 512) octets is taken at once.
  explicit WireWriter(size_t capacity = 65535);

  size_t size() const noexcept { return buf_.size(); }
  size_t capacity() const noexcept { return capacity_; }
  size_t Available() const noexcept { return capacity_ - buf_.size(); }
  std::span<const uint8_t> data() const noexcept { return buf_; }
  std::span<uint8_t> mutable_data() noexcept { return buf_; }
  std::vector<uint8_t> Release() && { return std::move(buf_); }

  // The fixed-size writes are inline: building a message calls them for every field, and an
  // out-of-line call each was about 2% of a cold query's CPU.
  Status U8(uint8_t v) {
    RETURN_IF_ERROR(Ensure(1));
    buf_.push_back(v);
    return {};
  }
  Status U16(uint16_t v) {
    RETURN_IF_ERROR(Ensure(2));
    const uint8_t octets[2] = {static_cast<uint8_t>(v >> 8), static_cast<uint8_t>(v)};
    buf_.insert(buf_.end(), octets, octets + 2);
    return {};
  }
  Status U32(uint32_t v) {
    RETURN_IF_ERROR(Ensure(4));
    const uint8_t octets[4] = {static_cast<uint8_t>(v >> 24), static_cast<uint8_t>(v >> 16),
                               static_cast<uint8_t>(v >> 8), static_cast<uint8_t>(v)};
    buf_.insert(buf_.end(), octets, octets + 4);
    return {};
  }
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
  // A compression target: a name suffix written at `offset`, and the hash of its lowercased
  // labels (SuffixHashes), so that equal suffixes hash alike however they were written.
  struct Target {
    uint32_t hash = 0;
    uint16_t offset = 0;
    bool used = false;
  };

  Status Ensure(size_t n) const {
    if (n > Available()) [[unlikely]] return Fail(Errc::kBufferFull, static_cast<uint32_t>(buf_.size()));
    return {};
  }
  // The offset of a written name equal (ASCII case-insensitively) to the suffix of `wire` that
  // starts at `start`, or -1.
  int FindTarget(std::span<const uint8_t> wire, size_t start, uint32_t hash) const;
  void AddTarget(uint32_t hash, uint16_t offset);
  // Whether the name written at `offset` (following its pointers) equals `suffix`.
  bool WrittenNameEquals(size_t offset, std::span<const uint8_t> suffix) const;

  std::vector<uint8_t> buf_;
  size_t capacity_;
  std::vector<Target> targets_;  // Empty, or a power of two of slots at most half used.
  size_t target_count_ = 0;
};

}  // namespace redoubt::dns
