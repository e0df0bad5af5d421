#include "net/dns/wire_reader.h"

#include <array>

namespace redoubt::dns {
namespace {
uint32_t Off(size_t pos) { return static_cast<uint32_t>(pos); }
}  // namespace

Result<uint8_t> WireReader::U8() noexcept {
  if (remaining() < 1) return Fail(Errc::kTruncated, Off(pos_));
  return buf_[pos_++];
}

Result<uint16_t> WireReader::U16() noexcept {
  if (remaining() < 2) return Fail(Errc::kTruncated, Off(pos_));
  uint16_t v = static_cast<uint16_t>(buf_[pos_] << 8 | buf_[pos_ + 1]);
  pos_ += 2;
  return v;
}

Result<uint32_t> WireReader::U32() noexcept {
  if (remaining() < 4) return Fail(Errc::kTruncated, Off(pos_));
  uint32_t v = 0;
  for (size_t i = 0; i < 4; ++i) v = v << 8 | buf_[pos_ + i];
  pos_ += 4;
  return v;
}

Result<uint64_t> WireReader::U48() noexcept {
  if (remaining() < 6) return Fail(Errc::kTruncated, Off(pos_));
  uint64_t v = 0;
  for (size_t i = 0; i < 6; ++i) v = v << 8 | buf_[pos_ + i];
  pos_ += 6;
  return v;
}

Result<std::span<const uint8_t>> WireReader::Bytes(size_t n) noexcept {
  if (remaining() < n) return Fail(Errc::kTruncated, Off(pos_));
  auto out = buf_.subspan(pos_, n);
  pos_ += n;
  return out;
}

std::span<const uint8_t> WireReader::Rest() noexcept {
  auto out = buf_.subspan(pos_, end_ - pos_);
  pos_ = end_;
  return out;
}

Status WireReader::Skip(size_t n) noexcept {
  if (remaining() < n) return Fail(Errc::kTruncated, Off(pos_));
  pos_ += n;
  return {};
}

Result<WireReader> WireReader::Sub(size_t n) noexcept {
  if (remaining() < n) return Fail(Errc::kRdataLength, Off(pos_));
  WireReader sub(buf_, pos_, pos_ + n, allow_pointers_);
  pos_ += n;
  return sub;
}

Status WireReader::ExpectEnd() const noexcept {
  if (pos_ != end_) return Fail(Errc::kRdataLength, Off(pos_));
  return {};
}

Result<Name> WireReader::ReadName(bool allow_pointers) {
  std::array<uint8_t, kMaxNameLength> wire;
  size_t out = 0, labels = 0;
  size_t pos = pos_;
  size_t limit = end_;        // Labels must end within this window until the first jump.
  size_t after_name = 0;      // Where this reader resumes; set at the first pointer.
  size_t earliest = pos_;     // Every pointer must target strictly before this offset.
  int jumps = 0;
  while (true) {
    if (pos >= limit) return Fail(Errc::kTruncated, Off(pos));
    uint8_t len = buf_[pos];
    switch (len & 0xC0) {
      case 0x00:
        break;
      case 0xC0: {
        if (!allow_pointers_ || !allow_pointers) return Fail(Errc::kBadPointer, Off(pos));
        if (pos + 1 >= limit) return Fail(Errc::kTruncated, Off(pos));
        size_t target = static_cast<size_t>(len & 0x3F) << 8 | buf_[pos + 1];
        if (target < kHeaderSize) return Fail(Errc::kPointerIntoHeader, Off(pos));
        if (target >= earliest) return Fail(Errc::kBadPointer, Off(pos));
        if (++jumps > kMaxCompressionJumps) return Fail(Errc::kTooManyPointers, Off(pos));
        if (after_name == 0) after_name = pos + 2;
        earliest = target;
        pos = target;
        limit = buf_.size();
        continue;
      }
      default:
        return Fail(Errc::kBadLabelType, Off(pos));
    }
    if (out + 1 + len > kMaxNameLength) return Fail(Errc::kNameTooLong, Off(pos));
    if (pos + 1 + len > limit) return Fail(Errc::kTruncated, Off(pos));
    wire[out++] = len;
    if (len == 0) break;
    for (size_t i = 0; i < len; ++i) wire[out++] = buf_[pos + 1 + i];
    pos += 1 + len;
    ++labels;
  }
  pos_ = after_name != 0 ? after_name : pos + 1;
  // The bytes were validated label by label above; FromWire re-checks cheaply and cannot fail.
  return Name::FromWire({wire.data(), out});
}

}  // namespace redoubt::dns
