// libFuzzer target for the denial-of-existence proofs (resolver/validator/nsec_denial.h,
// nsec3_denial.h, nxt_denial.h). The input picks a query name and a few NSEC, NXT and NSEC3
// RRsets built from a small vocabulary of labels (so names collide, cover and match), real NSEC3
// hashes (so chains can match), some raw RDATA, and the budget's limits. Every function is
// called; none may crash, and the proofs must hold their invariants:
//   - ProveNxDomain is never kProven when an NSEC (for nsec::) or NXT (for nxt::) set is owned by
//     the query name, or a well-formed NSEC3 of the zone matches the query name's hash;
//   - NXDOMAIN and NODATA are never both proven for one name from one set of records;
//   - a DS denial of kNoSuchName agrees with ProveNxDomain;
//   - kIterationsTooHigh is reached without spending a single hash.
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <string>
#include <vector>

#include "crypto/nsec3_hash.h"
#include "net/dns/base_encoding.h"
#include "net/dns/rdata.h"
#include "net/dns/rrset.h"
#include "resolver/validator/nsec3_denial.h"
#include "resolver/validator/nsec_denial.h"
#include "resolver/validator/nxt_denial.h"

namespace {

using redoubt::dns::Name;
using redoubt::dns::RrType;
using redoubt::resolver::DenialResult;
using redoubt::resolver::DsDenial;
using redoubt::resolver::ValidationBudget;
using redoubt::resolver::ValidationLimits;

class Input {
 public:
  explicit Input(std::span<const uint8_t> data) : data_(data) {}
  uint8_t Byte() { return pos_ < data_.size() ? data_[pos_++] : 0; }
  std::vector<uint8_t> Bytes(size_t n) {
    std::vector<uint8_t> out;
    while (n-- > 0 && pos_ < data_.size()) out.push_back(data_[pos_++]);
    return out;
  }

