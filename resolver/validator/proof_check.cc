#include "resolver/validator/proof_check.h"

#include "resolver/validator/nsec3_denial.h"
#include "resolver/validator/nsec_denial.h"

namespace redoubt::resolver {
namespace {

using dns::RrType;
using dns::Security;

// The secure NSEC or NSEC3 RRsets of `authority` signed by `zone` when given, else by the signer
// of the first one found (NSEC3 preferred when a zone mixed both, which RFC 5155 section 7
// forbids).
struct Proofs {
  std::vector<dns::RRset> sets;
  dns::Name zone;
  bool nsec3 = false;
};

Proofs SecureProofs(const std::vector<dns::RRset>& authority,
                    const std::optional<dns::Name>& zone = std::nullopt) {
  Proofs out;
  if (zone) out.zone = *zone;
  for (RrType type : {RrType::NSEC3, RrType::NSEC}) {
    for (const dns::RRset& set : authority) {
      if (set.type != type || set.security != Security::kSecure) continue;
      for (const auto& sig : set.sigs) {
        if (sig.type_covered != type) continue;
        if (out.sets.empty() && !zone) out.zone = sig.signer;
        if (sig.signer == out.zone) {
          out.sets.push_back(set);
          break;
        }
      }
    }
    if (!out.sets.empty()) {
      out.nsec3 = type == RrType::NSEC3;
      return out;
    }
  }
  return out;
}

}  // namespace

DenialResult ProveNegativeAnswer(bool nxdomain, const dns::Name& qname, RrType qtype,
                                 const dns::Name& zone, const std::vector<dns::RRset>& authority,
                                 ValidationBudget& budget) {
  Proofs p = SecureProofs(authority, zone);
  if (p.sets.empty()) return DenialResult::kNotProven;
  if (p.nsec3) {
    return nxdomain ? nsec3::ProveNxDomain(qname, p.zone, p.sets, budget)
                    : nsec3::ProveNoData(qname, qtype, p.zone, p.sets, budget);
  }
  return nxdomain ? nsec::ProveNxDomain(qname, p.zone, p.sets, budget)
                  : nsec::ProveNoData(qname, qtype, p.zone, p.sets, budget);
}

DenialResult ProveWildcardExpansion(const dns::Name& qname, uint8_t labels, const dns::Name& zone,
                                    const std::vector<dns::RRset>& authority, ValidationBudget& budget) {
  Proofs p = SecureProofs(authority, zone);
  if (p.sets.empty()) return DenialResult::kNotProven;
  dns::Name encloser = qname.Suffix(labels);
  return p.nsec3 ? nsec3::ProveNoCloserMatch(qname, encloser, p.zone, p.sets, budget)
                 : nsec::ProveNoCloserMatch(qname, encloser, p.zone, p.sets, budget);
}

DsDenial ClassifyDsAnswer(const dns::Name& child, const std::vector<dns::RRset>& authority,
                          ValidationBudget& budget) {
  Proofs p = SecureProofs(authority);
  if (p.sets.empty()) return DsDenial::kNotProven;
  return p.nsec3 ? nsec3::ClassifyDsDenial(child, p.zone, p.sets, budget)
                 : nsec::ClassifyDsDenial(child, p.zone, p.sets, budget);
}

dns::Security DenialSecurity(DenialResult result) noexcept {
  switch (result) {
    case DenialResult::kProven: return Security::kSecure;
    case DenialResult::kOptOut:
    case DenialResult::kIterationsTooHigh: return Security::kInsecure;
    case DenialResult::kNotProven:
    case DenialResult::kBudgetExhausted: return Security::kBogus;
  }
  return Security::kBogus;
}

std::optional<dns::EdeCode> DenialEde(DenialResult result) noexcept {
  switch (result) {
    case DenialResult::kProven:
    case DenialResult::kOptOut: return std::nullopt;
    case DenialResult::kIterationsTooHigh: return dns::EdeCode::kUnsupportedNsec3Iterations;
    case DenialResult::kNotProven: return dns::EdeCode::kNsecMissing;
    case DenialResult::kBudgetExhausted: return dns::EdeCode::kDnssecBogus;
  }
  return dns::EdeCode::kDnssecBogus;
}

std::string DenialWhy(DenialResult result, const dns::Name& name, const std::string& what, std::string_view records) {
  switch (result) {
    case DenialResult::kProven: return {};
    case DenialResult::kOptOut: return what + " for " + name.ToText() + ": NSEC3 opt-out span";
    case DenialResult::kIterationsTooHigh:
      return what + " for " + name.ToText() + ": NSEC3 iterations above the limit";
    case DenialResult::kNotProven: return what + " for " + name.ToText() + ": no valid " + std::string(records) + " proof";
    case DenialResult::kBudgetExhausted:
      return what + " for " + name.ToText() + ": NSEC3 hash budget exhausted";
  }
  return what;
}

}  // namespace redoubt::resolver
