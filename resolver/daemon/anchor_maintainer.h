// RFC 5011 automated trust anchor maintenance in the daemon (`managed-trust-anchors`,
// docs/dnssec.md "RFC 5011 automated trust-anchor rollover"): the managed trust points of the
// configured anchor files, their state files (`PATH.state`, managed_anchor_file.h), the section
// 2.3 refresh schedule, and what each fetched DNSKEY RRset does to them (RefreshTrustPoint,
// resolver/validator/anchor_acceptance.h). It neither fetches nor swaps anything itself: the
// daemon's AnchorRefresher (anchor_refresher.h) asks the workers for the DNSKEY RRsets it names
// as due and hands the anchors it gives to the Reloader when the trusted keys change.
//
// Which anchors a managed zone has (AnchorRecords): the DNSKEY records of its trusted keys
// (RFC 5011 section 4.2: Valid and Missing), or, for a zone configured by DS records and never
// fetched yet, those DS records. They replace every other anchor of that zone (the built-in
// root anchors, `trust-anchors` files): a static anchor beside a managed one would keep trusting
// a key after its revocation.
//
// Thread-safe: the main thread drives it, the control channel describes it.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "net/base/result.h"
#include "net/dns/name.h"
#include "net/dns/record.h"
#include "net/dns/rrset.h"
#include "resolver/daemon/live_settings.h"
#include "resolver/query/validation_budget.h"
#include "resolver/validator/anchor_maintenance.h"

namespace redoubt::resolver {

// One managed key or DS seed, for people (redoubt-control trust-anchors).
struct ManagedKeyReport {
  dns::Name zone;
  std::string form;        // "DNSKEY", or "DS" for a seed not yet confirmed by a fetch.
  uint16_t key_tag = 0;    // RFC 4034 appendix B (a revoked key's tag includes the bit).
  uint8_t algorithm = 0;   // RFC 4034 appendix A.1.
  uint16_t flags = 0;      // DNSKEY flags (257 a KSK, 385 a revoked KSK); 0 for DS.
  std::string state;       // "Valid", "AddPend: trusted from 2027-01-02T03:04:05Z if still published", ...
  bool trusted = false;    // Validates the zone now (RFC 5011 section 4.2: Valid or Missing).
};

// What one fetch did (OnFetched).
enum class RefreshResult : uint8_t {
  kValidated,  // Signed by a trusted key (or the DS seed) and applied (RFC 5011 section 2.2).
  kRefused,    // A DNSKEY RRset came that no trusted key signed, or an older one (a replay).
  kFailed,     // No DNSKEY RRset came.
};
struct RefreshReport {
  RefreshResult result = RefreshResult::kFailed;
  bool trust_changed = false;     // The zone's trusted keys differ: swap the anchor store.
  std::vector<std::string> info;  // Key transitions, a seeded trust point.
  std::vector<std::string> warnings;  // Refused or failed fetch, a state file not written.
};

class AnchorMaintainer {
 public:
  // Loads the managed trust points of `files` (managed-trust-anchors) at wall-clock `now`: each
  // file's DS and DNSKEY records (the trust-anchors syntax), grouped by zone, and the state kept
  // in PATH.state when that exists (a zone of the state file that the anchor file no longer
  // names is dropped, with a warning in `dropped`). A zone without state starts from its
  // DNSKEY records (each SEP key Valid now, RFC 5011 section 1) or, with DS records only, from
  // the DS until the first DNSKEY RRset they validate (TrustPointFromDs). Errors name the file
  // (and line): an unreadable or malformed file, a zone in two files, a state whose trust point
  // has no trusted key left (fails closed: delete the state file to start again from PATH).
  // Every trust point is due for a fetch at once.
  static Result<std::unique_ptr<AnchorMaintainer>, std::string> Load(const std::vector<std::string>& files,
                                                                     int64_t now, ValidationLimits limits,
                                                                     std::vector<std::string>* dropped = nullptr);

  // The managed zones and their anchors now.
  ManagedAnchors Anchors() const;
  // Writes every file's state (PATH.state, atomically); the first error names the file. The
  // daemon calls it at start-up, as the user it runs as, so that a directory it cannot write
  // fails the start instead of the first key change.
  Result<void, std::string> SaveAll() const;

  // The zones whose DNSKEY RRset is due for a fetch at `now` and not being fetched; each is
  // marked as being fetched until OnFetched.
  std::vector<dns::Name> TakeDue(int64_t now);
  // The outcome of the fetch of `zone`'s DNSKEY RRset at `now`: the RRset with its RRSIGs, or
  // nullopt when the fetch brought none (timeout, SERVFAIL, no such set; `why` says which).
  // Applies RefreshTrustPoint (seeding a DS trust point first), writes the file's state when
  // it changed, and schedules the next fetch (RFC 5011 section 2.3: the query interval after
  // a validated set, the retry time otherwise).
  RefreshReport OnFetched(const dns::Name& zone, const std::optional<dns::RRset>& dnskeys, int64_t now,
                          const std::string& why = "");

  // Every managed key and DS seed, by zone, for the control channel; `now` dates the hold-downs.
  std::vector<ManagedKeyReport> Describe(int64_t now) const;
  // When `zone` is next due (wall clock seconds); 0 for an unknown zone.
  int64_t NextRefresh(const dns::Name& zone) const;

 private:
  struct Point {
    size_t file = 0;  // Index in files_.
    dns::Name zone;
    std::optional<TrustPointState> state;  // Nullopt: a DS seed never confirmed.
    std::vector<dns::Record> seed;         // The anchor file's records of the zone.
    int64_t next_refresh = 0;
    bool fetching = false;
  };

  AnchorMaintainer(std::vector<std::string> files, ValidationLimits limits)
      : files_(std::move(files)), limits_(limits) {}
  Point* Find(const dns::Name& zone);
  const Point* Find(const dns::Name& zone) const;
  // A DS seed confirmed by `dnskeys`, or a warning why not.
  bool SeedFromDs(Point& point, const dns::RRset& dnskeys, int64_t now, RefreshReport& report);
  Result<void, std::string> SaveFile(size_t file) const;  // mutex_ held.

  const std::vector<std::string> files_;
  const ValidationLimits limits_;
  mutable std::mutex mutex_;
  std::vector<Point> points_;  // Guarded by mutex_.
};

}  // namespace redoubt::resolver
