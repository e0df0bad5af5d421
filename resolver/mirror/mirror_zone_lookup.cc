// Answering from the copy: the RFC 1034 section 4.3.2 walk down from the apex, then the answer,
// referral, DNAME, wildcard or negative reply with the RFC 4035 section 3.1 DNSSEC records.
#include <algorithm>
#include <string_view>

#include "crypto/nsec3_hash.h"
#include "net/dns/base_encoding.h"
#include "net/dns/edns.h"
#include "net/dns/message_builder.h"
#include "resolver/mirror/mirror_zone.h"
#include "resolver/query/reply_classifier.h"

namespace redoubt::resolver {

using dns::Name;
using dns::RrType;
using dns::Section;
using mirror_detail::Bytes;
using mirror_detail::Node;
using mirror_detail::StoredSet;

namespace {

struct PendingRecord {
  Name owner;
  RrType type = RrType::A;
  uint32_t ttl = 0;
  Bytes rdata;
};

// Whether `h` lies strictly between an NSEC3's owner hash and its next hash, the chain wrapping
// around at its end (RFC 5155 section 7.2.1, "covers").
bool Nsec3Covers(std::span<const uint8_t> owner_hash, const dns::rdata::NSEC3& nsec3,
                 std::span<const uint8_t> h) {
  auto less = [](std::span<const uint8_t> a, std::span<const uint8_t> b) {
    return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end());
  };
  std::span<const uint8_t> next = nsec3.next_hashed.bytes;
  if (less(owner_hash, next)) return less(owner_hash, h) && less(h, next);
  return less(owner_hash, h) || less(h, next);  // The last NSEC3 of the chain.
}

}  // namespace

// One reply in the making: the sections are gathered first and written at the end, in order.
class MirrorReply {
 public:
  MirrorReply(const MirrorZone& zone, const dns::Question& question)
      : zone_(zone), question_(question), qname_(question.qname) {}

  std::optional<std::vector<uint8_t>> Run() {
    if (!Answerable()) return std::nullopt;
    if (!Walk()) return std::nullopt;
    return Render();
  }

 private:
  bool Answerable() const {
    return question_.qclass == dns::RrClass::IN && qname_.IsSubdomainOf(zone_.apex_) &&
           (question_.qtype == RrType::ANY || !dns::IsMetaType(question_.qtype)) &&
           question_.qtype != RrType::OPT;
  }

  const Node* FindNode(const Name& name) const {
    auto it = zone_.nodes_.find(name);
    return it == zone_.nodes_.end() ? nullptr : &it->second;
  }

  // A name exists when it owns records or is an empty non-terminal: the first owner after it in
  // canonical order is then below it (RFC 4034 section 6.1 puts descendants right after).
  bool Exists(const Name& name) const {
    auto it = zone_.nodes_.lower_bound(name);
    return it != zone_.nodes_.end() && it->first.IsSubdomainOf(name);
  }

  // RFC 1034 section 4.3.2 step 3, one label at a time from the apex down to QNAME.
  bool Walk() {
    size_t apex_labels = zone_.apex_.LabelCount();
    size_t labels = qname_.LabelCount();
    for (size_t k = apex_labels; k <= labels; ++k) {
      Name name = qname_.Suffix(k);
      if (!Exists(name)) return NoSuchName(qname_.Suffix(k - 1));
      const Node* node = FindNode(name);
      if (node == nullptr) continue;  // An empty non-terminal.
      bool at_qname = k == labels;
      if (k > apex_labels && node->Has(RrType::NS) &&
          !(at_qname && question_.qtype == RrType::DS)) {
        return Referral(*node);
      }
      if (!at_qname && node->Has(RrType::DNAME)) return Dname(*node);
    }
    return ExactMatch(FindNode(qname_));
  }

  // --- Sections -------------------------------------------------------------------------

