// Test helpers for the coroutine library: a gate the test opens, a live-frame counter and a
// root coroutine the test owns. Test-only; the standard library only.
#pragma once

#include <coroutine>
#include <exception>
#include <utility>

#include "net/base/task.h"

namespace redoubt::coro_testing {

// One coroutine waits on a gate until the test opens it; opening resumes it inside Open(), so
// the test decides the order in which suspended children finish.
class Gate {
 public:
  bool await_ready() const noexcept { return open_; }
  void await_suspend(std::coroutine_handle<> waiter) noexcept { waiter_ = waiter; }
  void await_resume() const noexcept {}

  bool has_waiter() const noexcept { return static_cast<bool>(waiter_); }
  void Open() {
    open_ = true;
    if (std::coroutine_handle<> waiter = std::exchange(waiter_, {})) waiter.resume();
  }

 private:
  bool open_ = false;
  std::coroutine_handle<> waiter_;
};

// Counts live copies in `live`. Passed by value to a coroutine, the frame's copy lives exactly as
// long as the frame, so `live` counts frames that have not been freed.
class FrameCounter {
 public:
  explicit FrameCounter(int& live) : live_(&live) { ++*live_; }
  FrameCounter(const FrameCounter& other) : live_(other.live_) { ++*live_; }
  FrameCounter& operator=(const FrameCounter&) = delete;
  ~FrameCounter() { --*live_; }

 private:
  int* live_;
};

// A root coroutine whose frame the test owns: it starts at once, keeps its frame after finishing
// (so done() can be asked), and destroying it destroys the frame wherever it is suspended,
// together with the Task it awaits and that Task's children.
class OwnedRoot {
 public:
  struct promise_type {
    OwnedRoot get_return_object() noexcept {
      return OwnedRoot(std::coroutine_handle<promise_type>::from_promise(*this));
    }
    std::suspend_never initial_suspend() const noexcept { return {}; }
    std::suspend_always final_suspend() const noexcept { return {}; }
    void return_void() const noexcept {}
    void unhandled_exception() const noexcept { std::terminate(); }
  };

  OwnedRoot(OwnedRoot&& other) noexcept : handle_(std::exchange(other.handle_, {})) {}
  OwnedRoot& operator=(OwnedRoot&&) = delete;
  ~OwnedRoot() {
    if (handle_) handle_.destroy();
  }

  bool done() const noexcept { return handle_.done(); }

 private:
  explicit OwnedRoot(std::coroutine_handle<promise_type> handle) : handle_(handle) {}
  std::coroutine_handle<promise_type> handle_;
};

inline OwnedRoot StartOwned(Task<void> task) { co_await std::move(task); }

}  // namespace redoubt::coro_testing
