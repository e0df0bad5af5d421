// Negative trust anchors added while the daemon runs (RFC 7646; `redoubt-control nta add`),
// beside the configured ones (TrustAnchorStore). RFC 7646 section 2 asks that an NTA be
// temporary: each has a lifetime (control_request.h: default one hour, at most one week, as
// BIND's `rndc nta`), and
// disappears when it ends. The set is kept in a small text file so that it survives restarts
// until each lifetime ends (the cache holds answers marked insecure under them); the file is the
// daemon's business (resolver/daemon/negative_anchor_file.h), the text form is this class's.
//
// Thread safety: the workers' validators call Covers() on the query path; it reads an immutable
// snapshot (an atomic shared_ptr) and takes no lock. Add, Remove and TakeExpired come from the
// control thread and the main thread; they are serialised by a mutex and publish a new snapshot.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "net/base/result.h"
#include "net/dns/name.h"

namespace redoubt::resolver {

inline constexpr size_t kMaxRuntimeNegativeAnchors = 1000;

struct RuntimeNegativeAnchor {
  dns::Name zone;
  int64_t expires = 0;  // Wall-clock seconds since the epoch.
};

class RuntimeNegativeAnchors {
 public:
  // `now`: wall-clock seconds (a test's clock, or the real one).
  explicit RuntimeNegativeAnchors(std::function<int64_t()> now);

  // Adds `zone` until now + lifetime, or moves the end of an existing one. False when the set
  // holds kMaxRuntimeNegativeAnchors zones already.
  bool Add(const dns::Name& zone, uint32_t lifetime_seconds);
  // Removes `zone`; false when it was not there.
  bool Remove(const dns::Name& zone);
  // The live anchors, in canonical order (RFC 4034 section 6.1).
  std::vector<RuntimeNegativeAnchor> List() const;
  // True when a live anchor is `name` or an ancestor of it. Lock-free; the query path's call.
  bool Covers(const dns::Name& name) const;
  // Removes the anchors whose lifetime ended and returns their zones (the caller flushes what
  // was cached under them).
  std::vector<dns::Name> TakeExpired();

  // The state as text: a header line, then "ZONE EXPIRES" per anchor (the daemon keeps it in
  // a file: resolver/daemon/negative_anchor_file.h).
  std::string Serialize() const;
  // Replaces the set with the anchors of `text` (Serialize's form), expired ones included
  // (TakeExpired then drops them, so their subtrees get flushed). A malformed line fails with
  // "WHERE:LINE: reason" and leaves the set empty.
  Result<void, std::string> Restore(std::string_view text, const std::string& where);

 private:
  using Snapshot = std::vector<RuntimeNegativeAnchor>;
  void Publish(Snapshot anchors);  // Call with mutex_ held.

  std::function<int64_t()> now_;
  mutable std::mutex mutex_;
  std::atomic<std::shared_ptr<const Snapshot>> snapshot_;
  std::atomic<size_t> count_{0};  // The query path's shortcut: zero means nothing to look at.
};

}  // namespace redoubt::resolver