 private:
  std::span<const uint8_t> data_;
  size_t pos_ = 0;
};

constexpr std::array<const char*, 10> kLabels = {"a",   "b",   "x",  "w", "*",
                                                 "ins", "sub", "dn", "z", "Z"};
constexpr std::array<RrType, 15> kTypes = {
    RrType::A,     RrType::NS,    RrType::SOA, RrType::CNAME, RrType::DS,
    RrType::DNAME, RrType::TXT,   RrType::MX,  RrType::AAAA,  RrType::NSEC,
    RrType::RRSIG, RrType::NSEC3, RrType::KEY, RrType::SIG,   RrType::NXT};

const Name& Zone() {
  static const Name zone = *Name::FromText("example.");
  return zone;
}

// Zero to three vocabulary labels over the zone, or (rarely) over another zone.
Name MakeName(Input& in) {
  const uint8_t shape = in.Byte();
  Name name = (shape & 0xf0) == 0xf0 ? *Name::FromText("other.") : Zone();
  for (int i = 0; i < shape % 4; ++i) {
    const std::string label = kLabels[in.Byte() % kLabels.size()];
    auto longer = name.Prepend({reinterpret_cast<const uint8_t*>(label.data()), label.size()});
    if (longer) name = *longer;
  }
  return name;
}

redoubt::dns::TypeBitmap MakeTypes(Input& in) {
  const uint16_t bits = static_cast<uint16_t>(in.Byte() | (in.Byte() << 8));
  redoubt::dns::TypeBitmap bitmap;
  for (size_t i = 0; i < kTypes.size(); ++i) {
    if (bits & (1u << i)) bitmap.types.push_back(kTypes[i]);
  }
  std::sort(bitmap.types.begin(), bitmap.types.end(),
            [](RrType a, RrType b) { return static_cast<uint16_t>(a) < static_cast<uint16_t>(b); });
  return bitmap;
}

redoubt::dns::RRset MakeSet(const Name& owner, RrType type, std::vector<uint8_t> rdata) {
  redoubt::dns::RRset set;
  set.owner = owner;
  set.type = type;
  set.rdatas.push_back(std::move(rdata));
  return set;
}

struct Nsec3Params {
  uint16_t iterations = 0;
  std::vector<uint8_t> salt;
};

struct Built {
  std::vector<redoubt::dns::RRset> sets;
  std::vector<Name> nsec3_sources;  // Names whose well-formed in-zone NSEC3 was built.
};

void AddNsec(Input& in, Built& out) {
  redoubt::dns::rdata::NSEC nsec{MakeName(in), MakeTypes(in)};
  if (auto bytes = redoubt::dns::RdataToBytes(nsec))
    out.sets.push_back(MakeSet(MakeName(in), RrType::NSEC, *bytes));
}

// An NXT (all vocabulary types are below 128); usually with its own bit, as RFC 2535 section
// 5.2 requires, sometimes without.
void AddNxt(Input& in, Built& out) {
  redoubt::dns::rdata::NXT nxt{MakeName(in), {MakeTypes(in).types}};
  if (in.Byte() % 4 != 0 && !nxt.types.Contains(RrType::NXT)) {
    nxt.types.types.push_back(RrType::NXT);
    std::sort(nxt.types.types.begin(), nxt.types.types.end(), [](RrType a, RrType b) {
      return static_cast<uint16_t>(a) < static_cast<uint16_t>(b);
    });
  }
  if (auto bytes = redoubt::dns::RdataToBytes(nxt))
    out.sets.push_back(MakeSet(MakeName(in), RrType::NXT, *bytes));
}

std::vector<uint8_t> HashOf(const Name& name, const Nsec3Params& p) {
  auto d = redoubt::crypto::Nsec3Hash(name, 1, p.salt, p.iterations);
  return d ? std::vector<uint8_t>(d->bytes().begin(), d->bytes().end()) : std::vector<uint8_t>(20);
}

void AddNsec3(Input& in, const Nsec3Params& p, Built& out) {
  const Name source = MakeName(in);
  redoubt::dns::rdata::NSEC3 r;
  r.flags = in.Byte() % 4 == 0 ? redoubt::dns::kNsec3FlagOptOut : 0;
  r.iterations = p.iterations;
  r.salt.bytes = p.salt;
  r.next_hashed.bytes = in.Byte() % 8 == 0 ? in.Bytes(20) : HashOf(MakeName(in), p);
  r.types = MakeTypes(in);
  const std::string label = redoubt::dns::EncodeBase32Hex(HashOf(source, p));
  const Name base = in.Byte() % 16 == 0 ? *Name::FromText("other.") : Zone();
  auto owner = base.Prepend({reinterpret_cast<const uint8_t*>(label.data()), label.size()});
  auto bytes = redoubt::dns::RdataToBytes(r);
  if (!owner || !bytes) return;
  out.sets.push_back(MakeSet(*owner, RrType::NSEC3, *bytes));
  if (base == Zone() && r.next_hashed.bytes.size() == 20) out.nsec3_sources.push_back(source);
}

// Raw RDATA (usually malformed) under a plausible owner.
void AddRaw(Input& in, Built& out) {
  constexpr std::array<RrType, 3> kRawTypes = {RrType::NSEC, RrType::NSEC3, RrType::NXT};
  const RrType type = kRawTypes[in.Byte() % kRawTypes.size()];
  out.sets.push_back(MakeSet(MakeName(in), type, in.Bytes(in.Byte() % 48)));
}

uint32_t Spent(ValidationBudget& budget) {
  uint32_t left = 0;
  while (budget.TryNsec3Hash()) ++left;
  return budget.limits().nsec3_hashes - left;
}

void Check(bool ok) {
  if (!ok) std::abort();
}

// NXDOMAIN is never proven for a name owning a `type` set, nor together with NODATA.
void CheckChainInvariants(const Built& b, RrType type, const Name& qname, DenialResult nx,
                          DenialResult nodata) {
  for (const auto& set : b.sets) {
    if (set.type == type && set.owner == qname) Check(nx != DenialResult::kProven);
  }
  Check(!(nx == DenialResult::kProven && nodata == DenialResult::kProven));
}

void CheckNsec(const Built& b, const Name& qname, RrType qtype, const Name& encloser,
               const ValidationLimits& limits) {
  namespace p = redoubt::resolver::nsec;
  ValidationBudget b1(limits), b2(limits), b3(limits), b4(limits);
  const DenialResult nx = p::ProveNxDomain(qname, Zone(), b.sets, b1);
  const DenialResult nodata = p::ProveNoData(qname, qtype, Zone(), b.sets, b2);
  (void)p::ProveNoCloserMatch(qname, encloser, Zone(), b.sets, b3);
  const DsDenial ds = p::ClassifyDsDenial(qname, Zone(), b.sets, b4);
  CheckChainInvariants(b, RrType::NSEC, qname, nx, nodata);
  if (ds == DsDenial::kNoSuchName) Check(nx == DenialResult::kProven);
}

void CheckNxt(const Built& b, const Name& qname, RrType qtype, const Name& encloser,
              const ValidationLimits& limits) {
  namespace p = redoubt::resolver::nxt;
  ValidationBudget b1(limits), b2(limits), b3(limits);
  const DenialResult nx = p::ProveNxDomain(qname, Zone(), b.sets, b1);
  const DenialResult nodata = p::ProveNoData(qname, qtype, Zone(), b.sets, b2);
  (void)p::ProveNoCloserMatch(qname, encloser, Zone(), b.sets, b3);
  CheckChainInvariants(b, RrType::NXT, qname, nx, nodata);
  // NXT needs no hashing.
  Check(Spent(b1) == 0 && Spent(b2) == 0 && Spent(b3) == 0);
}

void CheckNsec3(const Built& b, const Name& qname, RrType qtype, const Name& encloser,
                const ValidationLimits& limits) {
  namespace p = redoubt::resolver::nsec3;
  ValidationBudget b1(limits), b2(limits), b3(limits), b4(limits);
  const DenialResult nx = p::ProveNxDomain(qname, Zone(), b.sets, b1);
  const DenialResult nodata = p::ProveNoData(qname, qtype, Zone(), b.sets, b2);
  const DenialResult closer = p::ProveNoCloserMatch(qname, encloser, Zone(), b.sets, b3);
  const DsDenial ds = p::ClassifyDsDenial(qname, Zone(), b.sets, b4);
  for (const Name& source : b.nsec3_sources) {
    if (source == qname) Check(nx != DenialResult::kProven);
  }
  Check(!(nx == DenialResult::kProven && nodata == DenialResult::kProven));
  if (ds == DsDenial::kNoSuchName) {
    Check(nx == DenialResult::kProven || nx == DenialResult::kBudgetExhausted);
  }
  if (nx == DenialResult::kIterationsTooHigh) Check(Spent(b1) == 0);
  if (nodata == DenialResult::kIterationsTooHigh) Check(Spent(b2) == 0);
  if (closer == DenialResult::kIterationsTooHigh) Check(Spent(b3) == 0);
  if (ds == DsDenial::kIterationsTooHigh) Check(Spent(b4) == 0);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Input in({data, size});
  ValidationLimits limits;
  limits.nsec3_hashes = in.Byte() % 16;
  limits.nsec3_iterations = in.Byte() % 2 ? 150 : 1;
  Nsec3Params params;
  params.iterations = in.Byte() % 4;
  params.salt = in.Bytes(in.Byte() % 3);
  const Name qname = MakeName(in);
  const RrType qtype = kTypes[in.Byte() % kTypes.size()];
  const Name encloser = qname.Suffix(in.Byte() % (qname.LabelCount() + 1));
  Built built;
  for (int n = in.Byte() % 8; n > 0; --n) {
    switch (in.Byte() % 5) {
      case 0:
        AddNsec(in, built);
        break;
      case 1:
      case 2:
        AddNsec3(in, params, built);
        break;
      case 3:
        AddNxt(in, built);
        break;
      default:
        AddRaw(in, built);
        break;
    }
  }
  CheckNsec(built, qname, qtype, encloser, limits);
  CheckNsec3(built, qname, qtype, encloser, limits);
  CheckNxt(built, qname, qtype, encloser, limits);
  return 0;
}
