#include "cache/entry.h"

#include <algorithm>
#include <optional>

#include "net/dns/rdata.h"
#include "net/dns/wire_reader.h"
#include "net/dns/wire_writer.h"

namespace redoubt::cache {
namespace {

constexpr size_t kChecksumAt = 24;

Status WriteBlob(dns::WireWriter& w, std::span<const uint8_t> bytes) {
  if (bytes.size() > 0xFFFF) return Fail(Errc::kBufferFull);
  RETURN_IF_ERROR(w.U16(static_cast<uint16_t>(bytes.size())));
  return w.Bytes(bytes);
}

template <class Sig>
Status WriteSignatures(dns::WireWriter& w, const std::vector<Sig>& sigs) {
  RETURN_IF_ERROR(w.U16(static_cast<uint16_t>(sigs.size())));
  for (const Sig& sig : sigs) {
    ASSIGN_OR_RETURN(std::vector<uint8_t> bytes, dns::RdataToBytes(dns::Rdata(sig)));
    RETURN_IF_ERROR(WriteBlob(w, bytes));
  }
  return {};
}

Status WriteRRset(dns::WireWriter& w, const dns::RRset& set) {
  RETURN_IF_ERROR(w.WriteName(set.owner, false));
  RETURN_IF_ERROR(w.U16(static_cast<uint16_t>(set.type)));
  RETURN_IF_ERROR(w.U16(static_cast<uint16_t>(set.klass)));
  RETURN_IF_ERROR(w.U32(set.ttl));
  RETURN_IF_ERROR(w.U8(static_cast<uint8_t>(set.section)));
  RETURN_IF_ERROR(w.U8(static_cast<uint8_t>(set.trust)));
  RETURN_IF_ERROR(w.U8(static_cast<uint8_t>(set.security)));
  if (set.rdatas.size() > 0xFFFF || set.sigs.size() > 0xFFFF || set.legacy_sigs.size() > 0xFFFF) {
    return Fail(Errc::kBufferFull);
  }
  RETURN_IF_ERROR(w.U16(static_cast<uint16_t>(set.rdatas.size())));
  for (const auto& rdata : set.rdatas) RETURN_IF_ERROR(WriteBlob(w, rdata));
  RETURN_IF_ERROR(WriteSignatures(w, set.sigs));
  return WriteSignatures(w, set.legacy_sigs);
}

Result<std::span<const uint8_t>> ReadBlob(dns::WireReader& r) {
  ASSIGN_OR_RETURN(uint16_t length, r.U16());
  return r.Bytes(length);
}

template <class Sig>
Status ReadSignatures(dns::WireReader& r, std::vector<Sig>& out) {
  ASSIGN_OR_RETURN(uint16_t count, r.U16());
  for (uint16_t i = 0; i < count; ++i) {
    ASSIGN_OR_RETURN(auto bytes, ReadBlob(r));
    ASSIGN_OR_RETURN(Sig sig, dns::Decode<Sig>(bytes));
    out.push_back(std::move(sig));
  }
  return {};
}

Result<dns::RRset> ReadRRset(dns::WireReader& r) {
  dns::RRset set;
  ASSIGN_OR_RETURN(set.owner, r.ReadName());
  ASSIGN_OR_RETURN(uint16_t type, r.U16());
  ASSIGN_OR_RETURN(uint16_t klass, r.U16());
  ASSIGN_OR_RETURN(set.ttl, r.U32());
  ASSIGN_OR_RETURN(uint8_t section, r.U8());
  ASSIGN_OR_RETURN(uint8_t trust, r.U8());
  ASSIGN_OR_RETURN(uint8_t security, r.U8());
  if (section > 2 || trust > static_cast<uint8_t>(dns::Trust::kConfigured) ||
      security > static_cast<uint8_t>(dns::Security::kSecure)) {
    return Fail(Errc::kCorruptEntry);
  }
  set.type = static_cast<dns::RrType>(type);
  set.klass = static_cast<dns::RrClass>(klass);
  set.section = static_cast<dns::Section>(section);
  set.trust = static_cast<dns::Trust>(trust);
  set.security = static_cast<dns::Security>(security);
  ASSIGN_OR_RETURN(uint16_t count, r.U16());
  for (uint16_t i = 0; i < count; ++i) {
    ASSIGN_OR_RETURN(auto bytes, ReadBlob(r));
    set.rdatas.emplace_back(bytes.begin(), bytes.end());
  }
  RETURN_IF_ERROR(ReadSignatures(r, set.sigs));
  RETURN_IF_ERROR(ReadSignatures(r, set.legacy_sigs));
  return set;
}

Result<CacheEntry> ReadHeader(dns::WireReader& r) {
  CacheEntry e;
  ASSIGN_OR_RETURN(uint8_t format, r.U8());
  ASSIGN_OR_RETURN(uint8_t kind, r.U8());
  ASSIGN_OR_RETURN(uint8_t trust, r.U8());
  ASSIGN_OR_RETURN(uint8_t security, r.U8());
  if (format != kEntryFormat || kind < 1 || kind > 3 ||
      trust > static_cast<uint8_t>(dns::Trust::kConfigured) ||
      security > static_cast<uint8_t>(dns::Security::kSecure)) {
    return Fail(Errc::kCorruptEntry);
  }
  e.kind = static_cast<EntryKind>(kind);
  e.trust = static_cast<dns::Trust>(trust);
  e.security = static_cast<dns::Security>(security);
  ASSIGN_OR_RETURN(uint32_t high, r.U32());
  ASSIGN_OR_RETURN(uint32_t low, r.U32());
  e.stored = (uint64_t{high} << 32) | low;
  ASSIGN_OR_RETURN(e.ttl, r.U32());
  ASSIGN_OR_RETURN(e.original_ttl, r.U32());
  ASSIGN_OR_RETURN(e.signature_expiry, r.U32());
  RETURN_IF_ERROR(r.Skip(8));  // The checksum, checked by the caller.
  return e;
}

Result<dns::WireReader> CheckedReader(std::span<const uint8_t> value) {
  if (value.size() < kEntryHeaderSize + 2) return Fail(Errc::kCorruptEntry);
  uint64_t stored = 0;
  for (size_t i = 0; i < 8; ++i) stored = (stored << 8) | value[kChecksumAt + i];
  if (stored != EntryChecksum(value)) return Fail(Errc::kCorruptEntry);
  return dns::WireReader::ForBytes(value);
}

}  // namespace

uint64_t EntryChecksum(std::span<const uint8_t> value) {
  // FNV-1a over the value with the checksum field read as zeros, in three runs (before the
  // field, the field, after it) rather than a test per octet; the same sum either way.
  constexpr uint64_t kPrime = 0x100000001b3ull;
  uint64_t hash = 0xcbf29ce484222325ull;
  size_t field = std::min(value.size(), kChecksumAt);
  size_t after = std::min(value.size(), kChecksumAt + 8);
  for (size_t i = 0; i < field; ++i) hash = (hash ^ value[i]) * kPrime;
  for (size_t i = field; i < after; ++i) hash *= kPrime;  // (hash ^ 0) * kPrime.
  for (size_t i = after; i < value.size(); ++i) hash = (hash ^ value[i]) * kPrime;
  return hash;
}

Result<std::vector<uint8_t>> EncodeEntry(const CacheEntry& e) { return EncodeEntry(e, e.rrsets); }

Result<std::vector<uint8_t>> EncodeEntry(const CacheEntry& e, std::span<const dns::RRset> first,
                                         std::span<const dns::RRset> second) {
  dns::WireWriter w;
  RETURN_IF_ERROR(w.U8(kEntryFormat));
  RETURN_IF_ERROR(w.U8(static_cast<uint8_t>(e.kind)));
  RETURN_IF_ERROR(w.U8(static_cast<uint8_t>(e.trust)));
  RETURN_IF_ERROR(w.U8(static_cast<uint8_t>(e.security)));
  RETURN_IF_ERROR(w.U32(static_cast<uint32_t>(e.stored >> 32)));
  RETURN_IF_ERROR(w.U32(static_cast<uint32_t>(e.stored)));
  RETURN_IF_ERROR(w.U32(e.ttl));
  RETURN_IF_ERROR(w.U32(e.original_ttl));
  RETURN_IF_ERROR(w.U32(e.signature_expiry));
  RETURN_IF_ERROR(w.U32(0));
  RETURN_IF_ERROR(w.U32(0));
  size_t count = first.size() + second.size();
  if (count > 0xFFFF) return Fail(Errc::kBufferFull);
  RETURN_IF_ERROR(w.U16(static_cast<uint16_t>(count)));
  for (const dns::RRset& set : first) RETURN_IF_ERROR(WriteRRset(w, set));
  for (const dns::RRset& set : second) RETURN_IF_ERROR(WriteRRset(w, set));
  std::vector<uint8_t> out = std::move(w).Release();
  uint64_t sum = EntryChecksum(out);
  for (size_t i = 0; i < 8; ++i) out[kChecksumAt + i] = static_cast<uint8_t>(sum >> (56 - 8 * i));
  return out;
}

namespace {

// Checks the checksum and reads the header, leaving `reader` at the RRset count.
Result<CacheEntry> CheckedHeader(std::span<const uint8_t> value, std::optional<dns::WireReader>& reader) {
  auto checked = CheckedReader(value);
  if (!checked) return Fail(Errc::kCorruptEntry);
  reader.emplace(*checked);
  auto header = ReadHeader(*reader);
  if (!header) return Fail(Errc::kCorruptEntry);
  return header;
}

}  // namespace

Result<CacheEntry> DecodeEntryHeader(std::span<const uint8_t> value) {
  std::optional<dns::WireReader> reader;
  return CheckedHeader(value, reader);
}

Result<CacheEntry> DecodeEntry(std::span<const uint8_t> value) {
  std::optional<dns::WireReader> reader;
  auto entry = CheckedHeader(value, reader);
  if (!entry) return entry;
  auto count = reader->U16();
  if (!count) return Fail(Errc::kCorruptEntry);
  for (uint16_t i = 0; i < *count; ++i) {
    auto set = ReadRRset(*reader);
    if (!set) return Fail(Errc::kCorruptEntry);
    entry->rrsets.push_back(std::move(*set));
  }
  if (!reader->AtEnd()) return Fail(Errc::kCorruptEntry);
  return entry;
}

}  // namespace redoubt::cache
