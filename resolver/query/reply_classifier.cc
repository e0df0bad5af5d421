#include "resolver/query/reply_classifier.h"

#include <algorithm>

namespace redoubt::resolver {
namespace {

using dns::Name;
using dns::RRset;
using dns::RrType;

struct Sections {
  std::vector<RRset> answer, authority, additional;
};

size_t CountRRsets(const Sections& s) {
  return s.answer.size() + s.authority.size() + s.additional.size();
}

const RRset* FindRRset(const std::vector<RRset>& rrsets, const Name& owner, RrType type) {
  for (const RRset& r : rrsets) {
    if (r.type == type && r.owner == owner) return &r;
  }
  return nullptr;
}

// A DNAME at an ancestor of `name` within `zone` (RFC 6672 section 2.3).
const RRset* FindDname(const std::vector<RRset>& rrsets, const Name& name, const Name& zone) {
  for (const RRset& r : rrsets) {
    if (r.type == RrType::DNAME && !(r.owner == name) && name.IsSubdomainOf(r.owner) &&
        r.owner.IsSubdomainOf(zone)) {
      return &r;
    }
  }
  return nullptr;
}

// The first name in the RDATA of a CNAME or DNAME.
Result<Name> TargetOf(const RRset& rrset) {
  if (rrset.rdatas.empty()) return Fail(Errc::kBadRdata);
  return Name::FromWire(rrset.rdatas.front());
}

bool IsNegativeProof(RrType type) { return type == RrType::NSEC || type == RrType::NSEC3; }

// Follows CNAME and DNAME records from the question name through the answer section, staying
// inside `zone`. Fills chain, answer and next_name.
void WalkAnswer(const std::vector<RRset>& answer, const dns::Question& question,
                const Name& zone, const ClassifyLimits& limits, ClassifiedReply& out) {
  Name current = question.qname;
  std::vector<Name> visited;
  for (uint32_t step = 0; step <= limits.max_chain; ++step) {
    out.next_name = current;
    if (!current.IsSubdomainOf(zone)) return;  // Its data must come from its own servers.
    if (std::find(visited.begin(), visited.end(), current) != visited.end()) return;  // Loop.
    visited.push_back(current);
    for (const RRset& r : answer) {
      bool wanted = r.owner == current &&
                    (r.type == question.qtype || question.qtype == RrType::ANY);
      // RRSIGs are data only when asked for (then GroupRRsets kept them as data).
      bool signature = r.type == RrType::RRSIG && question.qtype != RrType::RRSIG;
      if (wanted && !signature) out.answer.push_back(r);
    }
    if (!out.answer.empty()) return;
    // A DNAME comes first: the CNAME beside it is only its synthesis (RFC 6672 section 3.4).
    const RRset* dname = FindDname(answer, current, zone);
    if (dname == nullptr) {
      const RRset* cname = FindRRset(answer, current, RrType::CNAME);
      auto target = cname ? TargetOf(*cname) : Result<Name>(Fail(Errc::kNotFound));
      if (!target) return;
      out.chain.push_back(*cname);
      current = *target;
      continue;
    }
    auto target = TargetOf(*dname);
    if (!target) return;
    auto substituted = SubstituteDname(current, dname->owner, *target);
    if (!substituted) return;  // Too long: RFC 6672 says YXDOMAIN; nothing to follow.
    out.chain.push_back(*dname);
    if (const RRset* synthesized = FindRRset(answer, current, RrType::CNAME)) {
      out.chain.push_back(*synthesized);
    }
    current = *substituted;
  }
}

// The SOA of a negative answer: owned by the zone or a zone below it that contains `name`.
std::optional<RRset> NegativeSoa(const std::vector<RRset>& authority, const Name& name,
                                 const Name& zone) {
  for (const RRset& r : authority) {
    if (r.type == RrType::SOA && r.owner.IsSubdomainOf(zone) && name.IsSubdomainOf(r.owner)) {
      return r;
    }
  }
  return std::nullopt;
}

void KeepNegativeProofs(const std::vector<RRset>& authority, const Name& zone,
                        ClassifiedReply& out) {
  for (const RRset& r : authority) {
    if (IsNegativeProof(r.type) && r.owner.IsSubdomainOf(zone)) out.negative_proofs.push_back(r);
  }
}

// The NS set in the authority section that delegates `name` (or an ancestor of it).
const RRset* FindDelegation(const std::vector<RRset>& authority, const Name& name) {
  for (const RRset& r : authority) {
    if (r.type == RrType::NS && name.IsSubdomainOf(r.owner)) return &r;
  }
  return nullptr;
}

std::vector<Name> NsNames(const RRset& ns, uint32_t max_ns) {
  std::vector<Name> names;
  for (const auto& rdata : ns.rdatas) {
    if (names.size() >= max_ns) break;
    if (auto name = Name::FromWire(rdata)) names.push_back(*name);
  }
  return names;
}

// `ns` capped at max_ns names, and the addresses in `additional` for those names inside `zone`
// (glue the zone's server may speak for, RFC 2181 section 5.4.1).
RRset CappedNsWithGlue(const RRset& ns, const std::vector<RRset>& additional, const Name& zone,
                       const ClassifyLimits& limits, std::vector<RRset>& glue) {
  RRset capped = ns;
  if (capped.rdatas.size() > limits.max_ns) capped.rdatas.resize(limits.max_ns);
  std::vector<Name> names = NsNames(ns, limits.max_ns);
  for (const RRset& r : additional) {
    bool address = r.type == RrType::A || r.type == RrType::AAAA;
    bool named = std::find(names.begin(), names.end(), r.owner) != names.end();
    if (address && named && r.owner.IsSubdomainOf(zone)) glue.push_back(r);
  }
  return capped;
}

void FillReferral(const RRset& ns, const Sections& s, const Name& zone,
                  const ClassifyLimits& limits, ClassifiedReply& out) {
  out.kind = ReplyKind::kReferral;
  out.delegation = ns.owner;
  out.ns = CappedNsWithGlue(ns, s.additional, zone, limits, out.glue);
  for (const RRset& r : s.authority) {
    bool proof = r.type == RrType::DS || IsNegativeProof(r.type);
    if (proof && r.owner.IsSubdomainOf(zone)) out.delegation_proofs.push_back(r);
  }
}

// NOERROR without data for the end of the chain: a referral, NODATA, a chain to follow, or lame.
void ClassifyNoData(const Sections& s, const dns::Header& header, const Name& zone,
                    const ClassifyLimits& limits, ClassifiedReply& out) {
  const Name& name = out.next_name;
  out.soa = NegativeSoa(s.authority, name, zone);
  if (!out.chain.empty() && (!out.soa || !name.IsSubdomainOf(zone))) {
    out.kind = ReplyKind::kCname;
    KeepNegativeProofs(s.authority, zone, out);  // A CNAME expanded from a wildcard (RFC 4035 5.3.4).
    return;
  }
  if (out.soa) {
    out.kind = ReplyKind::kNoData;
    KeepNegativeProofs(s.authority, zone, out);
    return;
  }
  const RRset* ns = FindDelegation(s.authority, name);
  if (ns != nullptr && ns->owner.IsSubdomainOf(zone) && !(ns->owner == zone)) {
    FillReferral(*ns, s, zone, limits, out);
    return;
  }
  // An authoritative empty answer without an SOA is still NODATA; anything else (including
  // an upward referral to the zone itself or above it) comes from a lame server.
  out.kind = header.aa && ns == nullptr ? ReplyKind::kNoData : ReplyKind::kLame;
  if (out.kind == ReplyKind::kNoData) KeepNegativeProofs(s.authority, zone, out);
}

// The zone's own NS set and its in-zone addresses from an authoritative reply that is not a
// referral (those carry the child's NS set as the delegation instead).
void KeepZoneNs(const Sections& s, const dns::Header& header, const Name& zone,
                const ClassifyLimits& limits, ClassifiedReply& out) {
  if (!header.aa || out.kind == ReplyKind::kReferral) return;
  const RRset* ns = FindRRset(s.authority, zone, RrType::NS);
  if (ns == nullptr) return;
  out.zone_ns = CappedNsWithGlue(*ns, s.additional, zone, limits, out.zone_ns_glue);
}

uint32_t UsedRRsets(const ClassifiedReply& out) {
  size_t used = out.chain.size() + out.answer.size() + out.glue.size() + out.zone_ns_glue.size() +
                (out.zone_ns ? 1 : 0) +
                out.delegation_proofs.size() + out.negative_proofs.size() + (out.ns ? 1 : 0) +
                (out.soa ? 1 : 0);
  return static_cast<uint32_t>(used);
}

}  // namespace

Result<Name> SubstituteDname(const Name& name, const Name& owner, const Name& target) {
  Name result = target;
  size_t keep = name.LabelCount() - owner.LabelCount();
  for (size_t i = keep; i-- > 0;) {
    ASSIGN_OR_RETURN(result, result.Prepend(name.Label(i)));
  }
  return result;
}

std::string_view ReplyKindName(ReplyKind kind) noexcept {
  switch (kind) {
    case ReplyKind::kAnswer: return "answer";
    case ReplyKind::kCname: return "cname";
    case ReplyKind::kReferral: return "referral";
    case ReplyKind::kNxDomain: return "nxdomain";
    case ReplyKind::kNoData: return "nodata";
    case ReplyKind::kLame: return "lame";
    case ReplyKind::kServerError: return "server-error";
  }
  return "?";
}

Result<ClassifiedReply> ClassifyReply(const dns::MessageView& reply,
                                      const dns::Question& question, const dns::Name& zone,
                                      const ClassifyLimits& limits) {
  const dns::Header& header = reply.header();
  if (!header.qr || header.opcode != dns::Opcode::QUERY) return Fail(Errc::kInvalidArgument);
  ClassifiedReply out;
  out.rcode = static_cast<dns::Rcode>(header.rcode);
  out.next_name = question.qname;
  Sections s;
  // A question for RRSIG gets the signatures as data (RFC 4035 section 3.2.1 last paragraph).
  bool signatures_as_data = question.qtype == RrType::RRSIG;
  ASSIGN_OR_RETURN(s.answer, dns::GroupRRsets(reply, dns::Section::kAnswer, signatures_as_data));
  ASSIGN_OR_RETURN(s.authority, dns::GroupRRsets(reply, dns::Section::kAuthority));
  ASSIGN_OR_RETURN(s.additional, dns::GroupRRsets(reply, dns::Section::kAdditional));
  auto rcode = static_cast<dns::Rcode>(header.rcode);
  if (rcode == dns::Rcode::REFUSED) {
    out.kind = ReplyKind::kLame;
  } else if (rcode != dns::Rcode::NOERROR && rcode != dns::Rcode::NXDOMAIN) {
    out.kind = ReplyKind::kServerError;
  } else {
    WalkAnswer(s.answer, question, zone, limits, out);
    if (!out.answer.empty()) {
      out.kind = ReplyKind::kAnswer;
      // An answer expanded from a wildcard comes with the NSEC/NSEC3 proving no closer match
      // (RFC 4035 section 3.1.3.3, RFC 5155 section 7.2.6): kept for the validator.
      KeepNegativeProofs(s.authority, zone, out);
    } else if (rcode == dns::Rcode::NXDOMAIN && !out.next_name.IsSubdomainOf(zone)) {
      out.kind = ReplyKind::kCname;  // RFC 6604: the RCODE is about a name this zone lacks.
      KeepNegativeProofs(s.authority, zone, out);
    } else if (rcode == dns::Rcode::NXDOMAIN) {
      out.kind = ReplyKind::kNxDomain;
      out.soa = NegativeSoa(s.authority, out.next_name, zone);
      KeepNegativeProofs(s.authority, zone, out);
    } else {
      ClassifyNoData(s, header, zone, limits, out);
    }
    KeepZoneNs(s, header, zone, limits, out);
  }
  out.scrubbed = static_cast<uint32_t>(CountRRsets(s)) - std::min(UsedRRsets(out),
                                                                   static_cast<uint32_t>(CountRRsets(s)));
  return out;
}

}  // namespace redoubt::resolver
