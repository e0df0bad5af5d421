#include "resolver/validator/trust_anchor_store.h"

#include <algorithm>
#include <tuple>

#include "net/dns/canonical.h"

#include "net/dns/base_encoding.h"

namespace redoubt::resolver {

namespace {

// True when `name` is `zone` or below it (RFC 4034 section 6.1: labels compared without case),
// without building a Name for each ancestor.
bool AtOrBelow(const dns::Name& name, const dns::Name& zone) {
  std::span<const uint8_t> n = name.wire(), z = zone.wire();
  if (z.size() > n.size() || zone.LabelCount() > name.LabelCount()) return false;
  size_t start = n.size() - z.size(), pos = 0;
  while (pos < start) pos += 1u + n[pos];
  if (pos != start) return false;  // The tail does not begin at a label.
  for (size_t i = 0; i < z.size(); ++i) {
    if (dns::AsciiLower(n[start + i]) != dns::AsciiLower(z[i])) return false;
  }
  return true;
}

// The deepest of `zones` (deepest first) that `name` is at or below; `name` and its ancestors
// looked up one by one in `map` when there are too many zones to try each.
template <class Map>
const typename Map::mapped_type* ClosestIn(const Map& map, const std::vector<dns::Name>& zones,
                                           const dns::Name& name) {
  if (zones.size() <= TrustAnchorStore::kScanAtMost) {
    for (const dns::Name& zone : zones) {
      if (AtOrBelow(name, zone)) return &map.find(zone)->second;
    }
    return nullptr;
  }
  for (dns::Name n = name;; n = n.Parent()) {
    if (auto it = map.find(n); it != map.end()) return &it->second;
    if (n.IsRoot()) return nullptr;
  }
}

template <class Map>
std::vector<dns::Name> DeepestFirst(const Map& map) {
  std::vector<dns::Name> zones;
  for (const auto& entry : map) zones.push_back(entry.first);
  std::sort(zones.begin(), zones.end(),
            [](const dns::Name& a, const dns::Name& b) { return a.LabelCount() > b.LabelCount(); });
  return zones;
}

}  // namespace

TrustAnchorStore::TrustAnchorStore(const std::vector<dns::Record>& anchors,
                                   std::vector<dns::Name> negative)
    : negative_(std::move(negative)) {
  for (const dns::Record& r : anchors) {
    TrustAnchor& anchor = anchors_[r.owner];
    anchor.zone = r.owner;
    if (r.type == dns::RrType::DS) {
      if (auto ds = dns::Decode<dns::rdata::DS>(r.rdata)) anchor.ds.push_back(std::move(*ds));
    } else if (r.type == dns::RrType::DNSKEY) {
      anchor.dnskey_rdatas.push_back(r.rdata);
    } else if (r.type == dns::RrType::KEY) {
      LegacyAnchor& legacy = legacy_[r.owner];
      legacy.zone = r.owner;
      legacy.key_rdatas.push_back(r.rdata);
    }
  }
  std::erase_if(anchors_, [](const auto& entry) {
    return entry.second.ds.empty() && entry.second.dnskey_rdatas.empty();
  });
  anchor_zones_ = DeepestFirst(anchors_);
  legacy_zones_ = DeepestFirst(legacy_);
}

const TrustAnchor* TrustAnchorStore::At(const dns::Name& zone) const {
  auto it = anchors_.find(zone);
  return it == anchors_.end() ? nullptr : &it->second;
}


const TrustAnchor* TrustAnchorStore::Closest(const dns::Name& name) const {
  return ClosestIn(anchors_, anchor_zones_, name);
}

const LegacyAnchor* TrustAnchorStore::ClosestLegacy(const dns::Name& name) const {
  return ClosestIn(legacy_, legacy_zones_, name);
}

bool TrustAnchorStore::UnderNegativeAnchor(const dns::Name& name) const {
  return std::any_of(negative_.begin(), negative_.end(),
                     [&](const dns::Name& nta) { return name.IsSubdomainOf(nta); }) ||
         (runtime_negative_ != nullptr && runtime_negative_->Covers(name));
}

namespace {

AnchorDescription DescribeKey(const dns::Name& zone, std::string form, std::span<const uint8_t> rdata) {
  AnchorDescription d{zone, std::move(form)};
  d.key_tag = dns::KeyTag(rdata);
  if (rdata.size() >= 4) {
    d.flags = static_cast<uint16_t>(rdata[0] << 8 | rdata[1]);
    d.algorithm = rdata[3];
  }
  return d;
}

}  // namespace

std::vector<AnchorDescription> TrustAnchorStore::Describe() const {
  std::vector<AnchorDescription> out;
  for (const auto& [zone, anchor] : anchors_) {
    for (const auto& ds : anchor.ds) {
      out.push_back(AnchorDescription{zone, "DS", ds.key_tag, static_cast<uint8_t>(ds.algorithm)});
    }
    for (const auto& key : anchor.dnskey_rdatas) out.push_back(DescribeKey(zone, "DNSKEY", key));
  }
  for (const auto& [zone, legacy] : legacy_) {
    for (const auto& key : legacy.key_rdatas) out.push_back(DescribeKey(zone, "KEY", key));
  }
  for (const dns::Name& nta : negative_) out.push_back(AnchorDescription{nta, "NTA"});
  std::sort(out.begin(), out.end(), [](const AnchorDescription& a, const AnchorDescription& b) {
    if (!(a.zone == b.zone)) return a.zone.CanonicalCompare(b.zone) < 0;
    return std::tie(a.form, a.key_tag) < std::tie(b.form, b.key_tag);
  });
  return out;
}

std::string TrustAnchorStore::Fingerprint() const {
  std::vector<std::string> lines;
  for (const auto& [zone, anchor] : anchors_) {
    for (const auto& ds : anchor.ds) {
      auto bytes = dns::RdataToBytes(ds);
      if (bytes) lines.push_back(zone.ToLower().ToText() + " DS " + dns::EncodeHex(*bytes));
    }
    for (const auto& key : anchor.dnskey_rdatas) {
      lines.push_back(zone.ToLower().ToText() + " DNSKEY " + dns::EncodeHex(key));
    }
  }
  for (const auto& [zone, legacy] : legacy_) {
    for (const auto& key : legacy.key_rdatas) lines.push_back(zone.ToLower().ToText() + " KEY " + dns::EncodeHex(key));
  }
  for (const dns::Name& nta : negative_) lines.push_back(nta.ToLower().ToText() + " NTA");
  std::sort(lines.begin(), lines.end());
  std::string all;
  for (const std::string& line : lines) all += line + "\n";
  return all;
}

}  // namespace redoubt::resolver
