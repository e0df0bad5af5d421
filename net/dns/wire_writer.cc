#include "net/dns/wire_writer.h"

#include <algorithm>
#include <array>
#include <vector>

#include "net/base/check.h"

namespace redoubt::dns {

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

namespace {

constexpr size_t kMaxLabels = 128;  // A 255-octet name has at most 127 labels and the root.
constexpr size_t kInitialTargets = 32;

// FNV-1a over the lowercased labels of each suffix, right to left, so that the hash of the
// suffix at label k covers labels k..end: hashes[k] for k < count. Returns count.
size_t SuffixHashes(std::span<const uint8_t> wire, std::array<uint16_t, kMaxLabels>& starts,
                    std::array<uint32_t, kMaxLabels>& hashes) {
  size_t count = 0;
  for (size_t pos = 0; wire[pos] != 0 && count < kMaxLabels; pos += 1 + wire[pos]) {
    starts[count++] = static_cast<uint16_t>(pos);
  }
  uint32_t hash = 2166136261u;
  for (size_t k = count; k-- > 0;) {
    size_t end = starts[k] + 1 + wire[starts[k]];
    for (size_t i = starts[k]; i < end; ++i) hash = (hash ^ AsciiLower(wire[i])) * 16777619u;
    hashes[k] = hash;
  }
  return count;
}

}  // namespace

WireWriter::WireWriter(size_t capacity) : capacity_(capacity) {
  buf_.reserve(std::min<size_t>(capacity, 512));
}

bool WireWriter::WrittenNameEquals(size_t offset, std::span<const uint8_t> suffix) const {
  size_t at = 0;
  // Pointers in our own output only point backwards, so the walk ends; the bound is a guard.
  for (size_t steps = 0; steps < 2 * kMaxLabels && offset < buf_.size(); ++steps) {
    uint8_t length = buf_[offset];
    if ((length & 0xC0) == 0xC0) {
      if (offset + 1 >= buf_.size()) return false;
      offset = static_cast<size_t>(length & 0x3F) << 8 | buf_[offset + 1];
      continue;
    }
    if (at >= suffix.size() || suffix[at] != length) return false;
    if (length == 0) return true;
    if (offset + 1 + length > buf_.size()) return false;
    for (size_t i = 1; i <= length; ++i) {
      if (AsciiLower(buf_[offset + i]) != AsciiLower(suffix[at + i])) return false;
    }
    offset += 1 + length;
    at += 1 + length;
  }
  return false;
}

int WireWriter::FindTarget(std::span<const uint8_t> wire, size_t start, uint32_t hash) const {
  if (target_count_ == 0) return -1;
  size_t mask = targets_.size() - 1;
  for (size_t slot = hash & mask; targets_[slot].used; slot = (slot + 1) & mask) {
    const Target& t = targets_[slot];
    if (t.hash == hash && WrittenNameEquals(t.offset, wire.subspan(start))) return t.offset;
  }
  return -1;
}

void WireWriter::AddTarget(uint32_t hash, uint16_t offset) {
  if (2 * (target_count_ + 1) > targets_.size()) {
    std::vector<Target> old = std::move(targets_);
    targets_.assign(std::max(kInitialTargets, old.size() * 2), Target{});
    target_count_ = 0;
    for (const Target& t : old) {
      if (t.used) AddTarget(t.hash, t.offset);
    }
  }
  size_t mask = targets_.size() - 1;
  size_t slot = hash & mask;
  while (targets_[slot].used) slot = (slot + 1) & mask;
  targets_[slot] = Target{hash, offset, true};
  ++target_count_;
}

Status WireWriter::WriteName(const Name& name, bool compress, bool lowercase) {
  auto wire = name.wire();
  std::array<uint16_t, kMaxLabels> starts;
  std::array<uint32_t, kMaxLabels> hashes;
  size_t labels = compress ? SuffixHashes(wire, starts, hashes) : 0;

  size_t literal_end = wire.size();  // Octets [0, literal_end) written literally.
  int pointer = -1;
  for (size_t k = 0; k < labels; ++k) {
    pointer = FindTarget(wire, starts[k], hashes[k]);
    if (pointer >= 0) {
      literal_end = starts[k];
      break;
    }
  }
  size_t needed = literal_end + (pointer >= 0 ? 2 : 0);
  RETURN_IF_ERROR(Ensure(needed));
  size_t base = buf_.size();
  if (lowercase) {
    for (size_t i = 0; i < literal_end; ++i) buf_.push_back(AsciiLower(wire[i]));
  } else {
    buf_.insert(buf_.end(), wire.begin(), wire.begin() + static_cast<ptrdiff_t>(literal_end));
  }
  if (pointer >= 0) {
    buf_.push_back(static_cast<uint8_t>(0xC0 | (pointer >> 8)));
    buf_.push_back(static_cast<uint8_t>(pointer));
  }
  for (size_t k = 0; k < labels; ++k) {
    if (starts[k] >= literal_end || base + starts[k] >= 0x4000) break;
    AddTarget(hashes[k], static_cast<uint16_t>(base + starts[k]));
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
  if (target_count_ == 0) return;
  std::vector<Target> old = std::move(targets_);
  targets_.assign(old.size(), Target{});
  target_count_ = 0;
  for (const Target& t : old) {
    if (t.used && t.offset < size) AddTarget(t.hash, t.offset);
  }
}

}  // namespace redoubt::dns
