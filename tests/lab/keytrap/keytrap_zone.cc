#include "tests/lab/keytrap/keytrap_zone.h"

#include <algorithm>
#include <iterator>
#include <map>
#include <span>

#include "crypto/ds_digest.h"
#include "crypto/random.h"
#include "net/dns/canonical.h"
#include "net/dns/rdata.h"

namespace redoubt::lab {
namespace {

using dns::Name;
using dns::Record;
using dns::RrType;

struct CanonicalLess {
  bool operator()(const Name& a, const Name& b) const noexcept { return a.CanonicalCompare(b) < 0; }
};
// name -> type -> records, in canonical name order and ascending type order.
using ZoneIndex = std::map<Name, std::map<RrType, std::vector<Record>>, CanonicalLess>;

constexpr auto kRsaSha256 = static_cast<uint8_t>(dns::DnssecAlgorithm::RSASHA256);  // RFC 5702.

// RFC 4034 Appendix B before the fold: octets at even offsets count as the high byte of a
// 16-bit word, odd offsets as the low byte.
uint32_t AppendixBSum(std::span<const uint8_t> rdata) noexcept {
  uint32_t sum = 0;
  for (size_t i = 0; i < rdata.size(); ++i) sum += (i & 1) ? rdata[i] : uint32_t{rdata[i]} << 8;
  return sum;
}
uint16_t Fold(uint32_t sum) noexcept { return static_cast<uint16_t>(sum + ((sum >> 16) & 0xFFFF)); }

// Picks the last two octets of `rdata` (the last one odd: an RSA modulus must be) so that its
// key tag is `tag`; false when this modulus cannot reach the tag.
bool SetTagOctets(std::vector<uint8_t>& rdata, uint16_t tag) {
  size_t n = rdata.size();
  rdata[n - 2] = rdata[n - 1] = 0;
  uint32_t base = AppendixBSum(rdata);
  auto weight = [](size_t offset) { return (offset & 1) ? 1u : 256u; };
  for (unsigned a = 0; a < 256; ++a) {
    for (unsigned b = 1; b < 256; b += 2) {
      if (Fold(base + a * weight(n - 2) + b * weight(n - 1)) != tag) continue;
      rdata[n - 2] = static_cast<uint8_t>(a);
      rdata[n - 1] = static_cast<uint8_t>(b);
      return true;
    }
  }
  return false;
}

ZoneIndex IndexRecords(const std::vector<Record>& records) {
  ZoneIndex index;
  for (const Record& r : records) index[r.owner][r.type].push_back(r);
  return index;
}

Result<uint32_t> SoaMinimum(const ZoneIndex& index, const Name& apex) {
  auto it = index.find(apex);
  if (it == index.end() || !it->second.contains(RrType::SOA)) return Fail(Errc::kInvalidArgument);
  ASSIGN_OR_RETURN(auto soa,
                   dns::Decode<dns::rdata::SOA>(it->second.at(RrType::SOA).front().rdata));
  return soa.minimum;
}

// The zone must be flat: every name at or below the apex, NS only at the apex.
Status CheckFlat(const ZoneIndex& index, const Name& apex) {
  for (const auto& [name, types] : index) {
    if (!name.IsSubdomainOf(apex)) return Fail(Errc::kInvalidArgument);
    if (!(name == apex) && types.contains(RrType::NS)) return Fail(Errc::kInvalidArgument);
  }
  return {};
}

// The apex DNSKEY RRset: the KSK first, the colliders, the ZSK last (zone file order is the
// order NSD serves).
void AddKeys(ZoneIndex& index, const KeyTrapSigner& signer, uint32_t ttl) {
  std::vector<uint8_t> zsk = crypto::DnskeyRdata(*signer.zsk, kZskFlags);
  uint16_t tag = dns::KeyTag(zsk);
  size_t modulus_octets = zsk.size() - 8;  // flags, protocol, algorithm, 1 + 3 exponent octets.
  auto& keys = index[signer.apex][RrType::DNSKEY];
  keys.push_back(Record{signer.apex, RrType::DNSKEY, dns::RrClass::IN, ttl,
                        crypto::DnskeyRdata(*signer.ksk, kKskFlags)});
  for (unsigned i = 0; i < signer.colliders; ++i) {
    keys.push_back(Record{signer.apex, RrType::DNSKEY, dns::RrClass::IN, ttl,
                          CollidingRsaKey(kZskFlags, tag, modulus_octets, 0x80)});
  }
  keys.push_back(Record{signer.apex, RrType::DNSKEY, dns::RrClass::IN, ttl, std::move(zsk)});
}

Result<Record> NsecRecord(const Name& owner, const Name& next,
                          const std::map<RrType, std::vector<Record>>& types, uint32_t ttl) {
  dns::rdata::NSEC nsec;
  nsec.next = next;
  for (const auto& [type, unused] : types) nsec.types.types.push_back(type);
  nsec.types.types.push_back(RrType::RRSIG);
  nsec.types.types.push_back(RrType::NSEC);
  std::sort(nsec.types.types.begin(), nsec.types.types.end());
  nsec.types.types.erase(std::unique(nsec.types.types.begin(), nsec.types.types.end()),
                         nsec.types.types.end());
  ASSIGN_OR_RETURN(std::vector<uint8_t> rdata, dns::RdataToBytes(nsec));
  return Record{owner, RrType::NSEC, dns::RrClass::IN, ttl, std::move(rdata)};
}

// An NSEC at every name, in canonical order, the last pointing back to the apex
// (RFC 4034 section 4.1.1).
Status AddNsecChain(ZoneIndex& index, const Name& apex, uint32_t ttl) {
  std::vector<Name> chain;
  for (const auto& [name, types] : index) chain.push_back(name);
  for (size_t i = 0; i < chain.size(); ++i) {
    const Name& next = i + 1 < chain.size() ? chain[i + 1] : apex;
    ASSIGN_OR_RETURN(Record nsec, NsecRecord(chain[i], next, index.at(chain[i]), ttl));
    index[chain[i]][RrType::NSEC] = {std::move(nsec)};
  }
  return {};
}

Result<Record> RrsigRecord(const Name& owner, uint32_t ttl, const dns::rdata::RRSIG& sig) {
  ASSIGN_OR_RETURN(std::vector<uint8_t> rdata, dns::RdataToBytes(sig));
  return Record{owner, RrType::RRSIG, dns::RrClass::IN, ttl, std::move(rdata)};
}

// The RRSIGs over one RRset: signatures - 1 decoys with the ZSK's key tag (random octets, first
// octet below 0x80 so that no modulus here is smaller than the value: each costs a full RSA
// verification), then the real signature.
Result<std::vector<Record>> SignRrset(const std::vector<Record>& rrset, const KeyTrapSigner& signer,
                                      uint16_t zsk_tag) {
  const Record& first = rrset.front();
  bool keys = first.type == RrType::DNSKEY;
  std::vector<dns::RdataBytes> rdatas;
  for (const Record& r : rrset) rdatas.push_back(r.rdata);
  ASSIGN_OR_RETURN(dns::rdata::RRSIG real,
                   crypto::SignRRset(keys ? *signer.ksk : *signer.zsk, keys ? kKskFlags : kZskFlags,
                                     signer.apex, first.owner, first.type, first.ttl, rdatas,
                                     signer.inception, signer.expiration));
  std::vector<Record> out;
  for (unsigned i = 0; i + 1 < signer.signatures; ++i) {
    dns::rdata::RRSIG decoy = real;
    decoy.key_tag = zsk_tag;
    crypto::RandomBytes(decoy.signature.bytes);
    decoy.signature.bytes[0] &= 0x7F;
    ASSIGN_OR_RETURN(Record record, RrsigRecord(first.owner, first.ttl, decoy));
    out.push_back(std::move(record));
  }
  ASSIGN_OR_RETURN(Record record, RrsigRecord(first.owner, first.ttl, real));
  out.push_back(std::move(record));
  return out;
}

}  // namespace

std::vector<uint8_t> CollidingRsaKey(uint16_t flags, uint16_t tag, size_t modulus_octets,
                                     uint8_t first_octet) {
  // After the flags: protocol 3, the algorithm (RFC 4034 section 2.1), then the RFC 3110
  // section 2 public key: exponent length 3, exponent 65537, the modulus.
  constexpr uint8_t kHeader[] = {3, kRsaSha256, 3, 0x01, 0x00, 0x01};
  std::vector<uint8_t> rdata(2 + std::size(kHeader) + modulus_octets);
  rdata[0] = static_cast<uint8_t>(flags >> 8);
  rdata[1] = static_cast<uint8_t>(flags);
  std::copy(std::begin(kHeader), std::end(kHeader), rdata.begin() + 2);
  size_t start = 2 + std::size(kHeader);
  do {
    crypto::RandomBytes(std::span<uint8_t>(rdata).subspan(start));
    rdata[start] = first_octet;
  } while (!SetTagOctets(rdata, tag));
  return rdata;
}

bool KeyPairFits(const crypto::DnssecSigningKey& ksk, const crypto::DnssecSigningKey& zsk) {
  std::vector<uint8_t> zsk_rdata = crypto::DnskeyRdata(zsk, kZskFlags);
  // RFC 3110 section 2: a one-octet exponent length, the exponent, then the modulus.
  if (zsk_rdata.size() < 6 || zsk_rdata[4] == 0) return false;
  size_t modulus = 5 + zsk_rdata[4];
  return modulus < zsk_rdata.size() && zsk_rdata[modulus] > 0x80 &&
         dns::KeyTag(zsk_rdata) != dns::KeyTag(crypto::DnskeyRdata(ksk, kKskFlags));
}

Result<std::vector<Record>> SignKeyTrapZone(std::vector<Record> records,
                                            const KeyTrapSigner& signer) {
  if (signer.signatures == 0 || !signer.ksk || !signer.zsk) return Fail(Errc::kInvalidArgument);
  const Name& apex = signer.apex;
  ZoneIndex index = IndexRecords(records);
  RETURN_IF_ERROR(CheckFlat(index, apex));
  ASSIGN_OR_RETURN(uint32_t minimum, SoaMinimum(index, apex));
  AddKeys(index, signer, index.at(apex).at(RrType::SOA).front().ttl);
  RETURN_IF_ERROR(AddNsecChain(index, apex, minimum));
  uint16_t zsk_tag = dns::KeyTag(crypto::DnskeyRdata(*signer.zsk, kZskFlags));
  std::vector<Record> out;
  for (const auto& [name, types] : index) {
    for (const auto& [type, rrset] : types) {
      out.insert(out.end(), rrset.begin(), rrset.end());
      ASSIGN_OR_RETURN(std::vector<Record> sigs, SignRrset(rrset, signer, zsk_tag));
      out.insert(out.end(), sigs.begin(), sigs.end());
    }
  }
  return out;
}

Result<Record> KskDs(const KeyTrapSigner& signer, uint32_t ttl) {
  std::vector<uint8_t> key = crypto::DnskeyRdata(*signer.ksk, kKskFlags);
  constexpr uint8_t kSha256 = 2;  // RFC 4509 section 2.1.
  ASSIGN_OR_RETURN(crypto::Digest digest, crypto::DsDigest(kSha256, signer.apex, key));
  dns::rdata::DS ds;
  ds.key_tag = dns::KeyTag(key);
  ds.algorithm = signer.ksk->algorithm();
  ds.digest_type = kSha256;
  ds.digest.bytes.assign(digest.bytes().begin(), digest.bytes().end());
  ASSIGN_OR_RETURN(std::vector<uint8_t> rdata, dns::RdataToBytes(ds));
  return Record{signer.apex, RrType::DS, dns::RrClass::IN, ttl, std::move(rdata)};
}

}  // namespace redoubt::lab
