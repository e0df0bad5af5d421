// Keeping mirrored zones (docs/mirror.md): a thread of its own with its own libuv loop, apart
// from the workers, that for each `mirror-zones` entry
//   - at start, publishes the copy kept in LMDB (cache::ZoneStore) when it is still within its
//     SOA EXPIRE, so answers come from it from the first query, even with the primaries down;
//   - refreshes it at once and then every SOA REFRESH (RETRY after a failure; RFC 1035 section
//     4.3.5, RFC 1996 section 2): IXFR from the copy's serial (RFC 1995), AXFR when there is no
//     copy, the primary answers the IXFR with a newer single SOA, or the IXFR fails; every
//     request and message signed and checked with the zone's TSIG key (RFC 8945 section
//     5.3.1); primaries asked in their configured order;
//   - replaces the live copy (MirrorSet::Publish) and the stored one only with a transfer that
//     passed every check and builds a valid zone (MirrorZone::Build): a bad transfer never
//     replaces the good copy;
//   - withdraws the copy once EXPIRE seconds pass without a successful refresh, so the
//     workers resolve the zone from the network again.
#pragma once

#include <uv.h>

#include <atomic>
#include <functional>
#include <memory>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

#include "cache/zone_store.h"
#include "crypto/tsig.h"
#include "net/base/clock.h"
#include "net/base/counter.h"
#include "net/base/task.h"
#include "resolver/config/config.h"
#include "resolver/mirror/mirror_set.h"

namespace redoubt::resolver {

struct MirrorStats {
  Counter full_transfers;         // AXFR (or IXFR answered AXFR-style) copies taken.
  Counter incremental_transfers;  // IXFR differences applied.
  Counter up_to_date;             // Refreshes that found the serial unchanged.
  Counter failures;               // Transfers refused, failed, or not a valid zone.
  Counter expired;                // Copies withdrawn at EXPIRE.
};

struct MirrorServiceOptions {
  std::vector<MirrorZoneConfig> zones;
  std::vector<crypto::TsigKey> keys;  // The keys the zones name (Config::tsig_keys).
  std::string directory;              // The zone store's LMDB environment.
  std::function<void(const std::string&)> log;
  uint32_t min_wait_s = 1;            // Floor of REFRESH and RETRY (a zone saying 0).
  uint32_t max_wait_s = 86400;        // Ceiling of REFRESH and RETRY.
};

class MirrorService {
 public:
  // `set` and `clock` must outlive the service; `set` has a slot for every zone of `options`.
  MirrorService(MirrorSet& set, MirrorServiceOptions options, const Clock& clock);
  ~MirrorService();
  MirrorService(const MirrorService&) = delete;
  MirrorService& operator=(const MirrorService&) = delete;

  // Opens the zone store, publishes the stored copies still within EXPIRE, and starts the
  // thread. Fails (with the reason) only when the store cannot be opened.
  Result<void, std::string> Start();
  // Ends transfers in flight and joins the thread. Idempotent.
  void Stop();
  // Asks for a refresh of `zone` now (NOTIFY, RFC 1996 section 3.7; the control socket):
  // thread-safe; ignored for a zone that is not mirrored.
  void RefreshNow(const dns::Name& zone);

  const MirrorStats& stats() const noexcept { return stats_; }

  struct Slot;  // One zone's state (internal).

 private:
  Task<void> KeepZone(Slot& slot);
  Task<bool> RefreshOnce(Slot& slot);
  Task<bool> TransferFrom(Slot& slot, const Endpoint& primary, dns::RrType type);
  bool Adopt(Slot& slot, std::vector<dns::Record> records, const std::string& how);
  void WithdrawIfExpired(Slot& slot);
  Task<void> WaitUntil(Slot& slot, int64_t when);
  void Log(const std::string& line) const;

  MirrorSet& set_;
  MirrorServiceOptions options_;
  const Clock& clock_;
  MirrorStats stats_;
  std::unique_ptr<cache::ZoneStore> store_;
  std::vector<std::unique_ptr<Slot>> slots_;
  uv_loop_t loop_{};
  uv_async_t stop_async_{};
  std::stop_source stopping_;
  std::atomic<bool> stop_requested_{false};
  std::thread thread_;
  bool started_ = false;
};

}  // namespace redoubt::resolver
