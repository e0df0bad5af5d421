// QNAME minimisation (RFC 9156): ask each zone only for the next label below its cut, so no
// server learns more of the name than it needs. Pure decisions; the iterator drives them.
#pragma once

#include <cstdint>

#include "net/dns/name.h"
#include "net/dns/types.h"

namespace redoubt::resolver {

struct MinimisationLimits {
  uint32_t max_steps = 10;       // MAX_MINIMISE_COUNT (RFC 9156 section 2.3).
  uint32_t one_label_steps = 4;  // MINIMISE_ONE_LAB: the first steps add one label each.
};

// The question to ask next while minimising.
struct MinimisedQuestion {
  dns::Name qname;
  dns::RrType qtype = dns::RrType::A;
  bool complete = false;  // True when this is the full question: minimisation is over.
};

// The next question for `qname`/`qtype`, given `known`: the longest ancestor of qname known so
// far (the zone cut at first, then the last minimised name that existed or was delegated), and
// `steps` minimised questions already asked for this name (RFC 9156 section 2.3, CHILD and
// the iteration count): one label at a time for the
// first one_label_steps, then several labels at once so that no more than max_steps minimised
// questions are needed. Minimised questions use QTYPE A (RFC 9156 section 2.1: NS triggers
// broken server behaviour); a DS question is never minimised past its parent, since DS lives
// in the parent zone (RFC 4035 section 3.1.4.1).
MinimisedQuestion NextMinimisedQuestion(const dns::Name& qname, dns::RrType qtype,
                                        const dns::Name& known, uint32_t steps,
                                        const MinimisationLimits& limits = {});

// What to do after the reply to a minimised (incomplete) question.
enum class MinimisationStep : uint8_t {
  kContinue,      // The name exists (NODATA or data) or a referral moved the cut: next step.
  kAskFullName,   // Relaxed mode: stop minimising, ask the full question (RFC 9156 section 3).
  kNxDomain,      // Strict mode: NXDOMAIN for an ancestor means NXDOMAIN (RFC 8020).
};

// kind: whether the reply was usable (NOERROR/referral), NXDOMAIN, or an error/lame server or a
// CNAME/DNAME at the minimised name (neither of which says anything about the full name).
enum class MinimisedOutcome : uint8_t { kExists, kNxDomain, kUnexpected };

MinimisationStep AfterMinimisedReply(MinimisedOutcome outcome, bool relaxed) noexcept;

}  // namespace redoubt::resolver
