// Building the copy: sorting records into owners and RRsets, merging duplicates, checking the
// rules that make a zone unusable, and the indexes for NSEC and NSEC3 lookups.
#include <algorithm>
#include <utility>

#include "net/dns/base_encoding.h"
#include "net/dns/canonical.h"
#include "resolver/mirror/mirror_zone.h"

namespace redoubt::resolver {

using dns::Name;
using dns::RrType;
using mirror_detail::Bytes;
using mirror_detail::Node;
using mirror_detail::StoredSet;
using mirror_detail::Tree;

namespace mirror_detail {

const StoredSet* Node::Find(RrType type) const noexcept {
  auto it = sets.find(type);
  return it == sets.end() ? nullptr : &it->second;
}

bool Node::Has(RrType type) const noexcept {
  const StoredSet* set = Find(type);
  return set != nullptr && !set->rdatas.empty();
}

}  // namespace mirror_detail

namespace {

std::string Describe(const Name& owner, RrType type) {
  return owner.ToText() + " " + dns::RrTypeToText(type);
}

// Sorts `list` into RFC 4034 section 6.3 order and drops duplicates (in canonical form).
Result<std::vector<Bytes>> CanonicalUnique(RrType type, std::vector<Bytes> list) {
  std::vector<std::pair<Bytes, Bytes>> keyed;  // (canonical form, storage form)
  keyed.reserve(list.size());
  for (Bytes& rdata : list) {
    ASSIGN_OR_RETURN(Bytes canonical, dns::CanonicalRdata(type, rdata));
    keyed.emplace_back(std::move(canonical), std::move(rdata));
  }
  std::stable_sort(keyed.begin(), keyed.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  keyed.erase(std::unique(keyed.begin(), keyed.end(),
                          [](const auto& a, const auto& b) { return a.first == b.first; }),
              keyed.end());
  std::vector<Bytes> out;
  out.reserve(keyed.size());
  for (auto& [canonical, rdata] : keyed) out.push_back(std::move(rdata));
  return out;
}

}  // namespace

// Fills a MirrorZone in place (its indexes point into its own trees, so it never moves).
class MirrorZoneBuilder {
 public:
  explicit MirrorZoneBuilder(MirrorZone& zone) : zone_(zone) {}

  Result<void, std::string> Run(std::vector<dns::Record> records) {
    for (dns::Record& record : records) {
      if (auto added = Add(std::move(record)); !added) return added;
    }
    if (auto merged = MergeAll(); !merged) return merged;
    if (auto apex = CheckApex(); !apex) return apex;
    if (auto owners = CheckOwners(); !owners) return owners;
    IndexNsecChain();
    IndexNsec3Chain();
    return {};
  }

 private:
  using Reason = Unexpected<std::string>;

  Result<void, std::string> Add(dns::Record record) {
    if (record.klass != dns::RrClass::IN) {
      return Reason(Describe(record.owner, record.type) + ": class " +
                    dns::RrClassToText(record.klass) + " is not IN");
    }
    if (!record.owner.IsSubdomainOf(zone_.apex_)) {
      return Reason(Describe(record.owner, record.type) + ": outside the zone " +
                    zone_.apex_.ToText());
    }
    RrType key = record.type;
    bool nsec3_owned = record.type == RrType::NSEC3;
    if (record.type == RrType::RRSIG) {
      auto sig = dns::Decode<dns::rdata::RRSIG>(record.rdata);
      if (!sig) return Reason(Describe(record.owner, record.type) + ": RDATA does not decode");
      key = sig->type_covered;
      nsec3_owned = key == RrType::NSEC3;
    }
    Tree& tree = nsec3_owned ? zone_.nsec3_nodes_ : zone_.nodes_;
    auto [it, inserted] = tree.try_emplace(record.owner);
    if (inserted) it->second.owner = record.owner;
    StoredSet& set = it->second.sets[key];
    bool signature = record.type == RrType::RRSIG;
    uint32_t& ttl = signature ? set.sig_ttl : set.ttl;
    ttl = std::min(ttl, record.ttl);
    (signature ? set.sigs : set.rdatas).push_back(std::move(record.rdata));
    return {};
  }

