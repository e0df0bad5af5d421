#include "resolver/validator/trust_anchor_store.h"

#include <algorithm>
#include <tuple>

#include "net/dns/canonical.h"

#include "net/dns/base_encoding.h"

namespace redoubt::resolver {

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
}

const TrustAnchor* TrustAnchorStore::At(const dns::Name& zone) const {
  auto it = anchors_.find(zone);
  return it == anchors_.end() ? nullptr : &it->second;
}

const TrustAnchor* TrustAnchorStore::Closest(const dns::Name& name) const {
  for (dns::Name n = name;; n = n.Parent()) {
    if (const TrustAnchor* anchor = At(n)) return anchor;
    if (n.IsRoot()) return nullptr;
  }
}

const LegacyAnchor* TrustAnchorStore::ClosestLegacy(const dns::Name& name) const {
  for (dns::Name n = name;; n = n.Parent()) {
    if (auto it = legacy_.find(n); it != legacy_.end()) return &it->second;
    if (n.IsRoot()) return nullptr;
  }
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
