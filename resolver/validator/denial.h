// Authenticated denial of existence: the shared vocabulary of the NSEC (RFC 4035 section 5.4),
// NSEC3 (RFC 5155 section 8) and legacy NXT (RFC 2535 section 5) proofs in nsec_denial.h,
// nsec3_denial.h and nxt_denial.h.
//
// The proofs are pure functions over RRsets whose signatures the caller has already verified
// with the keys of `zone` (the signer name). They decide only what those records prove: nothing
// here does I/O, throws, or trusts a record that does not decode (such a record is ignored).
// The attacks they stop are replays of real, signed records out of context: records of another
// zone, the parent side of a cut speaking for the child, the child apex speaking for the parent's
// DS, a covering record that does not cover, a wildcard that exists, and NSEC3 hashing used to
// burn CPU (CVE-2023-50868).
#pragma once

#include <cstdint>
#include <string_view>

#include "net/dns/name.h"
#include "net/dns/rdata/fields.h"
#include "net/dns/types.h"

namespace redoubt::resolver {

// The outcome of one denial proof.
enum class DenialResult : uint8_t {
  kProven,             // The records prove the claim: the answer is secure.
  kOptOut,             // NSEC3 only: proven only up to an Opt-Out span (RFC 5155 sections 6,
                       // 8.6, 9.2): the answer is insecure, not secure.
  kNotProven,          // Missing or wrong records: bogus (EDE 12 "NSEC Missing").
  kIterationsTooHigh,  // NSEC3 iterations above limits.nsec3_iterations (RFC 9276 section 3.2):
                       // insecure, EDE 27. No hash was computed.
  kBudgetExhausted,    // The budget's NSEC3 hash allowance ran out (CVE-2023-50868): bogus.
};

// What the denial of "name DS" says about a zone cut at `name` (RFC 4035 section 5.2,
// RFC 5155 section 8.9).
enum class DsDenial : uint8_t {
  kNotProven,           // Nothing usable: bogus.
  kInsecureDelegation,  // A cut without DS: NS bit set, DS and SOA bits clear; or an NSEC3
                        // Opt-Out span covers the name (RFC 5155 sections 8.6, 9.2).
  kNotADelegation,      // The name exists in `zone` without NS (also an empty non-terminal or
                        // a wildcard match): there is no zone cut at it.
  kNoSuchName,          // The name does not exist (a full NXDOMAIN proof).
  kIterationsTooHigh,   // As DenialResult::kIterationsTooHigh.
  kBudgetExhausted,     // As DenialResult::kBudgetExhausted.
};

// Stable lowercase names for logs and test messages ("proven", "opt-out", ...).
std::string_view DenialResultName(DenialResult result) noexcept;
std::string_view DsDenialName(DsDenial result) noexcept;

// RFC 4035 section 5.4 and RFC 6840 section 4.1 (NSEC), RFC 5155 section 8.3 (NSEC3): a record
// with NS but not SOA is the parent side of a zone cut, and a DNAME owner redirects everything
// below it; either way the zone's denial records prove nothing about names below the owner.
bool BlocksNamesBelow(const dns::TypeBitmap& types) noexcept;

// RFC 4035 section 5.4, RFC 5155 sections 8.5-8.7: whether the bitmap of the NSEC/NSEC3
// matching `owner` proves that `owner` has no `qtype` data: neither qtype nor CNAME is present;
// for DS, not the child apex (SOA present, unless owner is the root, which has no parent); for
// any other type, not the parent side of a cut (NS without SOA), where the parent is
// authoritative only for `parent_type` and the denial record itself (whose own bit is always
// set). `parent_type` is DS for NSEC and NSEC3; for NXT it is KEY (RFC 2535 sections 2.3.4 and
// 5.2, dnssec-legacy.md section 3.3: the parent holds the child's KEY at the delegation point).
bool BitmapDeniesType(const dns::TypeBitmap& types, dns::RrType qtype, const dns::Name& owner,
                      dns::RrType parent_type = dns::RrType::DS) noexcept;

}  // namespace redoubt::resolver
