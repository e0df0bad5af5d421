#include "net/dns/wire_writer.h"

#include <vector>

#include "net/base/check.h"

namespace redoubt::dns {

Status WireWriter::Ensure(size_t n) const {
  if (n > Available()) return Fail(Errc::kBufferFull, static_cast<uint32_t>(buf_.size()));
  return {};
}

Status WireWriter::U8(uint8_t v) {
  RETURN_IF_ERROR(Ensure(1));
  buf_.push_back(v);
  return {};
}

Status WireWriter::U16(uint16_t v) {
  RETURN_IF_ERROR(Ensure(2));
  buf_.push_back(static_cast<uint8_t>(v >> 8));
  buf_.push_back(static_cast<uint8_t>(v));
  return {};
}

Status WireWriter::U32(uint32_t v) {
  RETURN_IF_ERROR(Ensure(4));
  for (int shift = 24; shift >= 0; shift -= 8) buf_.push_back(static_cast<uint8_t>(v >> shift));
  return {};
}

Status WireWriter::U48(uint64_t v) {
  RETURN_IF_ERROR(Ensure(6));
  for (int shift = 40; shift >= 0; shift -= 8) buf_.push_back(static_cast<uint8_t>(v >> shift));
  return {};
}

Status WireWriter::Bytes(std::span<const uint8_t> bytes) {
  RETURN_IF_ERROR(Ensure(bytes.size()));
  buf_.insert(buf_.end(), bytes.begin(), bytes.end());
  return {};
}

Status WireWriter::WriteName(const Name& name, bool compress, bool lowercase) {
  auto wire = name.wire();
  // Offsets of each label start, left to right.
  std::vector<size_t> starts;
  for (size_t pos = 0; wire[pos] != 0; pos += 1 + wire[pos]) starts.push_back(pos);

  size_t literal_end = wire.size();  // Octets [0, literal_end) written literally.
  int pointer = -1;
  if (compress) {
    for (size_t k = 0; k < starts.size(); ++k) {
      std::string key;
      for (size_t i = starts[k]; i < wire.size(); ++i) key.push_back(static_cast<char>(AsciiLower(wire[i])));
      if (auto it = targets_.find(key); it != targets_.end()) {
        literal_end = starts[k];
        pointer = it->second;
        break;
      }
    }
  }
  size_t needed = literal_end + (pointer >= 0 ? 2 : 0);
  RETURN_IF_ERROR(Ensure(needed));
  size_t base = buf_.size();
  for (size_t i = 0; i < literal_end; ++i) {
    buf_.push_back(lowercase ? AsciiLower(wire[i]) : wire[i]);
  }
  if (pointer >= 0) {
    buf_.push_back(static_cast<uint8_t>(0xC0 | (pointer >> 8)));
    buf_.push_back(static_cast<uint8_t>(pointer));
  }
  if (compress) {
    for (size_t start : starts) {
      if (start >= literal_end || base + start >= 0x4000) break;
      std::string key;
      for (size_t i = start; i < wire.size(); ++i) key.push_back(static_cast<char>(AsciiLower(wire[i])));
      targets_.emplace(std::move(key), static_cast<uint16_t>(base + start));
    }
  }
  return {};
}

void WireWriter::SetCapacity(size_t capacity) {
  CHECK(capacity >= buf_.size());
  capacity_ = capacity;
}

void WireWriter::PatchU16(size_t offset, uint16_t v) {
  CHECK(offset + 2 <= buf_.size());
  buf_[offset] = static_cast<uint8_t>(v >> 8);
  buf_[offset + 1] = static_cast<uint8_t>(v);
}

void WireWriter::Truncate(size_t size) {
  CHECK(size <= buf_.size());
  buf_.resize(size);
  std::erase_if(targets_, [size](const auto& entry) { return entry.second >= size; });
}

}  // namespace redoubt::dns
