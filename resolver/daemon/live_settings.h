// What the daemon runs with now (issue #16, reload): the configuration, the root hints and the
// trust anchor store. Start-up fills it, a reload replaces it whole, and other threads (the
// control channel) read consistent snapshots. The query path never reads it: each worker's
// engine holds its own shared pointers to the configuration and anchors it was built from.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "net/dns/record.h"
#include "resolver/config/config.h"
#include "resolver/iterator/delegation_cache.h"
#include "resolver/validator/trust_anchor_store.h"

namespace redoubt::resolver {

// The anchors RFC 5011 maintenance keeps (resolver/daemon/anchor_maintainer.h): the zones it
// manages and their DNSKEY (or, before the first fetch, DS) records, which replace every other
// DS and DNSKEY anchor of those zones.
struct ManagedAnchors {
  std::vector<dns::Name> zones;
  std::vector<dns::Record> records;
};

// One generation of settings; never null once published. `config_path` is the file they were
// read from ("": the built-in defaults, which a reload cannot re-read).
struct LiveSettings {
  std::string config_path;
  std::shared_ptr<const Config> config;
  std::shared_ptr<const Delegation> root_hints;
  std::shared_ptr<const TrustAnchorStore> anchors;
  // The records `anchors` was built from before managed anchors replaced theirs (the root's,
  // trust-anchors and legacy-trust-anchors files): what a change of managed keys rebuilds from.
  std::shared_ptr<const std::vector<dns::Record>> static_anchors;
};

// A mutex-guarded LiveSettings. Thread-safe; Snapshot() copies three shared pointers, so a
// reader keeps a whole generation alive for as long as it holds the copy.
class LiveState {
 public:
  explicit LiveState(LiveSettings initial) : current_(std::move(initial)) {}
  LiveState(const LiveState&) = delete;
  LiveState& operator=(const LiveState&) = delete;

  LiveSettings Snapshot() const {
    std::lock_guard lock(mutex_);
    return current_;
  }
  // Publishes `next` (every pointer set); readers see it from their next Snapshot().
  void Replace(LiveSettings next) {
    std::lock_guard lock(mutex_);
    current_ = std::move(next);
  }

 private:
  mutable std::mutex mutex_;
  LiveSettings current_;  // Guarded by mutex_.
};

}  // namespace redoubt::resolver
