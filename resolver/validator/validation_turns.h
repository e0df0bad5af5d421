// Taking turns with the rest of the worker: after every few signature verifications the
// validator yields to the loop (RequestWork::yielder), so a flood of answers that are expensive
// to validate (KeyTrap, security.md B3: "yield after N verifications") does not hold up cheap
// work on the same worker, such as cache hits.
#pragma once

#include <cstdint>

#include "net/base/task.h"
#include "resolver/query/request_context.h"

namespace redoubt::resolver {

// Verifications between two turns of the loop (Unbound's MAX_VALIDATE_AT_ONCE is 8).
inline constexpr uint32_t kChecksBetweenYields = 8;

// Yields when the request has made kChecksBetweenYields verifications since it last did, and
// the context has a yielder; returns at once otherwise.
inline Task<void> YieldIfDue(const RequestContext& context) {
  Yielder* yielder = context.work().yielder;
  if (yielder != nullptr && context.validation().YieldDue(kChecksBetweenYields)) {
    co_await yielder->Yield();
  }
}

}  // namespace redoubt::resolver
