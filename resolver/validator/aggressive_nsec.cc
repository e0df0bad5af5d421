#include "resolver/validator/aggressive_nsec.h"

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/nsec3_hash.h"
#include "net/dns/base_encoding.h"
#include "net/dns/rdata.h"
#include "resolver/validator/nsec_denial.h"
#include "resolver/validator/proof_check.h"

namespace redoubt::resolver {
namespace {

using dns::Name;
using dns::RrType;
using dns::Security;

// Secure, inside `zone`, and signed by it: the signer the proof takes as the zone.
bool Trusted(const dns::RRset& set, const Name& zone) {
  return set.security == Security::kSecure && set.owner.IsSubdomainOf(zone) &&
         std::any_of(set.sigs.begin(), set.sigs.end(), [&](const dns::rdata::RRSIG& sig) {
           return sig.type_covered == set.type && sig.signer == zone;
         });
}

// The records one synthesis has gathered, the SOA, and the smallest TTL left among them.
class Evidence {
 public:
  explicit Evidence(const Name& zone) : zone_(zone) {}

  // Keeps `found` when it may be used; false when it is missing or may not.
  bool Take(const std::optional<CachedDenial>& found) {
    if (!found || !Trusted(found->record, zone_)) return false;
    const dns::RRset& record = found->record;
    if (std::any_of(proofs_.begin(), proofs_.end(), [&](const dns::RRset& p) {
          return p.type == record.type && p.owner == record.owner;
        })) {
      return true;
    }
    if (!soa_ && found->soa && found->soa->type == RrType::SOA && found->soa->owner == zone_ &&
        Trusted(*found->soa, zone_)) {
      soa_ = found->soa;
      ttl_ = std::min(ttl_, soa_->ttl);
    }
    proofs_.push_back(record);
    ttl_ = std::min(ttl_, record.ttl);
    return true;
  }

  // The answer, when the records prove NXDOMAIN (`nxdomain`) or NODATA for `q`.
  std::optional<Resolution> Conclude(bool nxdomain, const dns::Question& q, ValidationBudget& budget) const {
    if (!soa_ || proofs_.empty()) return std::nullopt;
    if (ProveNegativeAnswer(nxdomain, q.qname, q.qtype, soa_->owner, proofs_, budget) != DenialResult::kProven) {
      return std::nullopt;
    }
    Resolution out;
    out.rcode = nxdomain ? dns::Rcode::NXDOMAIN : dns::Rcode::NOERROR;
    out.authority.push_back(*soa_);
    out.authority.insert(out.authority.end(), proofs_.begin(), proofs_.end());
    for (dns::RRset& set : out.authority) set.ttl = ttl_;
    out.security = Security::kSecure;
    out.ede = dns::EdeCode::kSynthesized;
    out.ede_text = std::string("answered from cached ") +
                   (proofs_.front().type == RrType::NSEC3 ? "NSEC3" : "NSEC") + " records (RFC 8198)";
    return out;
  }

 private:
  const Name& zone_;
  std::vector<dns::RRset> proofs_;
  std::optional<dns::RRset> soa_;
  uint32_t ttl_ = UINT32_MAX;
};

// NSEC: the record at or before qname, and the one at or before the wildcard it calls for.
std::optional<Resolution> FromNsec(AnswerStore& store, const Name& zone, const dns::Question& q,
                                   ValidationBudget& budget) {
  Evidence evidence(zone);
  std::optional<CachedDenial> at = store.NsecAtOrBefore(zone, q.qname);
  if (!evidence.Take(at) || at->record.rdatas.size() != 1) return std::nullopt;
  if (at->record.owner == q.qname) return evidence.Conclude(false, q, budget);  // Matched: NODATA.
  auto decoded = dns::Decode<dns::rdata::NSEC>(at->record.rdatas.front());
  if (!decoded) return std::nullopt;
  if (decoded->next.IsSubdomainOf(q.qname)) return evidence.Conclude(false, q, budget);  // ENT.
  auto wildcard = nsec::ClosestEncloser(q.qname, at->record.owner, decoded->next).Wildcard();
  if (!wildcard) return std::nullopt;
  std::optional<CachedDenial> source = store.NsecAtOrBefore(zone, *wildcard);
  const bool wildcard_exists = source && source->record.owner == *wildcard;
  if (!evidence.Take(source)) return std::nullopt;
  // A wildcard that exists rules NXDOMAIN out; it may still prove wildcard NODATA.
  return evidence.Conclude(!wildcard_exists, q, budget);
}

// One NSEC3 record's hashes and fields (RFC 5155 section 3), when it decodes.
struct Nsec3Record {
  std::vector<uint8_t> owner, next;
  dns::rdata::NSEC3 rdata;
};

std::optional<Nsec3Record> Nsec3Of(const dns::RRset& set, const Name& zone) {
  if (set.type != RrType::NSEC3 || set.rdatas.size() != 1 ||
      set.owner.LabelCount() != zone.LabelCount() + 1 || !set.owner.IsSubdomainOf(zone)) {
    return std::nullopt;
  }
  auto label = set.owner.Label(0);
  auto owner = dns::DecodeBase32Hex(std::string_view(reinterpret_cast<const char*>(label.data()), label.size()));
  auto rdata = dns::Decode<dns::rdata::NSEC3>(set.rdatas.front());
  if (!owner || !rdata) return std::nullopt;
  std::vector<uint8_t> next = rdata->next_hashed.bytes;
  return Nsec3Record{std::move(*owner), std::move(next), std::move(*rdata)};
}

// RFC 5155 section 8.3, as nsec3_denial.cc: owner < h < next, the last record wrapping round.
bool Covers(const Nsec3Record& n, const std::vector<uint8_t>& h) {
  if (n.owner < n.next) return n.owner < h && h < n.next;
  return n.owner < h || h < n.next;
}

// The NSEC3 lookups of one synthesis, with the parameters of the zone's last cached record.
class Nsec3Search {
 public:
  enum class Seen : uint8_t { kMatch, kCover, kNeither, kStop };
  struct Look {
    Seen seen = Seen::kNeither;
    std::optional<CachedDenial> found;  // The record that matches or covers, if any.
  };

