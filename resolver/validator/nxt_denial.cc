#include "resolver/validator/nxt_denial.h"

#include "resolver/validator/name_chain.h"

namespace redoubt::resolver::nxt {
namespace {

using dns::Name;
using dns::RrType;

// RFC 2535 section 5.2: the decoder rejects bit 0, long maps and trailing zero octets; the NXT
// bit must be set too. NxtBitmap is sorted ascending, as TypeBitmap needs.
bool DecodeNxt(std::span<const uint8_t> rdata, name_chain::Link& link) {
  return name_chain::DecodeLink<dns::rdata::NXT>(rdata, link) && link.Has(RrType::NXT);
}

// RFC 2535 section 5.2: at a delegation point the parent speaks for KEY (and NXT) only.
constexpr name_chain::Format kNxt{RrType::NXT, RrType::KEY, &DecodeNxt};

}  // namespace

DenialResult ProveNxDomain(const Name& qname, const Name& zone, std::span<const dns::RRset> proofs,
                           ValidationBudget& /*budget*/) {
  return name_chain::Chain(zone, proofs, kNxt).ProveNxDomain(qname);
}

DenialResult ProveNoData(const Name& qname, RrType qtype, const Name& zone,
                         std::span<const dns::RRset> proofs, ValidationBudget& /*budget*/) {
  return name_chain::Chain(zone, proofs, kNxt).ProveNoData(qname, qtype);
}

DenialResult ProveNoCloserMatch(const Name& qname, const Name& wildcard_closest_encloser,
                                const Name& zone, std::span<const dns::RRset> proofs,
                                ValidationBudget& /*budget*/) {
  return name_chain::Chain(zone, proofs, kNxt).ProveNoCloserMatch(qname, wildcard_closest_encloser);
}

}  // namespace redoubt::resolver::nxt
