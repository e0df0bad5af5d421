#include "net/dns/canonical.h"

#include <algorithm>

#include "net/dns/wire_writer.h"

namespace redoubt::dns {

Result<RdataBytes> CanonicalRdata(RrType type, std::span<const uint8_t> rdata) {
  if (!(NameRulesOf(type) & kNamesLowercase)) {
    // No names change in canonical form; still insist the bytes are valid for the type.
    if (IsKnownType(type)) RETURN_IF_ERROR(DecodeRdata(type, rdata));
    return RdataBytes(rdata.begin(), rdata.end());
  }
  ASSIGN_OR_RETURN(Rdata typed, DecodeRdata(type, rdata));
  return RdataToBytes(typed, RdataForm::kCanonical);
}

Result<std::vector<RdataBytes>> CanonicalRdataSet(RrType type, std::span<const RdataBytes> rdatas) {
  std::vector<RdataBytes> out;
  out.reserve(rdatas.size());
  for (const auto& r : rdatas) {
    ASSIGN_OR_RETURN(RdataBytes c, CanonicalRdata(type, r));
    out.push_back(std::move(c));
  }
  // Lexicographic octet comparison with a shorter prefix first is exactly RFC 4034 6.3's order.
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

Result<Name> SignedOwner(const Name& owner, uint8_t labels) {
  size_t owner_labels = owner.LabelCount() - (owner.IsWildcard() ? 1 : 0);
  if (labels > owner_labels) return Fail(Errc::kBadRdata);
  if (labels == owner.LabelCount()) return owner.ToLower();
  return owner.Suffix(labels).ToLower().Wildcard();
}

namespace {

template <class Sig>
Result<std::vector<uint8_t>> BuildSignedData(const Sig& sig, const Name& owner, RrClass klass,
                                             std::span<const RdataBytes> rdatas) {
  ASSIGN_OR_RETURN(Name signed_owner, SignedOwner(owner, sig.labels));
  ASSIGN_OR_RETURN(auto sorted, CanonicalRdataSet(sig.type_covered, rdatas));
  WireWriter w(1 << 24);
  RETURN_IF_ERROR(w.U16(static_cast<uint16_t>(sig.type_covered)));
  RETURN_IF_ERROR(w.U8(static_cast<uint8_t>(sig.algorithm)));
  RETURN_IF_ERROR(w.U8(sig.labels));
  RETURN_IF_ERROR(w.U32(sig.original_ttl));
  RETURN_IF_ERROR(w.U32(sig.expiration.value));
  RETURN_IF_ERROR(w.U32(sig.inception.value));
  RETURN_IF_ERROR(w.U16(sig.key_tag));
  RETURN_IF_ERROR(w.WriteName(sig.signer, /*compress=*/false, /*lowercase=*/true));
  for (const auto& rdata : sorted) {
    if (rdata.size() > 65535) return Fail(Errc::kBadRdata);
    RETURN_IF_ERROR(w.WriteName(signed_owner, false, true));
    RETURN_IF_ERROR(w.U16(static_cast<uint16_t>(sig.type_covered)));
    RETURN_IF_ERROR(w.U16(static_cast<uint16_t>(klass)));
    RETURN_IF_ERROR(w.U32(sig.original_ttl));
    RETURN_IF_ERROR(w.U16(static_cast<uint16_t>(rdata.size())));
    RETURN_IF_ERROR(w.Bytes(rdata));
  }
  return std::move(w).Release();
}

}  // namespace

Result<std::vector<uint8_t>> SignedData(const rdata::RRSIG& sig, const Name& owner, RrClass klass,
                                        std::span<const RdataBytes> rdatas) {
  return BuildSignedData(sig, owner, klass, rdatas);
}

Result<std::vector<uint8_t>> SignedData(const rdata::SIG& sig, const Name& owner, RrClass klass,
                                        std::span<const RdataBytes> rdatas) {
  return BuildSignedData(sig, owner, klass, rdatas);
}

uint16_t KeyTag(std::span<const uint8_t> key_rdata) noexcept {
  if (key_rdata.size() >= 4 && key_rdata[3] == 1) {
    // RSA/MD5: the tag is the most significant 16 of the least significant 24 bits of the modulus.
    size_t n = key_rdata.size();
    if (n < 7) return 0;
    return static_cast<uint16_t>(key_rdata[n - 3] << 8 | key_rdata[n - 2]);
  }
  uint32_t acc = 0;
  for (size_t i = 0; i < key_rdata.size(); ++i) {
    acc += (i & 1) ? key_rdata[i] : static_cast<uint32_t>(key_rdata[i]) << 8;
  }
  acc += (acc >> 16) & 0xFFFF;
  return static_cast<uint16_t>(acc & 0xFFFF);
}

}  // namespace redoubt::dns
