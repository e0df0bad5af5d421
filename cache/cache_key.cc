#include "cache/cache_key.h"

namespace redoubt::cache {

// CACHE_KEY_LAYOUT: every function here.

std::string NameKeyPrefix(const dns::Name& name) { return name.LookupKey() + '\0'; }

std::string RRsetKey(const dns::Name& owner, dns::RrType type) {
  std::string key = NameKeyPrefix(owner) + 'E';
  auto t = static_cast<uint16_t>(type);
  key.push_back(static_cast<char>(t >> 8));
  key.push_back(static_cast<char>(t & 0xFF));
  return key;
}

std::string NxDomainKey(const dns::Name& owner) { return NameKeyPrefix(owner) + 'X'; }

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

}  // namespace redoubt::cache
