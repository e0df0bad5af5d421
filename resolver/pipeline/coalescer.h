// The pipeline's coalescing stage (security.md section 5; BIND's clients-per-query, Unbound's
// mesh): a client question identical to one already being resolved on this worker waits for
// that resolution instead of sending its own queries. Identical means the same name (case
// aside), type and class and the same DO and CD bits, since those change the answer
// (RFC 4035 section 3.2). At most `max_waiters` wait on one question; more resolve on their own.
// Sub-resolutions are never coalesced: two requests each waiting on the other's sub-question
// would wait for ever (Unbound detects such cycles in its mesh; not coalescing them is simpler).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "net/base/task.h"
#include "net/base/wait_list.h"
#include "resolver/query/request_context.h"
#include "resolver/query/resolution.h"

namespace redoubt::resolver {

class Coalescer {
 public:
  explicit Coalescer(uint32_t max_waiters) : max_waiters_(max_waiters) {}

  struct Entry {
    WaitList waiters;  // Cancellable: a waiter whose request stops leaves the list.
    std::optional<Resolution> result;
  };

  // The key for `context`'s question and flags.
  static std::string KeyFor(const RequestContext& context);

  // The in-flight entry for `key` with room for one more waiter, or null.
  std::shared_ptr<Entry> Joinable(const std::string& key) const;
  // Registers a new resolution of `key` (replacing none: the caller found nothing joinable or
  // a full entry, whose waiters still get their result through their own shared_ptr).
  std::shared_ptr<Entry> Begin(const std::string& key);
  // Hands `result` to every waiter of `entry` and forgets `key` if it still maps to it.
  void Finish(const std::string& key, const std::shared_ptr<Entry>& entry, const Resolution& result);

  // Waits for `entry`'s result: true when it came, false when `stop` was triggered first
  // (the waiter is then no longer in the list, so nothing resumes it later).
  static Task<bool> Wait(std::shared_ptr<Entry> entry, std::stop_token stop);

  size_t in_flight() const noexcept { return in_flight_.size(); }

 private:
  uint32_t max_waiters_;
  std::unordered_map<std::string, std::shared_ptr<Entry>> in_flight_;
};

}  // namespace redoubt::resolver
