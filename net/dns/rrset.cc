#include "net/dns/rrset.h"

#include <algorithm>
#include <variant>

namespace redoubt::dns {

Trust RankFor(Section section, bool authoritative, bool referral_glue) noexcept {
  switch (section) {
    case Section::kAnswer:
      return authoritative ? Trust::kAnswerAuth : Trust::kAnswerNonAuth;
    case Section::kAuthority:
      return authoritative ? Trust::kAuthorityAuth : Trust::kAuthorityNonAuth;
    case Section::kAdditional:
      if (referral_glue) return Trust::kGlue;
      return authoritative ? Trust::kAdditionalAuth : Trust::kAdditional;
  }
  return Trust::kNone;
}

namespace {

bool SameSet(const RRset& set, const Name& owner, RrType type, RrClass klass) {
  return set.type == type && set.klass == klass && set.owner == owner;
}

RRset* FindSet(std::vector<RRset>& sets, const Name& owner, RrType type, RrClass klass) {
  for (auto& s : sets) {
    if (SameSet(s, owner, type, klass)) return &s;
  }
  return nullptr;
}

void AddData(std::vector<RRset>& sets, const RecordView& r, std::vector<uint8_t> rdata) {
  RRset* set = FindSet(sets, r.owner, r.type, r.klass);
  if (!set) {
    sets.push_back(RRset{r.owner, r.type, r.klass, r.ttl, {}, {}, {}, r.section});
    set = &sets.back();
  }
  set->ttl = std::min(set->ttl, r.ttl);
  if (std::find(set->rdatas.begin(), set->rdatas.end(), rdata) == set->rdatas.end()) {
    set->rdatas.push_back(std::move(rdata));
  }
}

struct PendingSig {
  const RecordView* record;
  Rdata sig;
  std::vector<uint8_t> bytes;
};

void Attach(RRset& set, const Rdata& sig) {
  if (auto* rrsig = std::get_if<rdata::RRSIG>(&sig)) {
    if (std::find(set.sigs.begin(), set.sigs.end(), *rrsig) == set.sigs.end()) set.sigs.push_back(*rrsig);
  } else if (auto* legacy = std::get_if<rdata::SIG>(&sig)) {
    if (std::find(set.legacy_sigs.begin(), set.legacy_sigs.end(), *legacy) == set.legacy_sigs.end()) {
      set.legacy_sigs.push_back(*legacy);
    }
  }
}

RrType CoveredType(const Rdata& sig) {
  if (auto* r = std::get_if<rdata::RRSIG>(&sig)) return r->type_covered;
  return std::get<rdata::SIG>(sig).type_covered;
}

}  // namespace

Result<std::vector<RRset>> GroupRRsets(const MessageView& message, Section section,
                                       bool signatures_as_data) {
  std::vector<RRset> sets;
  std::vector<PendingSig> sigs;
  const bool aa = message.header().aa;
  for (const RecordView& r : message.section(section)) {
    if (r.type == RrType::OPT || r.type == RrType::TSIG) continue;
    ASSIGN_OR_RETURN(std::vector<uint8_t> bytes, message.UncompressedRdata(r));
    bool is_sig = r.type == RrType::RRSIG || r.type == RrType::SIG;
    if (!is_sig || signatures_as_data) {
      AddData(sets, r, std::move(bytes));
      continue;
    }
    ASSIGN_OR_RETURN(Rdata sig, DecodeRdata(r.type, bytes));
    if (CoveredType(sig) == RrType{0}) continue;  // SIG(0) authenticates the message, no RRset.
    sigs.push_back({&r, std::move(sig), std::move(bytes)});
  }
  for (auto& pending : sigs) {
    const RecordView& r = *pending.record;
    if (RRset* set = FindSet(sets, r.owner, CoveredType(pending.sig), r.klass)) {
      Attach(*set, pending.sig);
    } else {
      AddData(sets, r, std::move(pending.bytes));  // An RRSIG without its data.
    }
  }
  bool referral = !aa && std::any_of(message.section(Section::kAuthority).begin(),
                                     message.section(Section::kAuthority).end(),
                                     [](const RecordView& r) { return r.type == RrType::NS; });
  for (auto& set : sets) {
    bool glue = section == Section::kAdditional && referral &&
                (set.type == RrType::A || set.type == RrType::AAAA);
    set.trust = RankFor(section, aa, glue);
  }
  return sets;
}

}  // namespace redoubt::dns
