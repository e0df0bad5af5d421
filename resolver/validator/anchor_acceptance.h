// Whether an observed DNSKEY RRset of a managed trust point may move its keys (RFC 5011 sections
// 2.1 and 2.2), with the validator's own signature checks (rrset_verifier.h): nothing here
// verifies a signature by itself. Pure: the RRset is already fetched, the time is passed in.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "net/dns/rdata.h"
#include "net/dns/rrset.h"
#include "resolver/query/validation_budget.h"
#include "resolver/validator/anchor_maintenance.h"
#include "resolver/validator/rrset_verifier.h"

namespace redoubt::resolver {

// Judges `dnskeys` (the DNSKEY RRset of state.zone with its RRSIGs) at `now`:
//   validated: RFC 5011 section 2.2, "validated by a trusted key": some key of `state` that is
//     Valid or Missing is present in the set, unrevoked, with the Zone Key flag, and signs the
//     set within its validity window (VerifyKeySet, RFC 4035 section 5.2; so an AddPend key or
//     a key outside the state never counts);
//   self_signed_revoked: RFC 5011 section 2.1, every key of the set with the REVOKE bit that
//     signs the set itself (VerifyRRset with that key alone), whether validated or not;
//   inception, original_ttl, expiry_interval: of the trusted key's RRSIG that validated the set
//     (the newest that verifies; at most signatures_per_rrset are tried). Only a verified
//     signature's fields are believed: a forged RRSIG must not stretch the hold-down.
// A set whose `inception` is older (RFC 1982 serial order) than state.last_inception is not
// validated: an older signed set replayed, say to make a pending key look withdrawn and restart
// its hold-down, changes nothing (redoubt's rule).
// Every signature check is charged to `budget` (design guide section 6); an exhausted budget
// leaves the set not validated. Never throws; malformed RDATA is skipped.
Acceptance CheckDnskeyObservation(const TrustPointState& state, const dns::RRset& dnskeys,
                                  int64_t now, const VerifyLimits& limits,
                                  ValidationBudget& budget);

// One refresh of a managed trust point, what the daemon calls with each fetched DNSKEY RRset:
// CheckDnskeyObservation, then ApplyObservation with the validating RRSIG's original TTL, then
// the time of the next fetch (RFC 5011 section 2.3): now + QueryInterval(original TTL, its
// expiry interval) when the set validated, now + RetryTime(the set's TTL, 0) (one hour) when
// it did not. After a fetch that brought no RRset at all (timeout, SERVFAIL) the caller
// waits RetryTime of the values it last had (RetryTime(0, 0), one hour, when it has none).
struct RefreshOutcome {
  MaintenanceResult result;
  bool validated = false;
  int64_t next_refresh = 0;  // Wall-clock seconds.
};
RefreshOutcome RefreshTrustPoint(const TrustPointState& state, const dns::RRset& dnskeys,
                                 int64_t now, const VerifyLimits& limits, ValidationBudget& budget);

// A managed trust point from DS anchors (RFC 5011 manages DNSKEYs; the built-in root anchors
// are DS): when `ds` validates `dnskeys` (RFC 4035 section 5.2, VerifyKeySet), the set's
// unrevoked SEP keys that a DS names start Valid at `now`; nullopt when the set does not
// validate or no DS names a SEP key. The set's other SEP keys are left to the next
// RefreshTrustPoint (with the same set they go AddPend).
std::optional<TrustPointState> TrustPointFromDs(const dns::Name& zone,
                                                std::span<const dns::rdata::DS> ds,
                                                const dns::RRset& dnskeys, int64_t now,
                                                const VerifyLimits& limits,
                                                ValidationBudget& budget);

}  // namespace redoubt::resolver
