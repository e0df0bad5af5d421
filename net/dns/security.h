// Trust ranks and security status of cached and validated data.
#pragma once

#include <cstdint>
#include <string_view>

namespace redoubt::dns {

// RFC 2181 section 5.4.1 credibility ranking, lowest first. Data of a lower rank never replaces
// data of a higher rank in the cache. Unbound's rrset_trust is the model.
enum class Trust : uint8_t {
  kNone = 0,
  kAdditional,            // Additional section of a non-authoritative answer.
  kAuthorityNonAuth,      // Authority section of a non-authoritative answer (referral NS).
  kGlue,                  // Glue from a referral.
  kAdditionalAuth,        // Additional section of an authoritative answer.
  kAnswerNonAuth,         // Answer section of a non-authoritative answer.
  kAuthorityAuth,         // Authority section of an authoritative answer.
  kAnswerAuth,            // Answer section of an authoritative answer (excluding glue).
  kPrimeRoot,             // Root NS from priming (RFC 8109).
  kValidated,             // Validated as Secure by DNSSEC (RFC 4035 section 4.3).
  kConfigured,            // Local data and trust anchors from the configuration.
};

// True when `incoming` may replace cached data of rank `cached` (RFC 2181 section 5.4.1).
constexpr bool MayReplace(Trust cached, Trust incoming) noexcept { return incoming >= cached; }

// DNSSEC security status (RFC 4033 section 5, RFC 4035 section 4.3).
enum class Security : uint8_t {
  kIndeterminate = 0,  // Not (yet) validated.
  kInsecure,           // Provably unsigned: below an insecure delegation.
  kBogus,              // Validation failed.
  kSecure,             // A chain of trust from an anchor validates it.
};

// The weaker of two statuses, in the order Bogus < Indeterminate < Insecure < Secure: an answer
// made of several parts is as strong as its weakest part (RFC 4035 section 4.3).
constexpr Security Weaker(Security a, Security b) noexcept {
  auto strength = [](Security s) {
    switch (s) {
      case Security::kBogus: return 0;
      case Security::kIndeterminate: return 1;
      case Security::kInsecure: return 2;
      case Security::kSecure: return 3;
    }
    return 0;
  };
  return strength(b) < strength(a) ? b : a;
}

constexpr std::string_view SecurityName(Security s) noexcept {
  switch (s) {
    case Security::kIndeterminate: return "indeterminate";
    case Security::kInsecure: return "insecure";
    case Security::kBogus: return "bogus";
    case Security::kSecure: return "secure";
  }
  return "invalid";
}

}  // namespace redoubt::dns
