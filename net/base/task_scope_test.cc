#include "net/base/task_scope.h"

#include <gtest/gtest.h>

#include <optional>
#include <stop_token>
#include <utility>
#include <vector>

#include "net/base/coro_test_util.h"
#include "net/base/task.h"

namespace redoubt {
namespace {

using coro_testing::FrameCounter;
using coro_testing::Gate;

Task<void> AfterGate(Gate& gate, FrameCounter) { co_await gate; }

Task<void> Immediately(bool& ran, FrameCounter) {
  ran = true;
  co_return;
}

// Records whether Drained() completed, with what, and how many task frames were still live.
struct DrainSeen {
  std::optional<bool> drained;
  int live_at_resume = -1;
};

Task<void> AwaitDrained(TaskScope& scope, std::stop_token stop, const int& live, DrainSeen& seen) {
  seen.drained = co_await scope.Drained(std::move(stop));
  seen.live_at_resume = live;
}

TEST(TaskScopeTest, CountsLiveTasksUntilDrained) {
  int live = 0;
  std::vector<Gate> gates(3);
  TaskScope scope;
  for (Gate& gate : gates) scope.Spawn(AfterGate(gate, FrameCounter(live)));
  EXPECT_EQ(scope.size(), 3u);
  DrainSeen seen;
  Detach(AwaitDrained(scope, {}, live, seen));
  EXPECT_FALSE(seen.drained.has_value());

  gates[1].Open();
  gates[0].Open();
  EXPECT_EQ(scope.size(), 1u);
  EXPECT_FALSE(seen.drained.has_value());
  gates[2].Open();
  EXPECT_TRUE(scope.empty());
  EXPECT_EQ(seen.drained, true);
  EXPECT_EQ(seen.live_at_resume, 0);  // The last task's frames were freed before the wake-up.
}

TEST(TaskScopeTest, SynchronousTaskIsNeverLive) {
  int live = 0;
  bool ran = false;
  TaskScope scope;
  scope.Spawn(Immediately(ran, FrameCounter(live)));
  EXPECT_TRUE(ran);
  EXPECT_TRUE(scope.empty());
  EXPECT_EQ(live, 0);
}

TEST(TaskScopeTest, DrainedOnAnEmptyScopeCompletesAtOnce) {
  int live = 0;
  TaskScope scope;
  DrainSeen seen;
  Detach(AwaitDrained(scope, {}, live, seen));
  EXPECT_EQ(seen.drained, true);
}

Task<void> OpenAndSpawn(Gate& gate, TaskScope& scope, Gate& next, int& live) {
  co_await gate;
  scope.Spawn(AfterGate(next, FrameCounter(live)));
}

TEST(TaskScopeTest, DrainedWaitsForTasksSpawnedWhileDraining) {
  int live = 0;
  Gate first, second;
  TaskScope scope;
  scope.Spawn(OpenAndSpawn(first, scope, second, live));
  DrainSeen seen;
  Detach(AwaitDrained(scope, {}, live, seen));
  first.Open();  // Finishes the first task, but only after it spawned another.
  EXPECT_EQ(scope.size(), 1u);
  EXPECT_FALSE(seen.drained.has_value());
  second.Open();
  EXPECT_EQ(seen.drained, true);
}

TEST(TaskScopeTest, DrainedGivesUpWhenStopped) {
  int live = 0;
  Gate gate;
  TaskScope scope;
  scope.Spawn(AfterGate(gate, FrameCounter(live)));
  std::stop_source deadline;
  DrainSeen seen;
  Detach(AwaitDrained(scope, deadline.get_token(), live, seen));
  deadline.request_stop();
  EXPECT_EQ(seen.drained, false);
  EXPECT_EQ(scope.size(), 1u);
  gate.Open();  // The scope must be empty before it is destroyed.
  EXPECT_TRUE(scope.empty());
}

TEST(TaskScopeTest, SeveralDrainWaitersAllWake) {
  int live = 0;
  Gate gate;
  TaskScope scope;
  scope.Spawn(AfterGate(gate, FrameCounter(live)));
  DrainSeen a, b;
  Detach(AwaitDrained(scope, {}, live, a));
  Detach(AwaitDrained(scope, {}, live, b));
  gate.Open();
  EXPECT_EQ(a.drained, true);
  EXPECT_EQ(b.drained, true);
}

TEST(TaskScopeDeathTest, DestroyingAScopeWithLiveTasksAborts) {
  EXPECT_DEATH(
      {
        int live = 0;
        Gate gate;
        TaskScope scope;
        scope.Spawn(AfterGate(gate, FrameCounter(live)));
      },
      "CHECK failed: live_ == 0");
}

}  // namespace
}  // namespace redoubt
