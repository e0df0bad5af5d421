#include "cache/cache_key.h"

#include <vector>

namespace redoubt::cache {

// CACHE_KEY_LAYOUT: every function here.

namespace {

// NameKeyPrefix(name) with room for `suffix` more octets: one allocation per key.
std::string PrefixWithRoom(const dns::Name& name, size_t suffix) {
  std::string key;
  key.reserve(name.WireLength() + suffix);  // LookupKey is WireLength() - 1 octets, then 0x00.
  name.AppendLookupKey(key);
  key.push_back('\0');
  return key;
}

}  // namespace

std::string NameKeyPrefix(const dns::Name& name) { return PrefixWithRoom(name, 0); }

std::string RRsetKey(const dns::Name& owner, dns::RrType type) {
  std::string key = PrefixWithRoom(owner, 3);
  auto t = static_cast<uint16_t>(type);
  key.push_back('E');
  key.push_back(static_cast<char>(t >> 8));
  key.push_back(static_cast<char>(t & 0xFF));
  return key;
}

std::string NxDomainKey(const dns::Name& owner) {
  std::string key = PrefixWithRoom(owner, 1);
  key.push_back('X');
  return key;
}

std::string NsecPrefix(const dns::Name& zone) { return NameKeyPrefix(zone) + '1'; }

std::string NsecKey(const dns::Name& zone, const dns::Name& owner) {
  std::string full = owner.LookupKey();
  std::string apex = zone.LookupKey();
  return NsecPrefix(zone) + full.substr(std::min(apex.size(), full.size()));
}

std::string Nsec3Prefix(const dns::Name& zone) { return NameKeyPrefix(zone) + '3'; }

std::string Nsec3Key(const dns::Name& zone, std::span<const uint8_t> hash) {
  return Nsec3Prefix(zone) + std::string(hash.begin(), hash.end());
}

std::optional<dns::Name> KeyOwner(std::string_view key) {
  std::string_view lookup;
  if (key.size() >= 2 && key.substr(key.size() - 2) == std::string_view("\0X", 2)) {
    lookup = key.substr(0, key.size() - 2);
  } else if (key.size() >= 4 && key[key.size() - 4] == '\0' && key[key.size() - 3] == 'E') {
    lookup = key.substr(0, key.size() - 4);
  } else {
    return std::nullopt;
  }
  std::vector<std::string_view> labels;  // Reversed in the key: the root-most label first.
  while (!lookup.empty()) {
    size_t end = lookup.find('\0');
    if (end == std::string_view::npos || end == 0) return std::nullopt;
    labels.insert(labels.begin(), lookup.substr(0, end));
    lookup.remove_prefix(end + 1);
  }
  auto name = dns::Name::FromLabels(labels);
  if (!name) return std::nullopt;
  return *name;
}

}  // namespace redoubt::cache