  void AddSet(std::vector<PendingRecord>& section, const Name& owner, RrType type,
              const StoredSet& set, bool with_sigs = true, std::optional<uint32_t> ttl = {}) {
    uint32_t data_ttl = ttl.value_or(set.ttl);
    for (const Bytes& rdata : set.rdatas) section.push_back({owner, type, data_ttl, rdata});
    if (!with_sigs) return;
    // RFC 4034 section 3: an RRSIG's TTL is that of the RRset it covers.
    uint32_t sig_ttl = set.rdatas.empty() ? set.sig_ttl : data_ttl;
    for (const Bytes& rdata : set.sigs) section.push_back({owner, RrType::RRSIG, sig_ttl, rdata});
  }

  // An NSEC or NSEC3 RRset of `node` for the authority section, once per owner.
  void AddProof(const Node& node, RrType type) {
    const StoredSet* set = node.Find(type);
    if (set == nullptr) return;
    for (const PendingRecord& r : authority_) {
      if (r.type == type && r.owner == node.owner) return;
    }
    AddSet(authority_, node.owner, type, *set);
  }

  // RFC 2308 section 3: the SOA's TTL in a negative answer is min(SOA TTL, SOA MINIMUM).
  void AddNegativeSoa() {
    const Node* apex = FindNode(zone_.apex_);
    const StoredSet* soa = apex ? apex->Find(RrType::SOA) : nullptr;
    if (soa == nullptr) return;
    AddSet(authority_, apex->owner, RrType::SOA, *soa, true,
           std::min(soa->ttl, zone_.soa_.minimum));
  }

  // --- Positive answers -----------------------------------------------------------------

  // The data `node` holds for the question, written with `owner` (QNAME itself, or QNAME for a
  // wildcard expansion, RFC 4592 section 4). False when it holds none.
  bool AddAnswerFrom(const Node& node, const Name& owner) {
    RrType qtype = question_.qtype;
    size_t before = answer_.size();
    for (const auto& [type, set] : node.sets) {
      if (qtype == RrType::ANY && !set.rdatas.empty()) AddSet(answer_, owner, type, set);
      if (qtype == RrType::RRSIG) {
        for (const Bytes& rdata : set.sigs)
          answer_.push_back({owner, RrType::RRSIG, set.sig_ttl, rdata});
      }
    }
    if (qtype == RrType::ANY || qtype == RrType::RRSIG) return answer_.size() > before;
    if (node.Has(qtype)) {
      AddSet(answer_, owner, qtype, *node.Find(qtype));
    } else if (node.Has(RrType::CNAME)) {
      AddSet(answer_, owner, RrType::CNAME, *node.Find(RrType::CNAME));  // RFC 1034 4.3.2 3a.
    }
    return answer_.size() > before;
  }

  bool ExactMatch(const Node* node) {
    if (node != nullptr && AddAnswerFrom(*node, qname_)) return true;
    return NoData(node);
  }

  // RFC 6672 section 3.1: the DNAME, then a CNAME from QNAME to the substituted name with the
  // DNAME's TTL, unsigned; YXDOMAIN when the substitution is too long (section 2.2).
  bool Dname(const Node& node) {
    const StoredSet& dname = *node.Find(RrType::DNAME);
    AddSet(answer_, node.owner, RrType::DNAME, dname);
    auto target = Name::FromWire(dname.rdatas.front());
    if (!target) return false;
    auto substituted = SubstituteDname(qname_, node.owner, *target);
    if (!substituted) {
      rcode_ = dns::Rcode::YXDOMAIN;
      return true;
    }
    std::span<const uint8_t> wire = substituted->wire();
    answer_.push_back({qname_, RrType::CNAME, dname.ttl, Bytes(wire.begin(), wire.end())});
    return true;
  }

  // RFC 1034 section 4.3.2 step 3b, RFC 4035 section 3.1.4: AA clear; the cut's NS, its DS or
  // the proof that there is none; addresses of NS names at or below the cut as glue.
  bool Referral(const Node& cut) {
    aa_ = false;
    AddSet(authority_, cut.owner, RrType::NS, *cut.Find(RrType::NS), false);
    if (cut.Has(RrType::DS)) {
      AddSet(authority_, cut.owner, RrType::DS, *cut.Find(RrType::DS));
    } else if (zone_.nsec_) {
      AddProof(cut, RrType::NSEC);
    } else if (zone_.nsec3_ && !Nsec3MatchOrOptOut(cut.owner)) {
      return false;
    }
    for (const Bytes& rdata : cut.Find(RrType::NS)->rdatas) {
      auto target = Name::FromWire(rdata);
      if (!target || !target->IsSubdomainOf(cut.owner)) continue;
      const Node* host = FindNode(*target);
      if (host == nullptr) continue;
      for (RrType type : {RrType::A, RrType::AAAA}) {
        if (const StoredSet* set = host->Find(type))
          AddSet(additional_, host->owner, type, *set, false);
      }
    }
    return true;
  }

