// TaskScope: the owner of a worker's detached root tasks (one per client query).
//
// Detach() lets a task free itself when it ends, but nothing knows how many are still running,
// so a worker cannot tell when it is safe to tear down what they use. A TaskScope starts root
// tasks the same way and counts them, and Drained() lets the worker wait until the count is
// zero before closing its loop.
//
// Single-threaded: a scope and its tasks belong to one event loop thread.
#pragma once

#include <cstddef>
#include <stop_token>
#include <utility>

#include "net/base/check.h"
#include "net/base/task.h"
#include "net/base/wait_list.h"

namespace redoubt {

class TaskScope final : private task_detail::RootObserver {
 public:
  TaskScope() = default;
  TaskScope(const TaskScope&) = delete;
  TaskScope& operator=(const TaskScope&) = delete;
  // The scope must be empty: a live task would report its end to a dead scope, and it probably
  // still uses what the scope's owner is tearing down. Checked (aborts). Wait for Drained().
  ~TaskScope() { CHECK(live_ == 0); }

  // Starts `task` now (it runs until its first suspension) and counts it until it finishes;
  // the task frees its own frames. A task finishing synchronously is never counted as live.
  void Spawn(Task<void> task) {
    ++live_;
    task_detail::RunDetached(std::move(task), this);
  }

  // Number of spawned tasks that have not finished yet.
  std::size_t size() const noexcept { return live_; }
  bool empty() const noexcept { return live_ == 0; }

  // Completes with true once size() is zero (at once if it already is), after the last task's
  // frames have been freed; tasks spawned meanwhile are waited for too. Completes with false if
  // `stop` is requested first (a shutdown deadline). The scope must outlive the returned task.
  Task<bool> Drained(std::stop_token stop = {}) {
    while (live_ != 0) {
      // A separate statement: GCC 12.2 miscompiles a co_await on a temporary inside an if
      // condition (the coroutine hits an illegal instruction instead of completing).
      bool notified = co_await drained_.Wait(stop);
      if (!notified) co_return false;
    }
    co_return true;
  }

 private:
  void RootFinished() noexcept override {
    if (--live_ == 0) drained_.NotifyAll();
  }

  std::size_t live_ = 0;
  WaitList drained_;
};

}  // namespace redoubt
