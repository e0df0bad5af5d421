// Judging a query step: each "expect" line against the reply the Responder sent (header flags
// and RCODE of RFC 1035 section 4.1.1 with AD and CD of RFC 4035 section 3.2, the Extended DNS
// Error of RFC 8914, the sections' records) and the upstream questions the step caused; and the
// reply as text for the failure message.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "tests/scenarios/scenario.h"

namespace redoubt::resolver::scenario {

// What one query step produced.
struct Outcome {
  std::vector<uint8_t> reply;         // Empty when the responder sent nothing.
  std::vector<std::string> upstream;  // The questions sent upstream meanwhile, "address qname TYPE".
};

// Nothing when `expectation` holds for `outcome`; otherwise what was found instead.
std::optional<std::string> Check(const Expectation& expectation, const Outcome& outcome);

// The reply in the manner of dig (header, EDE, sections, one record a line) and the upstream
// questions.
std::string Describe(const Outcome& outcome);

}  // namespace redoubt::resolver::scenario