  // --- Negative answers and wildcards ---------------------------------------------------

  // NODATA at QNAME (RFC 2308 section 2.2): `node` is null for an empty non-terminal.
  bool NoData(const Node* node) {
    AddNegativeSoa();
    if (zone_.nsec_) {
      if (node != nullptr && node->Has(RrType::NSEC)) {
        AddProof(*node, RrType::NSEC);  // RFC 4035 section 3.1.3.1.
      } else {
        AddNsecCovering(
            qname_);  // An empty non-terminal: the NSEC before it (RFC 4035 3.1.3.2 note).
      }
    } else if (zone_.nsec3_) {
      return Nsec3MatchOrOptOut(qname_);  // RFC 5155 sections 7.2.3, 7.2.4.
    }
    return true;
  }

  // QNAME does not exist; `encloser` is its closest encloser (RFC 4592 section 3.3.1).
  bool NoSuchName(const Name& encloser) {
    auto wildcard_name = encloser.Wildcard();
    const Node* wildcard = wildcard_name ? FindNode(*wildcard_name) : nullptr;
    if (wildcard != nullptr) {
      if (wildcard->Has(RrType::NS)) return false;  // A delegated wildcard: not served here.
      return Wildcard(encloser, *wildcard);
    }
    rcode_ = dns::Rcode::NXDOMAIN;
    AddNegativeSoa();
    if (zone_.nsec_) {
      AddNsecCovering(qname_);  // RFC 4035 section 3.1.3.2.
      if (wildcard_name) AddNsecCovering(*wildcard_name);
      return true;
    }
    if (!zone_.nsec3_) return true;
    // RFC 5155 section 7.2.2: closest encloser proof and the wildcard's covering NSEC3.
    return wildcard_name && ClosestEncloserProof(encloser) && AddNsec3Covering(*wildcard_name);
  }

  // RFC 4592 section 4 and RFC 4035 section 3.1.3.3: the expansion with owner QNAME, signatures
  // unchanged (their Labels field tells the validator), and the proof of no closer match.
  bool Wildcard(const Name& encloser, const Node& wildcard) {
    if (AddAnswerFrom(wildcard, qname_)) {
      if (zone_.nsec_) AddNsecCovering(qname_);
      if (zone_.nsec3_) return AddNsec3Covering(NextCloser(encloser));  // RFC 5155 7.2.6.
      return true;
    }
    AddNegativeSoa();  // Wildcard NODATA (RFC 4035 section 3.1.3.4).
    if (zone_.nsec_) {
      AddNsecCovering(qname_);
      AddProof(wildcard, RrType::NSEC);
    } else if (zone_.nsec3_) {  // RFC 5155 section 7.2.5.
      return ClosestEncloserProof(encloser) && AddNsec3Matching(wildcard.owner);
    }
    return true;
  }

  // The NSEC whose owner is the last one before `name` in canonical order.
  void AddNsecCovering(const Name& name) {
    auto it = zone_.nsec_chain_.lower_bound(name);
    if (it == zone_.nsec_chain_.begin()) return;
    AddProof(*std::prev(it)->second, RrType::NSEC);
  }

  // --- NSEC3 (RFC 5155 section 7.2) -----------------------------------------------------

  std::optional<Bytes> Hash(const Name& name) const {
    const dns::rdata::NSEC3PARAM& param = *zone_.nsec3_;
    if (param.iterations > MirrorZone::kMaxNsec3Iterations) return std::nullopt;
    auto digest = crypto::Nsec3Hash(name, param.hash_algorithm, param.salt.bytes, param.iterations);
    if (!digest) return std::nullopt;
    return Bytes(digest->bytes().begin(), digest->bytes().end());
  }

