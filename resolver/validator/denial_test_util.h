// Test helpers for the denial proofs: whole NSEC, NXT and NSEC3 chains built from a list of names,
// so tests pick the records a server would send (or an attacker would replay). Signatures are
// not needed: the proofs take RRsets whose signatures the caller has already verified.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "crypto/nsec3_hash.h"
#include "net/dns/base_encoding.h"
#include "net/dns/rdata.h"
#include "net/dns/rrset.h"
#include "resolver/query/validation_budget.h"
#include "resolver/validator/denial.h"

namespace redoubt::resolver {

// Readable gtest failures.
inline void PrintTo(DenialResult r, std::ostream* os) { *os << DenialResultName(r); }
inline void PrintTo(DsDenial r, std::ostream* os) { *os << DsDenialName(r); }

}  // namespace redoubt::resolver

namespace redoubt::resolver::testing {

using dns::Name;
using dns::RrType;

inline Name N(const std::string& text) { return *Name::FromText(text); }

// A name of the zone and the types it owns (RRSIG and NSEC/NSEC3, or SIG and NXT, are added by
// the builders).
struct Owner {
  std::string name;
  std::vector<RrType> types;
};

inline dns::TypeBitmap Bitmap(std::vector<RrType> types) {
  std::sort(types.begin(), types.end(),
            [](RrType a, RrType b) { return static_cast<uint16_t>(a) < static_cast<uint16_t>(b); });
  types.erase(std::unique(types.begin(), types.end()), types.end());
  return dns::TypeBitmap{std::move(types)};
}

inline dns::RRset Set(const Name& owner, RrType type, std::vector<std::vector<uint8_t>> rdatas) {
  dns::RRset set;
  set.owner = owner;
  set.type = type;
  set.section = dns::Section::kAuthority;
  set.rdatas = std::move(rdatas);
  return set;
}

// One RRset of an owner -> next chain record, `Rdata` NSEC or NXT, with the bits of its own type
// and of its signature type (RRSIG, or SIG for NXT) added to `types`.
template <typename Rdata>
dns::RRset LinkRecord(const std::string& owner, const std::string& next, std::vector<RrType> types,
                      RrType signature) {
  types.push_back(signature);
  types.push_back(Rdata::kType);
  auto bytes = dns::RdataToBytes(Rdata{N(next), {Bitmap(std::move(types)).types}});
  EXPECT_TRUE(bytes.has_value());
  return Set(N(owner), Rdata::kType, {bytes.value_or(std::vector<uint8_t>{})});
}

// One NSEC RRset.
inline dns::RRset Nsec(const std::string& owner, const std::string& next,
                       std::vector<RrType> types) {
  return LinkRecord<dns::rdata::NSEC>(owner, next, std::move(types), RrType::RRSIG);
}

// One NXT RRset (RFC 2535 section 5.2: the map always has SIG and NXT).
inline dns::RRset Nxt(const std::string& owner, const std::string& next,
                      std::vector<RrType> types) {
  return LinkRecord<dns::rdata::NXT>(owner, next, std::move(types), RrType::SIG);
}

// A zone's full chain of `record`s (Nsec or Nxt) in canonical order (RFC 4034 section 6.1), the
// last pointing back to the apex (RFC 4034 section 4.1.1, RFC 2535 section 5.1).
inline std::vector<dns::RRset> LinkedChain(const std::string& zone, std::vector<Owner> owners,
                                           dns::RRset (*record)(const std::string&,
                                                                const std::string&,
                                                                std::vector<RrType>)) {
  std::sort(owners.begin(), owners.end(), [](const Owner& a, const Owner& b) {
    return N(a.name).CanonicalCompare(N(b.name)) == std::weak_ordering::less;
  });
  std::vector<dns::RRset> chain;
  for (size_t i = 0; i < owners.size(); ++i) {
    const std::string& next = i + 1 < owners.size() ? owners[i + 1].name : zone;
    chain.push_back(record(owners[i].name, next, owners[i].types));
  }
  return chain;
}

inline std::vector<dns::RRset> NsecChain(const std::string& zone, std::vector<Owner> owners) {
  return LinkedChain(zone, std::move(owners), &Nsec);
}
inline std::vector<dns::RRset> NxtChain(const std::string& zone, std::vector<Owner> owners) {
  return LinkedChain(zone, std::move(owners), &Nxt);
}

// The RRsets of `chain` owned by `owners`, in that order.
inline std::vector<dns::RRset> Pick(const std::vector<dns::RRset>& chain,
                                    std::initializer_list<const char*> owners) {
  std::vector<dns::RRset> out;
  for (const char* owner : owners) {
    auto it = std::find_if(chain.begin(), chain.end(),
                           [&](const dns::RRset& s) { return s.owner == N(owner); });
    EXPECT_NE(it, chain.end()) << owner;
    if (it != chain.end()) out.push_back(*it);
  }
  return out;
}

struct Nsec3Params {
  uint16_t iterations = 0;
  std::vector<uint8_t> salt = {0xaa, 0xbb, 0xcc, 0xdd};
  uint8_t flags = 0;  // dns::kNsec3FlagOptOut for an Opt-Out chain.
  uint8_t algorithm = 1;
};

// A zone's full NSEC3 chain (RFC 5155 section 7.1): one record per name (empty non-terminals
// included by listing them without types), ordered by hash, the last pointing to the first.
class Nsec3Chain {
 public:
  using HashBytes = std::array<uint8_t, 20>;

