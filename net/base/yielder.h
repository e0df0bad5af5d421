// Letting other work run in the middle of a long computation on an event loop. The validator
// yields after every few signature verifications, so a flood of expensive answers (KeyTrap,
// CVE-2023-50387; security.md B3 "yield after N verifications") cannot hold up the cheap ones
// waiting on the same worker, such as cache hits.
#pragma once

#include "net/base/task.h"

namespace redoubt {

class Yielder {
 public:
  virtual ~Yielder() = default;
  // Suspends the caller until the loop has had a turn at other work; resumes it on the loop's
  // thread. Returns at once when the loop is shutting down.
  virtual Task<void> Yield() = 0;
};

}  // namespace redoubt
