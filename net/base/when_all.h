// WhenAll: awaits several Tasks started together (parallel DS/DNSKEY fetches).
//
// Each child is wrapped in a small runner coroutine owned by WhenAll's frame. When awaited,
// WhenAll starts the runners one after another (each child runs until its first suspension),
// then suspends; each runner, when its child finishes, counts down a latch and the last one
// transfers straight to WhenAll (symmetric transfer). The latch holds one extra count while the
// children are being started, so children finishing synchronously, or finishing while later
// ones are still being started, cannot resume WhenAll early or twice.
#pragma once

#include <coroutine>
#include <cstddef>
#include <exception>
#include <optional>
#include <type_traits>
#include <utility>
#include <vector>

#include "net/base/task.h"

namespace redoubt {

namespace when_all_detail {

// Counts the runners still going, plus one for the start-up loop.
struct Latch {
  std::size_t pending = 0;
  std::coroutine_handle<> parent;

  // Returns the coroutine to run next: the parent if this was the last count.
  std::coroutine_handle<> CountDown() noexcept {
    return --pending == 0 ? parent : std::noop_coroutine();
  }
};

class Runner;

struct RunnerPromise;

// At the end of a runner: count down, and hand over to the parent if this was the last one.
struct CountDownAtEnd {
  bool await_ready() const noexcept { return false; }
  std::coroutine_handle<> await_suspend(std::coroutine_handle<RunnerPromise> done) noexcept;
  void await_resume() const noexcept {}
};

struct RunnerPromise {
  Latch* latch = nullptr;
  Runner get_return_object() noexcept;
  std::suspend_always initial_suspend() const noexcept { return {}; }
  CountDownAtEnd final_suspend() const noexcept { return {}; }
  void return_void() const noexcept {}
  void unhandled_exception() const noexcept { std::terminate(); }
};

// Owns one runner frame (and through it the child Task). Frames are destroyed with the Runner,
// which WhenAll does once every child has finished.
class Runner {
 public:
  using promise_type = RunnerPromise;

  Runner(Runner&& other) noexcept : handle_(std::exchange(other.handle_, {})) {}
  Runner& operator=(Runner&&) = delete;
  ~Runner() {
    if (handle_) handle_.destroy();
  }

  // Runs the child until its first suspension (or to its end).
  void Start(Latch& latch) noexcept {
    handle_.promise().latch = &latch;
    handle_.resume();
  }

 private:
  friend struct RunnerPromise;
  explicit Runner(std::coroutine_handle<RunnerPromise> handle) : handle_(handle) {}
  std::coroutine_handle<RunnerPromise> handle_;
};

inline Runner RunnerPromise::get_return_object() noexcept {
  return Runner(std::coroutine_handle<RunnerPromise>::from_promise(*this));
}

inline std::coroutine_handle<> CountDownAtEnd::await_suspend(
    std::coroutine_handle<RunnerPromise> done) noexcept {
  return done.promise().latch->CountDown();
}

// Parameters by value: the runner frame owns the child; the slot lives in WhenAll's frame. The
// child is moved into a local and awaited as an lvalue so that, on every compiler, its frame is
// freed as soon as it has finished (GCC 12 would move an xvalue operand into a temporary, and
// other compilers would keep the parameter until the runner is destroyed).
template <class T>
Runner RunInto(Task<T> child, std::optional<T>* slot) {
  Task<T> running = std::move(child);
  slot->emplace(co_await running);
}

inline Runner Run(Task<void> child) {
  Task<void> running = std::move(child);
  co_await running;
}

// WhenAll's single suspension: starts every runner, then waits for the latch.
struct StartAll {
  std::vector<Runner>& runners;
  Latch& latch;

  bool await_ready() const noexcept { return false; }
  bool await_suspend(std::coroutine_handle<> parent) noexcept {
    latch.parent = parent;
    latch.pending = runners.size() + 1;
    for (Runner& runner : runners) runner.Start(latch);
    return --latch.pending != 0;  // False: all finished already, so go on without suspending.
  }
  void await_resume() const noexcept {}
};

}  // namespace when_all_detail

// Awaits every task in `tasks`, started together, and returns their results in input order.
// Like any Task it is lazy: nothing starts until the result is awaited. Then the children are
// started in input order, each running until its first suspension, and the awaiting coroutine
// resumes exactly once, after the last child has finished, whatever the order of completion
// (synchronous completion included). Each child's frame is freed as soon as that child finishes,
// so all of them are gone when the awaiting coroutine resumes.
// Destroying the WhenAll task early destroys the unfinished children with it, like any Task.
template <class T>
  requires(!std::is_void_v<T>)
Task<std::vector<T>> WhenAll(std::vector<Task<T>> tasks) {
  std::vector<std::optional<T>> slots(tasks.size());
  std::vector<when_all_detail::Runner> runners;
  runners.reserve(tasks.size());
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    runners.push_back(when_all_detail::RunInto(std::move(tasks[i]), &slots[i]));
  }
  when_all_detail::Latch latch;
  co_await when_all_detail::StartAll{runners, latch};
  runners.clear();
  std::vector<T> results;
  results.reserve(slots.size());
  for (std::optional<T>& slot : slots) results.push_back(std::move(*slot));
  co_return results;
}

// As above for tasks without a result: completes once every task has finished.
inline Task<void> WhenAll(std::vector<Task<void>> tasks) {
  std::vector<when_all_detail::Runner> runners;
  runners.reserve(tasks.size());
  for (Task<void>& task : tasks) runners.push_back(when_all_detail::Run(std::move(task)));
  when_all_detail::Latch latch;
  co_await when_all_detail::StartAll{runners, latch};
}

}  // namespace redoubt
