// The validation work one client request may cause, after KeyTrap and NSEC3-encloser attacks
// (CVE-2023-50387, CVE-2023-50868; security.md section 5). The validator spends it through
// every DNSSEC entry point; an exhausted budget makes the answer Bogus with EDE 0 ("validation
// budget exhausted"), never a long stall. Defaults follow security.md section 5 (Knot, Unbound,
// BIND 9.18.24, RFC 9276): 32 checks per request, 8 per RRset, 4 keys per tag, NSEC3 iterations
// above 50 insecure.
#pragma once

#include <cstdint>

namespace redoubt::resolver {

struct ValidationLimits {
  uint32_t signature_checks = 32;      // Signature verifications for the whole request
                                       // (Knot 32, PowerDNS 30).
  uint32_t signatures_per_rrset = 8;   // Verifications for one RRset (Unbound 8).
  uint32_t key_tag_collisions = 4;     // DNSKEYs tried for one RRSIG key tag (RFC 4034 B).
  uint32_t nsec3_hashes = 150;         // NSEC3 hash computations (CVE-2023-50868).
  uint32_t nsec3_iterations = 50;      // Above this an NSEC3 proof is treated as insecure
                                       // (RFC 9276 section 3.2, EDE 27).
};

// Counts validation work against ValidationLimits. Try* returns false once a limit is reached.
class ValidationBudget {
 public:
  explicit ValidationBudget(const ValidationLimits& limits = {}) : limits_(limits) {}
  bool TrySignatureCheck() noexcept { return Count(signature_checks_, limits_.signature_checks); }
  bool TryNsec3Hash() noexcept { return Count(nsec3_hashes_, limits_.nsec3_hashes); }
  bool exhausted() const noexcept { return exhausted_; }
  uint32_t signature_checks() const noexcept { return signature_checks_; }
  // True once `every` verifications have been made since it last returned true: time for the
  // validator to yield to the loop (security.md B3 "yield after N verifications").
  bool YieldDue(uint32_t every) noexcept {
    if (signature_checks_ - checks_at_yield_ < every) return false;
    checks_at_yield_ = signature_checks_;
    return true;
  }
  const ValidationLimits& limits() const noexcept { return limits_; }

 private:
  bool Count(uint32_t& used, uint32_t limit) noexcept {
    if (used >= limit) {
      exhausted_ = true;
      return false;
    }
    ++used;
    return true;
  }
  ValidationLimits limits_;
  uint32_t signature_checks_ = 0, nsec3_hashes_ = 0, checks_at_yield_ = 0;
  bool exhausted_ = false;
};

}  // namespace redoubt::resolver
