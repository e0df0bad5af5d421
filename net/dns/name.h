// Domain names (RFC 1034 section 3.1, RFC 1035 sections 2.3.4, 3.1, 5.1; RFC 4034 section 6.1).
//
// A Name holds the uncompressed wire form, case preserved: a sequence of length-prefixed labels
// ending with the root label (a zero octet). Limits are checked when a Name is made (at most 63
// octets per label, at most 255 octets in all), so every Name in memory is valid. Comparison with
// operator== and hashing ignore ASCII case (RFC 4343); there is deliberately no operator<: callers
// choose CanonicalCompare (DNSSEC order) explicitly.
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "net/base/result.h"

namespace redoubt::dns {

inline constexpr size_t kMaxNameLength = 255;  // RFC 1035 section 2.3.4, wire octets
inline constexpr size_t kMaxLabelLength = 63;

class Name {
 public:
  // The root name ".".
  Name() noexcept;
  static Name Root() noexcept { return Name(); }

  // Builds a name from uncompressed wire bytes that must hold exactly one name (no pointers).
  // Fails with kTruncated, kLabelTooLong, kNameTooLong, kBadLabelType or kTrailingData.
  static Result<Name> FromWire(std::span<const uint8_t> wire);

  // Parses presentation text (RFC 1035 section 5.1): labels separated by '.', escapes "\X" and
  // "\DDD". A name without a trailing dot is relative and is completed with `origin` (the root
  // when none is given). "@" is not special here (the zone parser handles it). An empty label
  // (as in "a..b"), a bad escape or a limit violation fails with kSyntax, kBadEscape,
  // kLabelTooLong or kNameTooLong.
  static Result<Name> FromText(std::string_view text, const Name& origin = Name());

  // Builds a name from labels given left to right (without the root label).
  static Result<Name> FromLabels(std::span<const std::string_view> labels);

  // Wire form, uncompressed, including the final zero octet.
  std::span<const uint8_t> wire() const noexcept { return {data(), size_}; }
  size_t WireLength() const noexcept { return size_; }
  // Number of labels, not counting the root label ("www.example." has 2).
  size_t LabelCount() const noexcept { return labels_; }
  bool IsRoot() const noexcept { return labels_ == 0; }
  // True when the leftmost label is "*" (RFC 4592).
  bool IsWildcard() const noexcept;
  // The i-th label from the left (0 <= i < LabelCount()), without its length octet.
  std::span<const uint8_t> Label(size_t i) const noexcept;

  // ASCII case-insensitive equality (RFC 4343 section 3).
  friend bool operator==(const Name& a, const Name& b) noexcept;
  // A hash consistent with operator==.
  size_t Hash() const noexcept;
  // Byte-exact equality, case included.
  bool IdenticalTo(const Name& other) const noexcept;

  // RFC 4034 section 6.1 canonical order: labels compared right to left as lowercased octet
  // strings, absent octets first.
  std::weak_ordering CanonicalCompare(const Name& other) const noexcept;

  // True when this name equals `ancestor` or lies below it.
  bool IsSubdomainOf(const Name& ancestor) const noexcept;
  // The name without its leftmost label; the root's parent is the root.
  Name Parent() const;
  // The rightmost n labels (n >= LabelCount() gives the name itself).
  Name Suffix(size_t n) const;
  // `label` + "." + this. Fails when the result breaks a limit.
  Result<Name> Prepend(std::span<const uint8_t> label) const;
  // "*." + this (RFC 4592); fails when too long.
  Result<Name> Wildcard() const;
  // This name (relative labels) followed by `suffix`; this name's root label is dropped.
  Result<Name> Concat(const Name& suffix) const;
  // A copy with ASCII letters lowercased (RFC 4034 section 6.2 canonical form of names).
  Name ToLower() const;

  // Presentation text with a trailing dot; special characters and non-printables escaped as
  // RFC 1035 section 5.1 and RFC 4343 section 2.1 describe ("\." "\\" "\"" "\DDD"). Root is ".".
  std::string ToText() const;

  // The cache lookup key: labels in reverse order, lowercased, each followed by a 0x00 separator,
  // so that a zone's key is a prefix of the keys of all names below it (after Knot Resolver).
  // Root gives an empty key. "www.example." gives "example\0www\0".
  std::string LookupKey() const;
  // Appends LookupKey() to `out` (no allocation when `out` has room: WireLength() octets).
  void AppendLookupKey(std::string& out) const;

 private:
  static constexpr size_t kInline = 64;
  const uint8_t* data() const noexcept { return size_ <= kInline ? inline_.data() : heap_.data(); }
  // Takes already-validated wire bytes.
  static Name FromValidatedWire(std::span<const uint8_t> wire, size_t labels);

  // Set up to the end of the eight-octet word holding the last octet (zeros past size_), not
  // beyond: a name is made for every record parsed.
  std::array<uint8_t, kInline> inline_;
  std::vector<uint8_t> heap_;  // Used only for names longer than kInline octets.
  uint16_t size_ = 1;
  uint8_t labels_ = 0;
};

struct NameHash {
  size_t operator()(const Name& n) const noexcept { return n.Hash(); }
};

// Lowercases one ASCII octet; other octets unchanged.
constexpr uint8_t AsciiLower(uint8_t c) noexcept {
  return (c >= 'A' && c <= 'Z') ? static_cast<uint8_t>(c + 32) : c;
}

}  // namespace redoubt::dns