  Nsec3Chain(const std::string& zone, const std::vector<Owner>& owners, Nsec3Params params = {})
      : zone_(N(zone)), params_(std::move(params)) {
    std::vector<std::pair<HashBytes, std::vector<RrType>>> hashed;
    for (const Owner& o : owners) hashed.emplace_back(Hash(o.name), o.types);
    std::sort(hashed.begin(), hashed.end());
    for (size_t i = 0; i < hashed.size(); ++i) {
      auto types = hashed[i].second;
      if (!types.empty()) types.push_back(RrType::RRSIG);
      const auto& next = hashed[(i + 1) % hashed.size()].first;
      sets_.push_back(Record(hashed[i].first, next, std::move(types)));
      hashes_.push_back(hashed[i].first);
    }
  }

  // The record matching `name`'s hash (an empty set, failing the test, when there is none).
  dns::RRset Match(const std::string& name) const { return Find(Hash(name), /*cover=*/false); }
  // The record whose span covers `name`'s hash.
  dns::RRset CoverOf(const std::string& name) const { return Find(Hash(name), /*cover=*/true); }
  const std::vector<dns::RRset>& all() const { return sets_; }

  HashBytes Hash(const std::string& name) const {
    auto d = crypto::Nsec3Hash(N(name), 1, params_.salt, params_.iterations);
    EXPECT_TRUE(d.has_value() && d->size() == 20);
    HashBytes h{};
    if (d && d->size() == h.size()) std::copy(d->bytes().begin(), d->bytes().end(), h.begin());
    return h;
  }

  // An NSEC3 RRset with explicit fields, owned by "<base32hex(owner)>.<zone>".
  dns::RRset Record(const HashBytes& owner, const HashBytes& next,
                    std::vector<RrType> types) const {
    dns::rdata::NSEC3 r;
    r.hash_algorithm = params_.algorithm;
    r.flags = params_.flags;
    r.iterations = params_.iterations;
    r.salt.bytes = params_.salt;
    r.next_hashed.bytes.assign(next.begin(), next.end());
    r.types = Bitmap(std::move(types));
    auto bytes = dns::RdataToBytes(r);
    EXPECT_TRUE(bytes.has_value());
    auto owner_name = zone_.Prepend(ToSpan(dns::EncodeBase32Hex(owner)));
    EXPECT_TRUE(owner_name.has_value());
    return Set(*owner_name, RrType::NSEC3, {bytes.value_or(std::vector<uint8_t>{})});
  }

 private:
  static std::span<const uint8_t> ToSpan(const std::string& s) {
    return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
  }
  dns::RRset Find(const HashBytes& h, bool cover) const {
    for (size_t i = 0; i < sets_.size(); ++i) {
      const HashBytes& owner = hashes_[i];
      const HashBytes& next = hashes_[(i + 1) % hashes_.size()];
      bool hit =
          cover ? (owner < next ? (owner < h && h < next) : (owner < h || h < next)) : owner == h;
      if (hit) return sets_[i];
    }
    ADD_FAILURE() << "no NSEC3 " << (cover ? "covers" : "matches") << " the hash";
    return {};
  }
  Name zone_;
  Nsec3Params params_;
  std::vector<dns::RRset> sets_;
  std::vector<HashBytes> hashes_;  // Owner hash of each set, in chain order.
};

// The NSEC3 hashes a budget has paid for (spends what is left of it: call last).
inline uint32_t HashesSpent(ValidationBudget& budget) {
  uint32_t left = 0;
  while (budget.TryNsec3Hash()) ++left;
  return budget.limits().nsec3_hashes - left;
}

}  // namespace redoubt::resolver::testing
