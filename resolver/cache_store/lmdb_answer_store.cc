#include "resolver/cache_store/lmdb_answer_store.h"

#include <algorithm>

#include "cache/cache_key.h"
#include "net/dns/base_encoding.h"
#include "net/dns/rdata.h"

namespace redoubt::resolver {
namespace {

using cache::CacheEntry;
using cache::EntryKind;

constexpr int kMaxChain = 11;          // CNAME hops (security.md section 5).
constexpr uint32_t kStaleTtl = 30;     // RFC 8767 section 4.

bool Cacheable(dns::RrType type) {
  auto t = static_cast<uint16_t>(type);
  return t != 255 && t != 252 && t != 251 && t != 250;  // ANY, AXFR, IXFR, TSIG.
}

// The signature bounds of a set: the smallest original TTL and the earliest expiry.
cache::TtlInputs InputsFor(const dns::RRset& set) {
  cache::TtlInputs in;
  in.received_ttl = set.ttl;
  auto take = [&](uint32_t original, uint32_t expiry) {
    in.original_ttl = std::min(in.original_ttl.value_or(original), original);
    in.signature_expiry = std::min(in.signature_expiry.value_or(expiry), expiry);
  };
  for (const auto& sig : set.sigs) take(sig.original_ttl, sig.expiration.value);
  for (const auto& sig : set.legacy_sigs) take(sig.original_ttl, sig.expiration.value);
  return in;
}

std::optional<uint32_t> SoaMinimum(const dns::RRset& set) {
  if (set.type != dns::RrType::SOA || set.rdatas.empty() || set.rdatas[0].size() < 4) return std::nullopt;
  const auto& r = set.rdatas[0];
  size_t n = r.size();
  return (uint32_t{r[n - 4]} << 24) | (uint32_t{r[n - 3]} << 16) | (uint32_t{r[n - 2]} << 8) | r[n - 1];
}

std::optional<dns::Name> CnameTarget(const dns::RRset& set) {
  if (set.type != dns::RrType::CNAME || set.rdatas.empty()) return std::nullopt;
  auto name = dns::Name::FromWire(set.rdatas[0]);
  if (!name) return std::nullopt;
  return *name;
}

// Answer owners equal to the question take its letter case (after Unbound, which reuses the
// question's name).
void TakeQuestionCase(std::vector<dns::RRset>& answer, const dns::Name& qname) {
  for (auto& set : answer) {
    if (set.owner == qname) set.owner = qname;
  }
}

void SetTtl(std::vector<dns::RRset>& sets, uint32_t ttl) {
  for (auto& set : sets) set.ttl = ttl;
}

// The status of a cached answer so far combined with one more entry's (the first entry found
// sets it).
dns::Security Weakest(const Resolution& so_far, dns::Security next) {
  return so_far.answer.empty() ? next : dns::Weaker(so_far.security, next);
}

// Adds the entry with `header`'s fields and the RRsets of `first` then `second` to `batch`,
// encoded from the resolution's own RRsets (no copy of them; an entry that cannot be encoded,
// over 64 KiB of RDATA per record, is left out).
void Put(cache::WriteBatch& batch, std::string key, const CacheEntry& header,
         std::span<const dns::RRset> first, std::span<const dns::RRset> second = {}) {
  auto value = cache::EncodeEntry(header, first, second);
  if (value) batch.encoded.emplace_back(std::move(key), cache::EncodedEntry{header.trust, std::move(*value)});
}

}  // namespace

LmdbAnswerStore::LmdbAnswerStore(cache::LmdbCache& cache, const Clock& clock, cache::TtlBounds bounds,
                                 AnswerStoreStats* stats)
    : cache_(cache), reader_(cache), clock_(clock), bounds_(bounds), stats_(stats) {}

std::optional<CacheEntry> LmdbAnswerStore::PendingEntry(const std::string& key) const {
  if (pending_index_.empty()) return std::nullopt;
  auto it = pending_index_.find(key);
  if (it == pending_index_.end()) return std::nullopt;
  auto entry = cache::DecodeEntry(pending_.encoded[it->second].second.value);
  if (!entry) return std::nullopt;
  return std::move(*entry);
}

std::optional<CacheEntry> LmdbAnswerStore::Usable(const std::string& key, std::optional<CacheEntry> entry, uint64_t now,
                                                  bool stale) const {
  if (!entry || !cache::RemainingTtl(entry->stored, entry->ttl, now)) {
    if (auto waiting = PendingEntry(key)) entry = std::move(waiting);  // Not in LMDB yet, or fresher.
  }
  if (!entry) return std::nullopt;
  if (cache::RemainingTtl(entry->stored, entry->ttl, now)) return entry;
  if (stale && cache::WithinStaleWindow(entry->stored, entry->ttl, now, bounds_)) return entry;
  return std::nullopt;
}

std::optional<Resolution> LmdbAnswerStore::Find(const dns::Question& question, bool stale) {
  if (!Cacheable(question.qtype)) return std::nullopt;
  uint64_t now = static_cast<uint64_t>(clock_.WallSeconds());
  Resolution out;
  dns::Name name = question.qname;
  auto ttl_of = [&](const CacheEntry& e) {
    return stale ? kStaleTtl : cache::RemainingTtl(e.stored, e.ttl, now).value_or(kStaleTtl);
  };
  bool follow_cname = question.qtype != dns::RrType::CNAME;
  for (int hop = 0; hop <= kMaxChain; ++hop) {
    // CACHE_KEY_LAYOUT: the RRset (or NODATA) entry, then NXDOMAIN, then a CNAME to follow; all
    // three keys of the name lie together ('E' + type < 'X'), read with one descent.
    NameEntries found = ReadName(name, question.qtype, follow_cname);
    if (auto e = Usable(found.keys[found.data], std::move(found.entries[found.data]), now, stale)) {
      SetTtl(e->rrsets, ttl_of(*e));
      out.rcode = dns::Rcode::NOERROR;
      out.security = Weakest(out, e->kind == EntryKind::kPositive && !e->rrsets.empty() ? e->rrsets[0].security : e->security);
      auto& section = e->kind == EntryKind::kPositive ? out.answer : out.authority;
      section.insert(section.end(), e->rrsets.begin(), e->rrsets.end());
      return out;
    }
    if (auto e = Usable(found.keys[found.nxdomain], std::move(found.entries[found.nxdomain]), now, stale)) {
      SetTtl(e->rrsets, ttl_of(*e));
      out.rcode = dns::Rcode::NXDOMAIN;
      out.security = Weakest(out, e->security);
      out.authority = std::move(e->rrsets);
      return out;
    }
    if (!follow_cname) return std::nullopt;
    auto e = Usable(found.keys[found.cname], std::move(found.entries[found.cname]), now, stale);
    if (!e || e->kind != EntryKind::kPositive || e->rrsets.empty()) return std::nullopt;
    auto target = CnameTarget(e->rrsets[0]);
    if (!target) return std::nullopt;
    SetTtl(e->rrsets, ttl_of(*e));
    out.security = Weakest(out, e->rrsets[0].security);
    out.answer.push_back(std::move(e->rrsets[0]));
    name = *target;
  }
  return std::nullopt;
}

LmdbAnswerStore::NameEntries LmdbAnswerStore::ReadName(const dns::Name& name, dns::RrType qtype, bool with_cname) {
  NameEntries out;
  size_t count = with_cname ? 3 : 2;
  // Ascending: the two 'E' keys by type, then 'X' (CACHE_KEY_LAYOUT).
  bool cname_first = with_cname && dns::RrType::CNAME < qtype;
  out.cname = cname_first ? 0 : 1;
  out.data = cname_first ? 1 : 0;
  out.nxdomain = count - 1;
  out.keys[out.data] = cache::RRsetKey(name, qtype);
  if (with_cname) out.keys[out.cname] = cache::RRsetKey(name, dns::RrType::CNAME);
  out.keys[out.nxdomain] = cache::NxDomainKey(name);
  reader_.GetSorted(std::span(out.keys.data(), count), std::span(out.entries.data(), count));
  return out;
}

std::optional<Resolution> LmdbAnswerStore::Lookup(const dns::Question& question) {
  auto found = Find(question, false);
  ++(found ? stats_->hits : stats_->misses);
  if (found) TakeQuestionCase(found->answer, question.qname);
  return found;
}

std::optional<Resolution> LmdbAnswerStore::LookupStale(const dns::Question& question) {
  if (bounds_.stale_window == 0) return std::nullopt;
  auto found = Find(question, true);
  if (!found) return std::nullopt;
  ++stats_->stale_served;
  found->ede = dns::EdeCode::kStaleAnswer;  // RFC 8914 section 4.4.
  found->ede_text = "served stale: no upstream answered";
  TakeQuestionCase(found->answer, question.qname);
  return found;
}

void LmdbAnswerStore::AddNegative(const dns::Question& question, const Resolution& resolution,
                                  const dns::Name& final_name, uint64_t now, cache::WriteBatch& batch) {
  auto soa = std::find_if(resolution.authority.begin(), resolution.authority.end(),
                          [](const dns::RRset& s) { return s.type == dns::RrType::SOA; });
  if (soa == resolution.authority.end() || !SoaMinimum(*soa)) return;
  CacheEntry e;
  e.kind = resolution.rcode == dns::Rcode::NXDOMAIN ? EntryKind::kNxDomain : EntryKind::kNoData;
  e.trust = dns::Trust::kAuthorityAuth;
  e.security = resolution.security;  // The proof's verdict, not only the SOA's.
  e.stored = now;
  cache::TtlInputs in = InputsFor(*soa);
  in.received_ttl = cache::NegativeTtl(soa->ttl, *SoaMinimum(*soa));
  in.negative = true;
  e.ttl = cache::TtlOnInsert(in, bounds_, now);
  if (e.ttl == 0) return;
  AddProofs(resolution, *soa, e, now, batch);
  std::string key = resolution.rcode == dns::Rcode::NXDOMAIN ? cache::NxDomainKey(final_name)
                                          : cache::RRsetKey(final_name, question.qtype);
  Put(batch, std::move(key), e, resolution.authority);
}

// CACHE_KEY_LAYOUT: the proofs also go under their zone, for range lookups (RFC 8198), each
// with the SOA (so an answer made from them has one, RFC 2308 section 3) and a TTL no longer
// than the negative entry's nor the record's own (RFC 9077 section 3, RFC 4035 section 5.3.3).
void LmdbAnswerStore::AddProofs(const Resolution& resolution, const dns::RRset& soa,
                                const CacheEntry& negative, uint64_t now, cache::WriteBatch& batch) {
  for (const dns::RRset& proof : resolution.authority) {
    if (!proof.owner.IsSubdomainOf(soa.owner)) continue;
    std::optional<std::string> key;
    if (proof.type == dns::RrType::NSEC) key = cache::NsecKey(soa.owner, proof.owner);
    if (proof.type == dns::RrType::NSEC3 && proof.owner.LabelCount() > 0) {
      auto label = proof.owner.Label(0);
      auto hash = dns::DecodeBase32Hex(std::string_view(reinterpret_cast<const char*>(label.data()), label.size()));
      if (hash) key = cache::Nsec3Key(soa.owner, *hash);
    }
    if (!key) continue;
    cache::TtlInputs in = InputsFor(proof);
    in.negative = true;
    CacheEntry n = negative;  // The header; it has no RRsets.
    n.kind = EntryKind::kPositive;
    n.security = proof.security;
    n.ttl = std::min(negative.ttl, cache::TtlOnInsert(in, bounds_, now));
    if (n.ttl > 0) Put(batch, std::move(*key), n, std::span(&proof, 1), std::span(&soa, 1));
  }
}

std::optional<CachedDenial> LmdbAnswerStore::NsecAtOrBefore(const dns::Name& zone, const dns::Name& name) {
  if (!name.IsSubdomainOf(zone)) return std::nullopt;
  return LiveAtOrBefore(cache::NsecPrefix(zone), cache::NsecKey(zone, name));
}

std::optional<CachedDenial> LmdbAnswerStore::Nsec3AtOrBefore(const dns::Name& zone,
                                                             std::span<const uint8_t> hash) {
  return LiveAtOrBefore(cache::Nsec3Prefix(zone), cache::Nsec3Key(zone, hash));
}

std::optional<CachedDenial> LmdbAnswerStore::LiveAtOrBefore(const std::string& prefix, const std::string& key) {
  auto found = reader_.GetAtOrBefore(prefix, key);
  uint64_t now = static_cast<uint64_t>(clock_.WallSeconds());
  if (!found || found->second.rrsets.empty()) return std::nullopt;
  auto remaining = cache::RemainingTtl(found->second.stored, found->second.ttl, now);
  if (!remaining) return std::nullopt;
  std::vector<dns::RRset>& sets = found->second.rrsets;
  CachedDenial out{std::move(sets[0]), std::nullopt};
  out.record.ttl = *remaining;
  if (sets.size() > 1 && sets[1].type == dns::RrType::SOA) {  // Entries written before the SOA was kept have none.
    out.soa = std::move(sets[1]);
    out.soa->ttl = *remaining;
  }
  return out;
}

void LmdbAnswerStore::Store(const dns::Question& question, const Resolution& resolution) {
  if (!Cacheable(question.qtype) || (resolution.rcode != dns::Rcode::NOERROR && resolution.rcode != dns::Rcode::NXDOMAIN)) return;
  if (resolution.security == dns::Security::kBogus) return;  // Never cached as data.
  uint64_t now = static_cast<uint64_t>(clock_.WallSeconds());
  cache::WriteBatch batch;
  dns::Name final_name = question.qname;
  bool has_data = false;
  for (const dns::RRset& set : resolution.answer) {
    if (set.security == dns::Security::kBogus) continue;
    CacheEntry e;
    e.kind = EntryKind::kPositive;
    e.trust = set.trust == dns::Trust::kNone ? dns::Trust::kAnswerAuth : set.trust;
    e.security = set.security;
    e.stored = now;
    cache::TtlInputs in = InputsFor(set);
    e.ttl = cache::TtlOnInsert(in, bounds_, now);
    e.original_ttl = in.original_ttl.value_or(0);
    e.signature_expiry = in.signature_expiry.value_or(0);
    if (set.owner == final_name && set.type == dns::RrType::CNAME && question.qtype != dns::RrType::CNAME) {
      if (auto target = CnameTarget(set)) final_name = *target;
    }
    if (set.owner == final_name && set.type == question.qtype) has_data = true;
    if (e.ttl > 0) Put(batch, cache::RRsetKey(set.owner, set.type), e, std::span(&set, 1));
  }
  if (!has_data) AddNegative(question, resolution, final_name, now, batch);
  if (batch.empty()) return;
  ++stats_->stored;
  if (!defer_) return cache_.Write(batch, now);
  if (pending_.empty()) pending_generation_ = cache_.generation();
  for (auto& put : batch.encoded) {
    pending_index_[put.first] = pending_.encoded.size();
    pending_.encoded.push_back(std::move(put));
  }
  if (pending_.encoded.size() >= kMaxPending) WritePending();
}

void LmdbAnswerStore::DeferWrites(bool on) {
  if (!on) WritePending();
  defer_ = on;
}

void LmdbAnswerStore::WritePending() {
  if (pending_.empty()) return;
  if (cache_.generation() == pending_generation_) {
    cache_.Write(pending_, static_cast<uint64_t>(clock_.WallSeconds()));
  }
  pending_.encoded.clear();
  pending_index_.clear();
}

}  // namespace redoubt::resolver