  Result<void, std::string> MergeTree(Tree& tree) {
    for (auto& [owner, node] : tree) {
      for (auto& [type, set] : node.sets) {
        auto data = CanonicalUnique(type, std::move(set.rdatas));
        if (!data) return Reason(Describe(owner, type) + ": RDATA does not decode");
        set.rdatas = std::move(*data);
        auto sigs = CanonicalUnique(RrType::RRSIG, std::move(set.sigs));
        if (!sigs) return Reason(Describe(owner, RrType::RRSIG) + ": RDATA does not decode");
        set.sigs = std::move(*sigs);
        zone_.record_count_ += set.rdatas.size() + set.sigs.size();
      }
    }
    return {};
  }

  Result<void, std::string> MergeAll() {
    if (auto main = MergeTree(zone_.nodes_); !main) return main;
    return MergeTree(zone_.nsec3_nodes_);
  }

  Result<void, std::string> CheckApex() {
    const Name& apex = zone_.apex_;
    auto it = zone_.nodes_.find(apex);
    const Node* node = it == zone_.nodes_.end() ? nullptr : &it->second;
    const StoredSet* soa = node ? node->Find(RrType::SOA) : nullptr;
    if (soa == nullptr || soa->rdatas.empty()) {
      return Reason(Describe(apex, RrType::SOA) + ": no SOA at the apex");
    }
    if (soa->rdatas.size() > 1) {
      return Reason(Describe(apex, RrType::SOA) + ": more than one SOA at the apex");
    }
    auto timers = dns::Decode<dns::rdata::SOA>(soa->rdatas.front());
    if (!timers) return Reason(Describe(apex, RrType::SOA) + ": RDATA does not decode");
    zone_.soa_ = {timers->serial, timers->refresh, timers->retry, timers->expire, timers->minimum};
    if (!node->Has(RrType::NS)) return Reason(Describe(apex, RrType::NS) + ": no NS at the apex");
    zone_.nsec_ = node->Has(RrType::NSEC);
    if (const StoredSet* param = node->Find(RrType::NSEC3PARAM);
        param != nullptr && !param->rdatas.empty()) {
      auto decoded = dns::Decode<dns::rdata::NSEC3PARAM>(param->rdatas.front());
      if (!decoded) return Reason(Describe(apex, RrType::NSEC3PARAM) + ": RDATA does not decode");
      zone_.nsec3_ = std::move(*decoded);
    }
    return {};
  }

  // Types that may share an owner with a CNAME (RFC 2181 section 10.1, RFC 4035 section 2.5).
  static bool CnameCompanion(RrType type) {
    return type == RrType::CNAME || type == RrType::RRSIG || type == RrType::NSEC ||
           type == RrType::NSEC3;
  }

  Result<void, std::string> CheckOwners() {
    for (const auto& [owner, node] : zone_.nodes_) {
      const StoredSet* soa = node.Find(RrType::SOA);
      if (soa != nullptr && !soa->rdatas.empty() && !(owner == zone_.apex_)) {
        return Reason(Describe(owner, RrType::SOA) + ": SOA below the apex");
      }
      if (const StoredSet* dname = node.Find(RrType::DNAME);
          dname != nullptr && dname->rdatas.size() > 1) {
        return Reason(Describe(owner, RrType::DNAME) + ": more than one DNAME at the owner");
      }
      if (!node.Has(RrType::CNAME)) continue;
      for (const auto& [type, set] : node.sets) {
        if (!CnameCompanion(type) && !set.rdatas.empty()) {
          return Reason(Describe(owner, RrType::CNAME) + ": CNAME shares its owner with " +
                        dns::RrTypeToText(type));
        }
      }
      if (node.Find(RrType::CNAME)->rdatas.size() > 1) {
        return Reason(Describe(owner, RrType::CNAME) + ": more than one CNAME at the owner");
      }
    }
    return {};
  }

