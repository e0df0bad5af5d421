// Task<T>: the thin C++20 coroutine type redoubt resolves with (design guide section 4).
//
// A Task is lazy: nothing runs until it is awaited, and the awaiting coroutine owns it, so
// parents own their children and a child's frame dies with its Task. Completion resumes the
// awaiting coroutine directly (symmetric transfer): in optimised builds deep chains do not grow
// the stack (unoptimised GCC builds do not make it a tail call; see task_test.cc).
// Nothing inside a Task throws (errors are Result values); an escaping exception is a bug and
// terminates. Detach() starts a root task that owns itself, for work started by a callback (a
// client's query); TaskScope (task_scope.h) does the same and counts its tasks. WhenAll
// (when_all.h) awaits several tasks at once. Cancellation is cooperative: pass a std::stop_token
// by value; WaitList (wait_list.h) parks coroutines so that they can be cancelled.
#pragma once

#include <coroutine>
#include <exception>
#include <optional>
#include <utility>

#include "net/base/frame_pool.h"

namespace redoubt {

template <class T>
class Task;

namespace task_detail {

struct FinalAwaiter {
  bool await_ready() const noexcept { return false; }
  template <class Promise>
  std::coroutine_handle<> await_suspend(std::coroutine_handle<Promise> done) noexcept {
    std::coroutine_handle<> next = done.promise().continuation;
    return next ? next : std::noop_coroutine();
  }
  void await_resume() const noexcept {}
};

// Coroutine frames come from the thread's frame pool (frame_pool.h) rather than the heap.
struct PooledFrame {
  static void* operator new(size_t size) { return frame_pool::Allocate(size); }
  static void operator delete(void* frame, size_t size) noexcept { frame_pool::Free(frame, size); }
};

struct PromiseBase : PooledFrame {
  std::coroutine_handle<> continuation;
  std::suspend_always initial_suspend() const noexcept { return {}; }
  FinalAwaiter final_suspend() const noexcept { return {}; }
  void unhandled_exception() const noexcept { std::terminate(); }
};

}  // namespace task_detail

template <class T>
class [[nodiscard]] Task {
 public:
  struct promise_type : task_detail::PromiseBase {
    std::optional<T> value;
    Task get_return_object() noexcept {
      return Task(std::coroutine_handle<promise_type>::from_promise(*this));
    }
    template <class U>
    void return_value(U&& v) {
      value.emplace(std::forward<U>(v));
    }
  };

  Task(Task&& other) noexcept : handle_(std::exchange(other.handle_, {})) {}
  Task& operator=(Task&& other) noexcept {
    if (this != &other) {
      if (handle_) handle_.destroy();
      handle_ = std::exchange(other.handle_, {});
    }
    return *this;
  }
  ~Task() {
    if (handle_) handle_.destroy();
  }

  bool await_ready() const noexcept { return false; }
  std::coroutine_handle<> await_suspend(std::coroutine_handle<> awaiting) noexcept {
    handle_.promise().continuation = awaiting;
    return handle_;
  }
  T await_resume() { return std::move(*handle_.promise().value); }

 private:
  explicit Task(std::coroutine_handle<promise_type> handle) : handle_(handle) {}
  std::coroutine_handle<promise_type> handle_;
};

template <>
class [[nodiscard]] Task<void> {
 public:
  struct promise_type : task_detail::PromiseBase {
    Task get_return_object() noexcept {
      return Task(std::coroutine_handle<promise_type>::from_promise(*this));
    }
    void return_void() const noexcept {}
  };

  Task(Task&& other) noexcept : handle_(std::exchange(other.handle_, {})) {}
  Task& operator=(Task&& other) noexcept {
    if (this != &other) {
      if (handle_) handle_.destroy();
      handle_ = std::exchange(other.handle_, {});
    }
    return *this;
  }
  ~Task() {
    if (handle_) handle_.destroy();
  }

  bool await_ready() const noexcept { return false; }
  std::coroutine_handle<> await_suspend(std::coroutine_handle<> awaiting) noexcept {
    handle_.promise().continuation = awaiting;
    return handle_;
  }
  void await_resume() const noexcept {}

 private:
  explicit Task(std::coroutine_handle<promise_type> handle) : handle_(handle) {}
  std::coroutine_handle<promise_type> handle_;
};

namespace task_detail {

// Hears when a root task has finished (TaskScope counts them). Not an owner: never deleted
// through this interface.
class RootObserver {
 public:
  // Called once per root task, after the task's frames have been freed.
  virtual void RootFinished() noexcept = 0;

 protected:
  ~RootObserver() = default;
};

// A self-owning coroutine: starts at once and frees its frame when it ends.
struct Detached {
  struct promise_type : PooledFrame {
    Detached get_return_object() const noexcept { return {}; }
    std::suspend_never initial_suspend() const noexcept { return {}; }
    std::suspend_never final_suspend() const noexcept { return {}; }
    void return_void() const noexcept {}
    void unhandled_exception() const noexcept { std::terminate(); }
  };
};

// Runs `task` as a root. The task is moved into a block-scoped local so that its frames are gone
// before `observer` is told (a drained TaskScope then holds no task frames); only this runner's
// own small frame is still allocated at that point, and it is freed as the call returns.
inline Detached RunDetached(Task<void> task, RootObserver* observer) {
  {
    Task<void> running = std::move(task);
    co_await running;
  }
  if (observer != nullptr) observer->RootFinished();
}

}  // namespace task_detail

// Starts `task` now; it runs until its first suspension and finishes on its own. The task owns
// everything it needs (coroutine parameters by value). Nothing counts it: prefer
// TaskScope::Spawn (task_scope.h) where a shutdown must wait for the task.
inline void Detach(Task<void> task) { task_detail::RunDetached(std::move(task), nullptr); }

}  // namespace redoubt
