// The seam between resolution and storage. The iterator asks the store before resolving a
// client's question and hands it every result; it never knows how or whether results are kept.
// resolver/cache_store/lmdb_answer_store.h implements it over the LMDB cache; NoAnswerStore
// keeps nothing (tests, and the daemon with the cache disabled).
#pragma once

#include <cstdint>
#include <optional>
#include <span>

#include "net/dns/message_view.h"
#include "resolver/query/resolution.h"

namespace redoubt::resolver {

// A cached NSEC or NSEC3 RRset, found by a range lookup for aggressive use of the cache
// (RFC 8198), with the SOA of the negative answer it came in (RFC 2308 section 3). Both carry
// the entry's remaining TTL, min(SOA TTL, SOA MINIMUM, the record's own TTL) counted down
// (RFC 9077 section 3), and the security status judged when they were stored.
struct CachedDenial {
  dns::RRset record;
  std::optional<dns::RRset> soa;
};

class AnswerStore {
 public:
  virtual ~AnswerStore() = default;
  // A stored result for `question` with its TTLs counted down, or nothing.
  virtual std::optional<Resolution> Lookup(const dns::Question& question) = 0;
  // An expired result still inside the serve-stale window (RFC 8767), for when resolution
  // failed; nothing by default.
  virtual std::optional<Resolution> LookupStale(const dns::Question&) { return std::nullopt; }
  // Offers a fresh result; the store decides what to keep (RFC 2181 section 5.4.1 ranks,
  // RFC 2308 negative TTLs).
  virtual void Store(const dns::Question& question, const Resolution& resolution) = 0;
  // The live NSEC of `zone` whose owner is `name` or the closest before it in canonical order
  // (RFC 4034 section 6.1), so the one that matches or may cover `name` (RFC 8198 section
  // 5.1). Only the validator may use it, and only once it has checked the status. Nothing by
  // default (a store without the index).
  virtual std::optional<CachedDenial> NsecAtOrBefore(const dns::Name& /*zone*/, const dns::Name& /*name*/) {
    return std::nullopt;
  }
  // The same for NSEC3 (RFC 5155 section 8.3): the live NSEC3 of `zone` whose owner hash is
  // `hash` or the closest below it in octet order. Nothing by default.
  virtual std::optional<CachedDenial> Nsec3AtOrBefore(const dns::Name& /*zone*/,
                                                      std::span<const uint8_t> /*hash*/) {
    return std::nullopt;
  }
  // Deferred writes (a store that writes in batches): with `on`, stored results may wait for
  // WritePending(), which the owner calls at the end of each loop turn; off writes what waits
  // and stores at once from then on. Lookups see waiting results. No-ops by default.
  virtual void DeferWrites(bool /*on*/) {}
  virtual void WritePending() {}
};

// Keeps nothing.
class NoAnswerStore final : public AnswerStore {
 public:
  std::optional<Resolution> Lookup(const dns::Question&) override { return std::nullopt; }
  void Store(const dns::Question&, const Resolution&) override {}
};

}  // namespace redoubt::resolver
