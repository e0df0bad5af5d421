#include "resolver/testing/legacy_zone.h"

#include <algorithm>
#include <map>

#include "net/dns/canonical.h"
#include "net/dns/rdata.h"

namespace redoubt::resolver::testing {
namespace {

using dns::Name;
using dns::Record;
using dns::RrType;

struct CanonicalLess {
  bool operator()(const Name& a, const Name& b) const noexcept {
    return a.CanonicalCompare(b) < 0;
  }
};
// name -> type -> records, in canonical name order and ascending type order.
using ZoneIndex = std::map<Name, std::map<RrType, std::vector<Record>>, CanonicalLess>;

std::vector<uint8_t> KeyRdata(const LegacySigner& signer, bool no_key) {
  dns::rdata::KEY key;
  key.flags = no_key ? 0xC100 : 0x0100;
  key.protocol = 3;
  key.algorithm = static_cast<dns::DnssecAlgorithm>(signer.algorithm);
  if (!no_key) key.public_key.bytes = signer.key->PublicKeyField();
  auto bytes = dns::RdataToBytes(key);
  return bytes ? *bytes : std::vector<uint8_t>{};
}

uint8_t SignatureLabels(const Name& owner) {
  size_t labels = owner.LabelCount();
  if (owner.IsWildcard()) --labels;
  return static_cast<uint8_t>(labels);
}

// One SIG over the RRset `rrset` (all of one owner, class and type).
Result<Record> SignRrset(const std::vector<Record>& rrset, const LegacySigner& signer,
                         uint16_t key_tag) {
  const Record& first = rrset.front();
  dns::rdata::SIG sig;
  sig.type_covered = first.type;
  sig.algorithm = static_cast<dns::DnssecAlgorithm>(signer.algorithm);
  sig.labels = SignatureLabels(first.owner);
  sig.original_ttl = first.ttl;
  sig.expiration.value = signer.expiration;
  sig.inception.value = signer.inception;
  sig.key_tag = key_tag;
  sig.signer = signer.signer;
  std::vector<dns::RdataBytes> rdatas;
  for (const Record& r : rrset) rdatas.push_back(r.rdata);
  ASSIGN_OR_RETURN(std::vector<uint8_t> data, dns::SignedData(sig, first.owner, first.klass, rdatas));
  ASSIGN_OR_RETURN(crypto::RsaAlgorithm algorithm, crypto::RsaAlgorithmFromNumber(signer.algorithm));
  ASSIGN_OR_RETURN(sig.signature.bytes, signer.key->Sign(algorithm, data));
  ASSIGN_OR_RETURN(std::vector<uint8_t> rdata, dns::RdataToBytes(sig));
  return Record{first.owner, RrType::SIG, first.klass, first.ttl, std::move(rdata)};
}

ZoneIndex IndexRecords(const std::vector<Record>& records) {
  ZoneIndex index;
  for (const Record& r : records) index[r.owner][r.type].push_back(r);
  return index;
}

uint16_t SignerKeyTag(const LegacySigner& signer) {
  return dns::KeyTag(KeyRdata(signer, /*no_key=*/false));
}

// True when `name` lies strictly below a delegation point (glue or occluded data).
bool BelowCut(const Name& name, const ZoneIndex& index, const Name& apex) {
  for (Name n = name.Parent(); n.IsSubdomainOf(apex) && !(n == apex); n = n.Parent()) {
    auto it = index.find(n);
    if (it != index.end() && it->second.contains(RrType::NS)) return true;
  }
  return false;
}

Result<uint32_t> SoaMinimum(const ZoneIndex& index, const Name& apex) {
  auto it = index.find(apex);
  if (it == index.end() || !it->second.contains(RrType::SOA)) return Fail(Errc::kInvalidArgument);
  ASSIGN_OR_RETURN(auto soa, dns::Decode<dns::rdata::SOA>(it->second.at(RrType::SOA).front().rdata));
  return soa.minimum;
}

Result<Record> NxtRecord(const Name& owner, const Name& next,
                         const std::map<RrType, std::vector<Record>>& types, uint32_t ttl) {
  dns::rdata::NXT nxt;
  nxt.next = next;
  for (const auto& [type, unused] : types) nxt.types.types.push_back(type);
  nxt.types.types.push_back(RrType::SIG);
  nxt.types.types.push_back(RrType::NXT);
  std::sort(nxt.types.types.begin(), nxt.types.types.end());
  nxt.types.types.erase(std::unique(nxt.types.types.begin(), nxt.types.types.end()),
                        nxt.types.types.end());
  ASSIGN_OR_RETURN(std::vector<uint8_t> rdata, dns::RdataToBytes(nxt));
  return Record{owner, RrType::NXT, dns::RrClass::IN, ttl, std::move(rdata)};
}

// Adds an NXT for every authoritative name, in canonical order, the last pointing to the apex.
Status AddNxtChain(ZoneIndex& index, const Name& apex) {
  ASSIGN_OR_RETURN(uint32_t ttl, SoaMinimum(index, apex));
  std::vector<Name> chain;
  for (const auto& [name, types] : index) {
    if (name.IsSubdomainOf(apex) && !BelowCut(name, index, apex)) chain.push_back(name);
  }
  for (size_t i = 0; i < chain.size(); ++i) {
    const Name& next = i + 1 < chain.size() ? chain[i + 1] : apex;
    ASSIGN_OR_RETURN(Record nxt, NxtRecord(chain[i], next, index.at(chain[i]), ttl));
    index[chain[i]][RrType::NXT] = {std::move(nxt)};
  }
  return {};
}

}  // namespace

Record ZoneKeyRecord(const LegacySigner& signer, uint32_t ttl, bool no_key) {
  return Record{signer.signer, RrType::KEY, dns::RrClass::IN, ttl, KeyRdata(signer, no_key)};
}

Result<std::vector<Record>> SignRrsets(const std::vector<Record>& records,
                                       const LegacySigner& signer) {
  uint16_t key_tag = SignerKeyTag(signer);
  std::vector<Record> out;
  for (const auto& [name, types] : IndexRecords(records)) {
    for (const auto& [type, rrset] : types) {
      ASSIGN_OR_RETURN(Record sig, SignRrset(rrset, signer, key_tag));
      out.push_back(std::move(sig));
    }
  }
  return out;
}

Result<std::vector<Record>> SignZone(std::vector<Record> records, const LegacySigner& signer) {
  const Name& apex = signer.signer;
  ZoneIndex index = IndexRecords(records);
  ASSIGN_OR_RETURN(uint32_t minimum, SoaMinimum(index, apex));
  if (!index[apex].contains(RrType::KEY)) index[apex][RrType::KEY] = {ZoneKeyRecord(signer, minimum)};
  RETURN_IF_ERROR(AddNxtChain(index, apex));
  uint16_t key_tag = SignerKeyTag(signer);
  std::vector<Record> out;
  for (const auto& [name, types] : index) {
    bool glue = !name.IsSubdomainOf(apex) || BelowCut(name, index, apex);
    bool delegation = !(name == apex) && types.contains(RrType::NS);
    for (const auto& [type, rrset] : types) {
      out.insert(out.end(), rrset.begin(), rrset.end());
      if (glue || (delegation && type == RrType::NS)) continue;
      ASSIGN_OR_RETURN(Record sig, SignRrset(rrset, signer, key_tag));
      out.push_back(std::move(sig));
    }
  }
  return out;
}

}  // namespace redoubt::resolver::testing
