#include "net/base/task.h"

#include <gtest/gtest.h>

#include <coroutine>
#include <string>
#include <vector>

namespace redoubt {
namespace {

// A manual event: coroutines wait on it until the test fires it.
struct Event {
  std::vector<std::coroutine_handle<>> waiters;
  bool fired = false;
  auto operator co_await() {
    struct Awaiter {
      Event& event;
      bool await_ready() const noexcept { return event.fired; }
      void await_suspend(std::coroutine_handle<> h) { event.waiters.push_back(h); }
      void await_resume() const noexcept {}
    };
    return Awaiter{*this};
  }
  void Fire() {
    fired = true;
    auto waiters = std::move(this->waiters);
    for (auto h : waiters) h.resume();
  }
};

Task<int> Add(int a, int b) { co_return a + b; }

Task<int> Nested(int depth) {
  if (depth == 0) co_return 0;
  int below = co_await Nested(depth - 1);
  co_return below + 1;
}

Task<std::string> WaitThenGreet(Event& event, std::string name) {
  co_await event;
  co_return "hello " + name;
}

TEST(TaskTest, LazyUntilAwaitedAndReturnsValues) {
  int result = -1;
  bool started = false;
  auto body = [&]() -> Task<void> {
    started = true;
    result = co_await Add(2, 3);
  };
  Task<void> task = body();
  EXPECT_FALSE(started);  // Lazy: the lambda's task has not begun.
  Detach(std::move(task));
  EXPECT_TRUE(started);
  EXPECT_EQ(result, 5);
}

TEST(TaskTest, DeepNestingCompletes) {
  // Completion resumes the parent by symmetric transfer; whether that is a true tail call (a
  // constant stack) is up to the compiler: GCC makes it one at -O2 but not in the -O0 ASan
  // build, so the depth here stays well within a normal stack either way. The resolver's own
  // nesting is bounded by its dependency-depth limit (7 levels of a few frames each).
  int result = -1;
  Detach([](int& out) -> Task<void> { out = co_await Nested(2000); }(result));
  EXPECT_EQ(result, 2000);
}

TEST(TaskTest, SuspendedTasksResumeWhenTheirEventFires) {
  Event event;
  std::vector<std::string> got;
  for (const char* name : {"a", "b"}) {
    Detach([](Event& e, std::vector<std::string>& out, std::string n) -> Task<void> {
      out.push_back(co_await WaitThenGreet(e, n));
    }(event, got, name));
  }
  EXPECT_TRUE(got.empty());
  event.Fire();
  EXPECT_EQ(got, (std::vector<std::string>{"hello a", "hello b"}));
}

TEST(TaskTest, DestroyingAnUnstartedTaskRunsNothing) {
  bool ran = false;
  {
    auto task = [](bool& flag) -> Task<void> {
      flag = true;
      co_return;
    }(ran);
  }
  EXPECT_FALSE(ran);
}

}  // namespace
}  // namespace redoubt
