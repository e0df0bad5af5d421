#include "resolver/validator/nsec3_denial.h"

#include <algorithm>
#include <array>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "crypto/nsec3_hash.h"
#include "net/dns/base_encoding.h"
#include "net/dns/rdata.h"

namespace redoubt::resolver::nsec3 {
namespace {

using dns::Name;
using dns::RrType;

constexpr size_t kSha1Length = 20;
using Hash = std::array<uint8_t, kSha1Length>;

struct Nsec3 {
  Hash owner{};
  Hash next{};
  bool opt_out = false;
  dns::rdata::NSEC3 rdata;
  bool Has(RrType t) const noexcept { return rdata.types.Contains(t); }
};

std::optional<Hash> ToHash(std::span<const uint8_t> bytes) {
  if (bytes.size() != kSha1Length) return std::nullopt;
  Hash h;
  std::copy(bytes.begin(), bytes.end(), h.begin());
  return h;
}

// The record of `set` when it may be used at all (see the header), else nullopt.
std::optional<Nsec3> Usable(const dns::RRset& set, const Name& zone) {
  if (set.type != RrType::NSEC3 || set.rdatas.size() != 1) return std::nullopt;
  if (set.owner.LabelCount() != zone.LabelCount() + 1 || !set.owner.IsSubdomainOf(zone)) {
    return std::nullopt;
  }
  auto label = set.owner.Label(0);
  auto owner = dns::DecodeBase32Hex(
      std::string_view(reinterpret_cast<const char*>(label.data()), label.size()));
  auto decoded = dns::Decode<dns::rdata::NSEC3>(set.rdatas.front());
  if (!owner || !decoded) return std::nullopt;
  if (decoded->hash_algorithm != static_cast<uint8_t>(dns::Nsec3HashAlgorithm::SHA1) ||
      (decoded->flags & ~dns::kNsec3FlagOptOut) != 0) {
    return std::nullopt;
  }
  auto owner_hash = ToHash(*owner), next_hash = ToHash(decoded->next_hashed.bytes);
  if (!owner_hash || !next_hash) return std::nullopt;
  const bool opt_out = (decoded->flags & dns::kNsec3FlagOptOut) != 0;
  return Nsec3{*owner_hash, *next_hash, opt_out, std::move(*decoded)};
}

bool SameParameters(const Nsec3& a, const Nsec3& b) {
  return a.rdata.hash_algorithm == b.rdata.hash_algorithm &&
         a.rdata.iterations == b.rdata.iterations && a.rdata.salt == b.rdata.salt;
}

// RFC 5155 section 8.3: h lies strictly between owner and next in hash order; the last record
// of the chain (next <= owner) covers everything after its owner and before its next.
bool Covers(const Nsec3& n, const Hash& h) {
  if (n.owner < n.next) return n.owner < h && h < n.next;
  return n.owner < h || h < n.next;
}

// The usable records of one proof, their parameters, and the hashes computed so far.
class Prover {
 public:
  Prover(const Name& zone, std::span<const dns::RRset> proofs, ValidationBudget& budget)
      : budget_(budget) {
    for (const dns::RRset& set : proofs) {
      auto record = Usable(set, zone);
      if (!record || (!records_.empty() && !SameParameters(records_.front(), *record))) continue;
      records_.push_back(std::move(*record));
    }
  }

  // kProven when the proof may go on; kNotProven without records; kIterationsTooHigh above
  // the limit, decided before any hash is computed (RFC 9276 section 3.2).
  DenialResult Ready() const {
    if (records_.empty()) return DenialResult::kNotProven;
    if (records_.front().rdata.iterations > budget_.limits().nsec3_iterations) {
      return DenialResult::kIterationsTooHigh;
    }
    return DenialResult::kProven;
  }

  // The hash of `name`, computed at most once per proof; nullopt when the budget has run out
  // (exhausted() is then true) or hashing failed.
  std::optional<Hash> HashOf(const Name& name) {
    for (const auto& [known, hash] : cache_) {
      if (known == name) return hash;
    }
    if (!budget_.TryNsec3Hash()) {
      exhausted_ = true;
      return std::nullopt;
    }
    const auto& params = records_.front().rdata;
    auto digest =
        crypto::Nsec3Hash(name, params.hash_algorithm, params.salt.bytes, params.iterations);
    auto hash = digest ? ToHash(digest->bytes()) : std::nullopt;
    if (hash) cache_.emplace_back(name, *hash);
    return hash;
  }

