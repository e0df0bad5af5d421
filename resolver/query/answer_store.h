// The seam between resolution and storage. The iterator asks the store before resolving a
// client's question and hands it every result; it never knows how or whether results are kept.
// resolver/cache_store/lmdb_answer_store.h implements it over the LMDB cache; NoAnswerStore
// keeps nothing (tests, and the daemon with the cache disabled).
#pragma once

#include <optional>

#include "net/dns/message_view.h"
#include "resolver/query/resolution.h"

namespace redoubt::resolver {

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
};

// Keeps nothing.
class NoAnswerStore final : public AnswerStore {
 public:
  std::optional<Resolution> Lookup(const dns::Question&) override { return std::nullopt; }
  void Store(const dns::Question&, const Resolution&) override {}
};

}  // namespace redoubt::resolver