  void IndexNsecChain() {
    for (const auto& [owner, node] : zone_.nodes_) {
      if (node.Has(RrType::NSEC)) zone_.nsec_chain_.emplace(owner, &node);
    }
  }

  // NSEC3 owners are <base32hex hash>.<apex> (RFC 5155 section 3); only records with the
  // NSEC3PARAM's parameters form the chain that answers are proved with (section 7.2).
  void IndexNsec3Chain() {
    if (!zone_.nsec3_) return;
    const dns::rdata::NSEC3PARAM& param = *zone_.nsec3_;
    for (const auto& [owner, node] : zone_.nsec3_nodes_) {
      const StoredSet* set = node.Find(RrType::NSEC3);
      if (set == nullptr || owner.LabelCount() != zone_.apex_.LabelCount() + 1) continue;
      std::span<const uint8_t> label = owner.Label(0);
      auto hash = dns::DecodeBase32Hex(
          std::string_view(reinterpret_cast<const char*>(label.data()), label.size()));
      if (!hash) continue;
      for (const Bytes& rdata : set->rdatas) {
        auto nsec3 = dns::Decode<dns::rdata::NSEC3>(rdata);
        if (nsec3 && nsec3->hash_algorithm == param.hash_algorithm &&
            nsec3->iterations == param.iterations && nsec3->salt == param.salt) {
          zone_.nsec3_chain_.emplace(*hash, &node);
          break;
        }
      }
    }
  }

  MirrorZone& zone_;
};

Result<std::shared_ptr<const MirrorZone>, std::string> MirrorZone::Build(
    Name apex, std::vector<dns::Record> records) {
  std::shared_ptr<MirrorZone> zone(new MirrorZone(std::move(apex)));
  MirrorZoneBuilder builder(*zone);
  if (auto built = builder.Run(std::move(records)); !built) {
    return Unexpected<std::string>(built.error());
  }
  return std::shared_ptr<const MirrorZone>(std::move(zone));
}

namespace {

// The records of one owner: types in ascending code order, RRSIGs under their own code (46)
// sorted by canonical RDATA (RFC 4034 section 6.3).
void AppendOwner(const Node& node, std::vector<dns::Record>& out) {
  std::vector<std::pair<Bytes, dns::Record>> sigs;  // (canonical form, record)
  for (const auto& [type, set] : node.sets) {
    for (const Bytes& rdata : set.sigs) {
      auto canonical = dns::CanonicalRdata(RrType::RRSIG, rdata);
      sigs.emplace_back(
          canonical ? *canonical : rdata,
          dns::Record{node.owner, RrType::RRSIG, dns::RrClass::IN, set.sig_ttl, rdata});
    }
  }
  std::sort(sigs.begin(), sigs.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  bool sigs_written = false;
  auto write_sigs = [&] {
    for (auto& [canonical, record] : sigs) out.push_back(std::move(record));
    sigs_written = true;
  };
  for (const auto& [type, set] : node.sets) {
    if (!sigs_written && type > RrType::RRSIG) write_sigs();
    for (const Bytes& rdata : set.rdatas) {
      out.push_back({node.owner, type, dns::RrClass::IN, set.ttl, rdata});
    }
  }
  if (!sigs_written) write_sigs();
}

}  // namespace

std::vector<dns::Record> MirrorZone::Records() const {
  std::vector<const Node*> owners;
  owners.reserve(nodes_.size() + nsec3_nodes_.size());
  for (const auto& [owner, node] : nodes_) owners.push_back(&node);
  for (const auto& [owner, node] : nsec3_nodes_) owners.push_back(&node);
  std::sort(owners.begin(), owners.end(),
            [](const Node* a, const Node* b) { return a->owner.CanonicalCompare(b->owner) < 0; });
  std::vector<dns::Record> out;
  out.reserve(record_count_);
  for (const Node* node : owners) AppendOwner(*node, out);
  return out;
}

}  // namespace redoubt::resolver