  Name NextCloser(const Name& encloser) const { return qname_.Suffix(encloser.LabelCount() + 1); }

  bool AddNsec3Matching(const Name& name) {
    auto hash = Hash(name);
    if (!hash) return false;
    auto it = zone_.nsec3_chain_.find(*hash);
    if (it == zone_.nsec3_chain_.end()) return false;
    AddProof(*it->second, RrType::NSEC3);
    return true;
  }

  bool AddNsec3Covering(const Name& name) {
    auto hash = Hash(name);
    if (!hash || zone_.nsec3_chain_.empty()) return false;
    auto it = zone_.nsec3_chain_.lower_bound(*hash);
    if (it != zone_.nsec3_chain_.end() && it->first == *hash) return false;  // Matches instead.
    auto prev =
        it == zone_.nsec3_chain_.begin() ? std::prev(zone_.nsec3_chain_.end()) : std::prev(it);
    const StoredSet* set = prev->second->Find(RrType::NSEC3);
    for (const Bytes& rdata : set->rdatas) {
      auto nsec3 = dns::Decode<dns::rdata::NSEC3>(rdata);
      if (nsec3 && Nsec3Covers(prev->first, *nsec3, *hash)) {
        AddProof(*prev->second, RrType::NSEC3);
        return true;
      }
    }
    return false;
  }

  // RFC 5155 section 7.2.1 for a QNAME whose closest encloser is `encloser`.
  bool ClosestEncloserProof(const Name& encloser) {
    return AddNsec3Matching(encloser) && AddNsec3Covering(NextCloser(encloser));
  }

  // The NSEC3 matching `name` (sections 7.2.3, 7.2.7), or else the closest provable encloser
  // proof whose next closer name an opt-out NSEC3 covers (sections 7.2.4, 7.2.7).
  bool Nsec3MatchOrOptOut(const Name& name) {
    if (AddNsec3Matching(name)) return true;
    for (size_t k = name.LabelCount(); k-- > zone_.apex_.LabelCount();) {
      Name ancestor = name.Suffix(k);
      if (AddNsec3Matching(ancestor)) return AddNsec3Covering(name.Suffix(k + 1));
    }
    return false;
  }

  // --- Rendering ------------------------------------------------------------------------

  bool Write(dns::MessageBuilder& builder, Section section,
             const std::vector<PendingRecord>& list) {
    for (const PendingRecord& r : list) {
      if (!builder.AddRecord(section, r.owner, r.type, dns::RrClass::IN, r.ttl, r.rdata))
        return false;
    }
    return true;
  }

  std::optional<std::vector<uint8_t>> Render() {
    dns::MessageBuilder builder(kMaxReply);
    dns::Header& header = builder.header();
    header.qr = true;
    header.aa = aa_;
    header.rcode = static_cast<uint8_t>(rcode_);
    if (!builder.AddQuestion(question_.qname, question_.qtype, question_.qclass))
      return std::nullopt;
    dns::Edns edns;
    edns.dnssec_ok = true;
    if (!builder.SetEdns(edns)) return std::nullopt;
    // The additional section only loses records when full; the others would set TC.
    if (!Write(builder, Section::kAnswer, answer_) ||
        !Write(builder, Section::kAuthority, authority_)) {
      return std::nullopt;
    }
    Write(builder, Section::kAdditional, additional_);
    if (builder.truncated()) return std::nullopt;
    auto wire = std::move(builder).Finish();
    if (!wire) return std::nullopt;
    return std::move(*wire);
  }

  static constexpr size_t kMaxReply = 65535;

  const MirrorZone& zone_;
  const dns::Question& question_;
  const Name& qname_;
  dns::Rcode rcode_ = dns::Rcode::NOERROR;
  bool aa_ = true;
  std::vector<PendingRecord> answer_, authority_, additional_;
};

std::optional<std::vector<uint8_t>> MirrorZone::Answer(const dns::Question& question) const {
  return MirrorReply(*this, question).Run();
}

}  // namespace redoubt::resolver