  const Nsec3* Match(const Hash& h) const {
    auto it = std::find_if(records_.begin(), records_.end(),
                           [&](const Nsec3& n) { return n.owner == h; });
    return it == records_.end() ? nullptr : &*it;
  }
  const Nsec3* Cover(const Hash& h) const {
    auto it = std::find_if(records_.begin(), records_.end(),
                           [&](const Nsec3& n) { return Covers(n, h); });
    return it == records_.end() ? nullptr : &*it;
  }
  bool exhausted() const noexcept { return exhausted_; }

 private:
  ValidationBudget& budget_;
  std::vector<Nsec3> records_;
  std::vector<std::pair<Name, Hash>> cache_;  // Few entries: one per label at most.
  bool exhausted_ = false;
};

// A step that hashes either succeeds, finds the proof wanting, or runs out of budget.
enum class Step : uint8_t { kOk, kNotProven, kExhausted };

Step Stop(const Prover& prover) { return prover.exhausted() ? Step::kExhausted : Step::kNotProven; }

DenialResult ToResult(Step step) {
  return step == Step::kExhausted ? DenialResult::kBudgetExhausted : DenialResult::kNotProven;
}

struct Encloser {
  Step step = Step::kNotProven;
  Name closest;  // The closest encloser.
  const Nsec3* next_closer_cover = nullptr;
};

// RFC 5155 section 8.3, searched from the apex down: the first ancestor of qname whose hash is
// covered is the next closer name, and its parent must have a matching NSEC3 that is neither
// the parent side of a cut nor a DNAME (RFC 6840 section 4.1). An existing name is never
// covered by a consistent chain, so this finds the encloser the RFC's upward walk finds, with
// hashes for the levels above the next closer only. Levels neither matched nor covered by the
// given records are passed over; a qname whose every level matches has no encloser proof.
Encloser ProveClosestEncloser(Prover& prover, const Name& qname, const Name& zone) {
  std::optional<size_t> matched;  // Label count of the deepest level with a matching NSEC3.
  for (size_t labels = zone.LabelCount(); labels <= qname.LabelCount(); ++labels) {
    const Name name = qname.Suffix(labels);
    const std::optional<Hash> h = prover.HashOf(name);
    if (!h) return {Stop(prover), Name(), nullptr};
    if (const Nsec3* match = prover.Match(*h)) {
      if (labels < qname.LabelCount() && BlocksNamesBelow(match->rdata.types)) return {};
      matched = labels;
      continue;
    }
    const Nsec3* cover = prover.Cover(*h);
    if (cover == nullptr) continue;
    if (!matched || *matched + 1 != labels) return {};  // The parent's existence is not shown.
    return {Step::kOk, qname.Suffix(labels - 1), cover};
  }
  return {};
}

// Whether the records show `name` absent (covered, not matched), or the budget ran out.
Step ShowsAbsent(Prover& prover, const Name& name) {
  const std::optional<Hash> h = prover.HashOf(name);
  if (!h) return Stop(prover);
  if (prover.Match(*h) != nullptr || prover.Cover(*h) == nullptr) return Step::kNotProven;
  return Step::kOk;
}

DenialResult Secure(const Nsec3* cover) {
  return cover->opt_out ? DenialResult::kOptOut : DenialResult::kProven;
}

// Preconditions shared by every proof: name inside the zone (strictly below the apex unless
// `apex_ok`), usable records, and iterations within the limit.
DenialResult Precheck(const Prover& prover, const Name& name, const Name& zone,
                      bool apex_ok = false) {
  if (!name.IsSubdomainOf(zone) || (name == zone && !apex_ok)) return DenialResult::kNotProven;
  return prover.Ready();
}

}  // namespace

DenialResult ProveNxDomain(const Name& qname, const Name& zone, std::span<const dns::RRset> proofs,
                           ValidationBudget& budget) {
  Prover prover(zone, proofs, budget);
  if (DenialResult r = Precheck(prover, qname, zone); r != DenialResult::kProven) return r;
  Encloser encloser = ProveClosestEncloser(prover, qname, zone);
  if (encloser.step != Step::kOk) return ToResult(encloser.step);
  const std::optional<Hash> own = prover.HashOf(qname);
  if (!own) return ToResult(Stop(prover));
  if (prover.Match(*own) != nullptr) return DenialResult::kNotProven;
  auto wildcard = encloser.closest.Wildcard();
  if (!wildcard) return DenialResult::kNotProven;
  if (Step s = ShowsAbsent(prover, *wildcard); s != Step::kOk) return ToResult(s);
  return Secure(encloser.next_closer_cover);
}

DenialResult ProveNoData(const Name& qname, RrType qtype, const Name& zone,
                         std::span<const dns::RRset> proofs, ValidationBudget& budget) {
  Prover prover(zone, proofs, budget);
  if (DenialResult r = Precheck(prover, qname, zone, /*apex_ok=*/true);
      r != DenialResult::kProven) {
    return r;
  }
  const std::optional<Hash> own = prover.HashOf(qname);
  if (!own) return ToResult(Stop(prover));
  if (const Nsec3* match = prover.Match(*own)) {  // Sections 8.5 and 8.6.
    return BitmapDeniesType(match->rdata.types, qtype, qname) ? DenialResult::kProven
                                                              : DenialResult::kNotProven;
  }
  Encloser encloser = ProveClosestEncloser(prover, qname, zone);
  if (encloser.step != Step::kOk) return ToResult(encloser.step);
  if (qtype == RrType::DS) {  // Section 8.6: only an Opt-Out span may hide the name.
    return encloser.next_closer_cover->opt_out ? DenialResult::kOptOut : DenialResult::kNotProven;
  }
  auto wildcard = encloser.closest.Wildcard();  // Section 8.7.
  if (!wildcard) return DenialResult::kNotProven;
  const std::optional<Hash> wh = prover.HashOf(*wildcard);
  if (!wh) return ToResult(Stop(prover));
  const Nsec3* source = prover.Match(*wh);
  if (source == nullptr || !BitmapDeniesType(source->rdata.types, qtype, *wildcard)) {
    return DenialResult::kNotProven;
  }
  return Secure(encloser.next_closer_cover);
}

DenialResult ProveNoCloserMatch(const Name& qname, const Name& wildcard_closest_encloser,
                                const Name& zone, std::span<const dns::RRset> proofs,
                                ValidationBudget& budget) {
  Prover prover(zone, proofs, budget);
  if (DenialResult r = Precheck(prover, qname, zone); r != DenialResult::kProven) return r;
  const Name& encloser = wildcard_closest_encloser;
  if (!encloser.IsSubdomainOf(zone) || !qname.IsSubdomainOf(encloser) || qname == encloser) {
    return DenialResult::kNotProven;
  }
  const Name next_closer = qname.Suffix(encloser.LabelCount() + 1);
  const std::optional<Hash> h = prover.HashOf(next_closer);
  if (!h) return ToResult(Stop(prover));
  const Nsec3* cover = prover.Cover(*h);
  if (prover.Match(*h) != nullptr || cover == nullptr) return DenialResult::kNotProven;
  return Secure(cover);
}

DsDenial ClassifyDsDenial(const Name& name, const Name& zone, std::span<const dns::RRset> proofs,
                          ValidationBudget& budget) {
  Prover prover(zone, proofs, budget);
  switch (Precheck(prover, name, zone)) {
    case DenialResult::kProven:
      break;
    case DenialResult::kIterationsTooHigh:
      return DsDenial::kIterationsTooHigh;
    default:
      return DsDenial::kNotProven;
  }
  auto exhausted = [&] {
    return prover.exhausted() ? DsDenial::kBudgetExhausted : DsDenial::kNotProven;
  };
  const std::optional<Hash> own = prover.HashOf(name);
  if (!own) return exhausted();
  if (const Nsec3* match = prover.Match(*own)) {
    if (match->Has(RrType::DS) || match->Has(RrType::SOA)) return DsDenial::kNotProven;
    return match->Has(RrType::NS) ? DsDenial::kInsecureDelegation : DsDenial::kNotADelegation;
  }
  Encloser encloser = ProveClosestEncloser(prover, name, zone);
  if (encloser.step != Step::kOk) return exhausted();
  if (encloser.next_closer_cover->opt_out) return DsDenial::kInsecureDelegation;
  auto wildcard = encloser.closest.Wildcard();
  const std::optional<Hash> wh = wildcard ? prover.HashOf(*wildcard) : std::nullopt;
  if (!wh) return exhausted();
  if (const Nsec3* source = prover.Match(*wh)) {
    return BitmapDeniesType(source->rdata.types, RrType::DS, *wildcard) ? DsDenial::kNotADelegation
                                                                        : DsDenial::kNotProven;
  }
  return prover.Cover(*wh) != nullptr ? DsDenial::kNoSuchName : DsDenial::kNotProven;
}

}  // namespace redoubt::resolver::nsec3
