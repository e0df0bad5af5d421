#include "resolver/testing/zone_signer.h"

#include <algorithm>
#include <map>
#include <memory>
#include <set>

#include "crypto/ds_digest.h"
#include "crypto/nsec3_hash.h"
#include "net/dns/canonical.h"
#include "net/dns/base_encoding.h"
#include "net/dns/rdata.h"
#include "net/dns/zone_parser.h"

namespace redoubt::resolver::testing {
namespace {

using dns::Name;
using dns::Record;
using dns::RrType;

struct NameLess {
  bool operator()(const Name& a, const Name& b) const { return a.CanonicalCompare(b) < 0; }
};
using TypeMap = std::map<Name, std::set<uint16_t>, NameLess>;

dns::TypeBitmap Bitmap(const std::set<uint16_t>& types) {
  dns::TypeBitmap bitmap;
  for (uint16_t t : types) bitmap.types.push_back(static_cast<RrType>(t));
  return bitmap;
}

template <typename T>
Record RecordOf(const Name& owner, uint32_t ttl, const T& rdata) {
  auto bytes = dns::RdataToBytes(dns::Rdata(rdata));
  return Record{owner, T::kType, dns::RrClass::IN, ttl, bytes ? *bytes : std::vector<uint8_t>{}};
}

// The owners that are zone cuts below the apex (an NS RRset not at the apex).
std::set<Name, NameLess> CutsOf(const std::vector<Record>& records, const Name& apex) {
  std::set<Name, NameLess> cuts;
  for (const Record& r : records) {
    if (r.type == RrType::NS && !(r.owner == apex)) cuts.insert(r.owner);
  }
  return cuts;
}

bool BelowCut(const Name& owner, const std::set<Name, NameLess>& cuts) {
  return std::any_of(cuts.begin(), cuts.end(), [&](const Name& c) {
    return owner.IsSubdomainOf(c) && !(owner == c);
  });
}

// The types each owner the zone is authoritative for holds (cuts: only NS and DS).
TypeMap TypesOf(const std::vector<Record>& records, const std::set<Name, NameLess>& cuts) {
  TypeMap types;
  for (const Record& r : records) {
    if (BelowCut(r.owner, cuts)) continue;  // Glue.
    if (cuts.count(r.owner) && r.type != RrType::NS && r.type != RrType::DS) continue;
    types[r.owner].insert(static_cast<uint16_t>(r.type));
  }
  return types;
}

uint32_t NegativeTtl(const std::vector<Record>& records) {
  for (const Record& r : records) {
    if (r.type != RrType::SOA || r.rdata.size() < 4) continue;
    size_t n = r.rdata.size();
    uint32_t minimum = (uint32_t{r.rdata[n - 4]} << 24) | (uint32_t{r.rdata[n - 3]} << 16) |
                       (uint32_t{r.rdata[n - 2]} << 8) | r.rdata[n - 1];
    return std::min(minimum, r.ttl);
  }
  return 3600;
}

void AddNsecChain(const Name& apex, const TypeMap& types, uint32_t ttl, std::vector<Record>& out) {
  std::vector<Name> owners;
  for (const auto& [owner, set] : types) owners.push_back(owner);
  for (size_t i = 0; i < owners.size(); ++i) {
    std::set<uint16_t> present = types.at(owners[i]);
    present.insert(static_cast<uint16_t>(RrType::NSEC));
    present.insert(static_cast<uint16_t>(RrType::RRSIG));
    out.push_back(RecordOf(owners[i], ttl, dns::rdata::NSEC{owners[(i + 1) % owners.size()], Bitmap(present)}));
  }
  (void)apex;
}

void AddNsec3Chain(const Name& apex, const TypeMap& types, const std::set<Name, NameLess>& cuts,
                   const SignerOptions& o, uint32_t ttl, std::vector<Record>& out) {
  std::map<Name, std::set<uint16_t>, NameLess> names;  // Owners and empty non-terminals.
  for (const auto& [owner, set] : types) {
    bool insecure_cut = cuts.count(owner) && !set.count(static_cast<uint16_t>(RrType::DS));
    if (o.opt_out && insecure_cut) continue;
    std::set<uint16_t> present = set;
    if (!insecure_cut) present.insert(static_cast<uint16_t>(RrType::RRSIG));
    if (owner == apex) present.insert(static_cast<uint16_t>(RrType::NSEC3PARAM));
    names[owner].insert(present.begin(), present.end());
    for (Name n = owner; !(n == apex) && n.IsSubdomainOf(apex); n = n.Parent()) names[n];
  }
  std::map<std::vector<uint8_t>, std::set<uint16_t>> hashed;
  for (const auto& [name, set] : names) {
    auto digest = crypto::Nsec3Hash(name, 1, o.nsec3_salt, o.nsec3_iterations);
    if (digest) hashed[std::vector<uint8_t>(digest->bytes().begin(), digest->bytes().end())] = set;
  }
  std::vector<std::vector<uint8_t>> order;
  for (const auto& [hash, set] : hashed) order.push_back(hash);
  for (size_t i = 0; i < order.size(); ++i) {
    dns::rdata::NSEC3 n3;
    n3.hash_algorithm = 1;
    n3.flags = o.opt_out ? 1 : 0;
    n3.iterations = o.nsec3_iterations;
    n3.salt.bytes = o.nsec3_salt;
    n3.next_hashed.bytes = order[(i + 1) % order.size()];
    n3.types = Bitmap(hashed[order[i]]);
    auto owner = Name::FromText(dns::EncodeBase32Hex(order[i]), apex);
    if (owner) out.push_back(RecordOf(*owner, ttl, n3));
  }
  dns::rdata::NSEC3PARAM param;
  param.iterations = o.nsec3_iterations;
  param.salt.bytes = o.nsec3_salt;
  out.push_back(RecordOf(apex, 0, param));
}

struct SetToSign {
  Name owner;
  RrType type;
  uint32_t ttl;
  std::vector<std::vector<uint8_t>> rdatas;
};

// Groups the records to sign into RRsets: authoritative data, DS and NSEC at cuts, no glue,
// no RRSIGs.
std::vector<SetToSign> SignableSets(const std::vector<Record>& records,
                                    const std::set<Name, NameLess>& cuts) {
  std::vector<SetToSign> sets;
  for (const Record& r : records) {
    if (r.type == RrType::RRSIG || BelowCut(r.owner, cuts)) continue;
    if (cuts.count(r.owner) && r.type != RrType::DS && r.type != RrType::NSEC) continue;
    auto same = std::find_if(sets.begin(), sets.end(), [&](const SetToSign& s) {
      return s.owner == r.owner && s.type == r.type;
    });
    if (same == sets.end()) {
      sets.push_back({r.owner, r.type, r.ttl, {r.rdata}});
    } else {
      same->ttl = std::min(same->ttl, r.ttl);
      same->rdatas.push_back(r.rdata);
    }
  }
  return sets;
}

Result<Record> SignatureRecord(const crypto::DnssecSigningKey& key, uint16_t flags, const Name& apex,
                               const SetToSign& set, const SignerOptions& o) {
  ASSIGN_OR_RETURN(dns::rdata::RRSIG sig,
                   crypto::SignRRset(key, flags, apex, set.owner, set.type, set.ttl, set.rdatas,
                                     o.inception, o.expiration));
  return RecordOf(set.owner, set.ttl, sig);
}

}  // namespace

Result<SignedZone> SignedZone::Make(const std::string& apex_text, const std::string& text,
                                    const SignerOptions& o, const std::vector<Record>& extra) {
  SignedZone zone;
  dns::ZoneParseOptions parse;
  ASSIGN_OR_RETURN(parse.origin, Name::FromText(apex_text));
  zone.apex_ = parse.origin;
  auto parsed = dns::ParseZoneText("$TTL 3600\n" + text, apex_text, parse);
  if (!parsed) return Fail(Errc::kInvalidArgument);
  zone.records_ = std::move(*parsed);
  zone.records_.insert(zone.records_.end(), extra.begin(), extra.end());
  ASSIGN_OR_RETURN(crypto::DnssecSigningKey ksk, crypto::DnssecSigningKey::Generate(o.algorithm, 1024));
  std::unique_ptr<crypto::DnssecSigningKey> zsk;
  if (o.separate_ksk) {
    ASSIGN_OR_RETURN(crypto::DnssecSigningKey made, crypto::DnssecSigningKey::Generate(o.algorithm, 1024));
    zsk = std::make_unique<crypto::DnssecSigningKey>(std::move(made));
  }
  zone.ksk_rdata_ = crypto::DnskeyRdata(ksk, o.ksk_flags);
  zone.records_.push_back(Record{zone.apex_, RrType::DNSKEY, dns::RrClass::IN, 3600, zone.ksk_rdata_});
  if (zsk) zone.records_.push_back(Record{zone.apex_, RrType::DNSKEY, dns::RrClass::IN, 3600, crypto::DnskeyRdata(*zsk, 256)});
  std::set<Name, NameLess> cuts = CutsOf(zone.records_, zone.apex_);
  TypeMap types = TypesOf(zone.records_, cuts);
  uint32_t negative_ttl = NegativeTtl(zone.records_);
  if (o.nsec3) {
    AddNsec3Chain(zone.apex_, types, cuts, o, negative_ttl, zone.records_);
  } else {
    AddNsecChain(zone.apex_, types, negative_ttl, zone.records_);
  }
  std::vector<Record> signatures;
  for (const SetToSign& set : SignableSets(zone.records_, cuts)) {
    bool key_set = set.type == RrType::DNSKEY;
    const crypto::DnssecSigningKey& signer = zsk && !key_set ? *zsk : ksk;
    ASSIGN_OR_RETURN(Record sig, SignatureRecord(signer, zsk && !key_set ? 256 : o.ksk_flags, zone.apex_, set, o));
    signatures.push_back(std::move(sig));
  }
  zone.records_.insert(zone.records_.end(), signatures.begin(), signatures.end());
  if (o.ttl_override != 0) {
    for (Record& r : zone.records_) r.ttl = o.ttl_override;
  }
  return zone;
}

Record SignedZone::Ds(uint8_t digest_type) const {
  dns::rdata::DS ds;
  ds.key_tag = dns::KeyTag(ksk_rdata_);
  auto key = dns::Decode<dns::rdata::DNSKEY>(ksk_rdata_);
  ds.algorithm = key ? key->algorithm : dns::DnssecAlgorithm{};
  ds.digest_type = digest_type;
  auto digest = crypto::DsDigest(digest_type, apex_, ksk_rdata_);
  if (digest) ds.digest.bytes.assign(digest->bytes().begin(), digest->bytes().end());
  return RecordOf(apex_, 3600, ds);
}

Record SignedZone::KskDnskey() const {
  return Record{apex_, RrType::DNSKEY, dns::RrClass::IN, 3600, ksk_rdata_};
}

void SignedZone::CorruptSignatures(const std::string& owner, RrType covered) {
  auto name = Name::FromText(owner, apex_);
  if (!name) return;
  for (Record& r : records_) {
    if (r.type != RrType::RRSIG || !(r.owner == *name)) continue;
    auto sig = dns::Decode<dns::rdata::RRSIG>(r.rdata);
    if (!sig || (covered != RrType{0} && sig->type_covered != covered)) continue;
    // The signature is the RDATA's last field: flip a bit in its middle.
    size_t length = sig->signature.bytes.size();
    if (length > 0) r.rdata[r.rdata.size() - length / 2 - 1] ^= 0x01;
  }
}

void SignedZone::StripSignatures(const std::string& owner, RrType covered) {
  auto name = Name::FromText(owner, apex_);
  if (!name) return;
  std::erase_if(records_, [&](const Record& r) {
    if (r.type != RrType::RRSIG || !(r.owner == *name)) return false;
    auto sig = dns::Decode<dns::rdata::RRSIG>(r.rdata);
    return sig && (covered == RrType{0} || sig->type_covered == covered);
  });
}

void SignedZone::Remove(const std::string& owner, RrType type) {
  auto name = Name::FromText(owner, apex_);
  if (!name) return;
  StripSignatures(owner, type);
  std::erase_if(records_, [&](const Record& r) { return r.owner == *name && r.type == type; });
}

void SignedZone::RemoveType(RrType type) {
  std::erase_if(records_, [&](const Record& r) {
    if (r.type == type) return true;
    if (r.type != RrType::RRSIG) return false;
    auto sig = dns::Decode<dns::rdata::RRSIG>(r.rdata);
    return sig && sig->type_covered == type;
  });
}

void SignedZone::SetTtl(const std::string& owner, RrType type, uint32_t ttl) {
  auto name = Name::FromText(owner, apex_);
  if (!name) return;
  for (Record& r : records_) {
    if (!(r.owner == *name)) continue;
    if (r.type == type) r.ttl = ttl;
    if (r.type != RrType::RRSIG) continue;
    auto sig = dns::Decode<dns::rdata::RRSIG>(r.rdata);
    if (sig && sig->type_covered == type) r.ttl = ttl;
  }
}

void SignedZone::ReplaceWithForgedSignatures(const std::string& owner, RrType covered, int count) {
  auto name = Name::FromText(owner, apex_);
  if (!name) return;
  std::vector<Record> forged;
  for (const Record& r : records_) {
    if (r.type != RrType::RRSIG || !(r.owner == *name)) continue;
    auto sig = dns::Decode<dns::rdata::RRSIG>(r.rdata);
    if (!sig || sig->type_covered != covered || sig->signature.bytes.empty()) continue;
    for (int i = 0; i < count; ++i) {
      dns::rdata::RRSIG bad = *sig;
      bad.signature.bytes[0] ^= static_cast<uint8_t>(i % 255 + 1);
      bad.inception.value += static_cast<uint32_t>(i + 1);
      auto bytes = dns::RdataToBytes(dns::Rdata(bad));
      if (bytes) forged.push_back(Record{r.owner, r.type, r.klass, r.ttl, *bytes});
    }
  }
  StripSignatures(owner, covered);
  records_.insert(records_.end(), forged.begin(), forged.end());
}

}  // namespace redoubt::resolver::testing