  Nsec3Search(AnswerStore& store, const Name& zone, ValidationBudget& budget, CachedDenial last,
              dns::rdata::NSEC3 params)
      : store_(store), zone_(zone), budget_(budget), last_(std::move(last)), params_(std::move(params)) {}

  // Hashes `name` (kStop when the budget is spent) and finds the cached record of the same
  // parameters that matches or covers the hash.
  Look At(const Name& name) {
    if (!budget_.TryNsec3Hash()) return {Seen::kStop, std::nullopt};
    auto digest = crypto::Nsec3Hash(name, params_.hash_algorithm, params_.salt.bytes, params_.iterations);
    if (!digest) return {Seen::kStop, std::nullopt};
    std::vector<uint8_t> h(digest->bytes().begin(), digest->bytes().end());
    std::optional<CachedDenial> found = store_.Nsec3AtOrBefore(zone_, h);
    if (!found) found = last_;  // Below the first cached hash: only the last record may cover it.
    std::optional<Nsec3Record> record = Nsec3Of(found->record, zone_);
    if (!record || record->rdata.iterations != params_.iterations || record->rdata.salt != params_.salt ||
        record->rdata.hash_algorithm != params_.hash_algorithm) {
      return {};
    }
    if (record->owner == h) return {Seen::kMatch, std::move(found)};
    if (Covers(*record, h)) return {Seen::kCover, std::move(found)};
    return {};
  }

 private:
  AnswerStore& store_;
  const Name& zone_;
  ValidationBudget& budget_;
  std::optional<CachedDenial> last_;
  dns::rdata::NSEC3 params_;
};

// NSEC3: the closest encloser from the apex down (RFC 5155 section 8.3), then the wildcard; the
// evidence is the qname match alone (NODATA, section 8.5), or the encloser's match, the next
// closer cover and the wildcard's cover (NXDOMAIN, 8.4) or match (wildcard NODATA, 8.7).
std::optional<Resolution> FromNsec3(AnswerStore& store, const Name& zone, const dns::Question& q,
                                    ValidationBudget& budget) {
  const std::vector<uint8_t> top(20, 0xff);  // At or before the largest SHA-1 hash: the last record.
  std::optional<CachedDenial> last = store.Nsec3AtOrBefore(zone, top);
  std::optional<Nsec3Record> params = last ? Nsec3Of(last->record, zone) : std::nullopt;
  if (!params || params->rdata.hash_algorithm != static_cast<uint8_t>(dns::Nsec3HashAlgorithm::SHA1) ||
      params->rdata.iterations > budget.limits().nsec3_iterations) {
    return std::nullopt;  // Nothing cached, or a proof that could only be insecure.
  }
  Nsec3Search search(store, zone, budget, std::move(*last), std::move(params->rdata));
  using Seen = Nsec3Search::Seen;
  Nsec3Search::Look encloser;  // The deepest level so far with a matching record...
  size_t encloser_labels = 0;   // ...and its label count.
  for (size_t labels = zone.LabelCount(); labels <= q.qname.LabelCount(); ++labels) {
    Nsec3Search::Look look = search.At(q.qname.Suffix(labels));
    if (look.seen == Seen::kStop) return std::nullopt;
    if (look.seen == Seen::kMatch && labels == q.qname.LabelCount()) {
      Evidence evidence(zone);
      if (!evidence.Take(look.found)) return std::nullopt;
      return evidence.Conclude(false, q, budget);  // NODATA at qname.
    }
    if (look.seen == Seen::kMatch) {
      encloser_labels = labels;
      encloser = std::move(look);
      continue;
    }
    if (look.seen != Seen::kCover) continue;  // Not cached at this level: passed over, as the prover does.
    // The next closer name: its parent, the closest encloser, must be shown to exist.
    if (encloser.seen != Seen::kMatch || encloser_labels + 1 != labels) return std::nullopt;
    auto wildcard = q.qname.Suffix(encloser_labels).Wildcard();
    Nsec3Search::Look source = wildcard ? search.At(*wildcard) : Nsec3Search::Look{Seen::kStop, std::nullopt};
    if (source.seen != Seen::kMatch && source.seen != Seen::kCover) return std::nullopt;
    Evidence evidence(zone);
    if (!evidence.Take(encloser.found) || !evidence.Take(look.found) || !evidence.Take(source.found)) {
      return std::nullopt;
    }
    // A covered wildcard completes NXDOMAIN; a matching one may prove wildcard NODATA.
    return evidence.Conclude(source.seen == Seen::kCover, q, budget);
  }
  return std::nullopt;
}

}  // namespace

std::optional<Resolution> SynthesiseDenial(AnswerStore& store, const Name& zone, const dns::Question& question,
                                           ValidationBudget& budget) {
  if (dns::IsMetaType(question.qtype) || question.qclass != dns::RrClass::IN ||
      !question.qname.IsSubdomainOf(zone)) {
    return std::nullopt;
  }
  if (question.qtype == RrType::DS && question.qname == zone) return std::nullopt;  // The parent's.
  if (std::optional<Resolution> nsec = FromNsec(store, zone, question, budget)) return nsec;
  return FromNsec3(store, zone, question, budget);
}

}  // namespace redoubt::resolver
