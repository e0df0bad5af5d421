#include "net/base/when_all.h"

#include <gtest/gtest.h>

#include <cstddef>
#include <memory>
#include <stop_token>
#include <string>
#include <utility>
#include <vector>

#include "net/base/coro_test_util.h"
#include "net/base/task.h"
#include "net/base/wait_list.h"

namespace redoubt {
namespace {

using coro_testing::FrameCounter;
using coro_testing::Gate;
using coro_testing::OwnedRoot;
using coro_testing::StartOwned;

// What the parent saw: how often it resumed after WhenAll, and the results.
template <class T>
struct Outcome {
  int resumed = 0;
  std::vector<T> results;
};

Task<int> Immediate(int value, FrameCounter) { co_return value; }

Task<int> AfterGate(Gate& gate, int value, FrameCounter) {
  co_await gate;
  co_return value;
}

Task<void> CollectInts(std::vector<Task<int>> children, Outcome<int>& out) {
  out.results = co_await WhenAll(std::move(children));
  ++out.resumed;
}

TEST(WhenAllTest, ResultsFollowInputOrderWhateverTheCompletionOrder) {
  int live = 0;
  std::vector<Gate> gates(3);
  std::vector<Task<int>> children;
  for (int i = 0; i < 3; ++i) children.push_back(AfterGate(gates[i], 10 * i, FrameCounter(live)));
  Outcome<int> out;
  Detach(CollectInts(std::move(children), out));
  for (const Gate& gate : gates) EXPECT_TRUE(gate.has_waiter());  // All started, all waiting.

  gates[2].Open();
  gates[0].Open();
  EXPECT_EQ(out.resumed, 0);
  EXPECT_EQ(live, 1);  // A finished child's frame is freed at once, not at the end.
  gates[1].Open();
  EXPECT_EQ(out.resumed, 1);
  EXPECT_EQ(out.results, (std::vector<int>{0, 10, 20}));
  EXPECT_EQ(live, 0);
}

TEST(WhenAllTest, SynchronousChildrenCompleteWithoutSuspending) {
  int live = 0;
  std::vector<Task<int>> children;
  for (int i = 0; i < 4; ++i) children.push_back(Immediate(i, FrameCounter(live)));
  Outcome<int> out;
  Detach(CollectInts(std::move(children), out));
  EXPECT_EQ(out.resumed, 1);
  EXPECT_EQ(out.results, (std::vector<int>{0, 1, 2, 3}));
  EXPECT_EQ(live, 0);
}

TEST(WhenAllTest, MixOfSynchronousAndSuspendedChildren) {
  int live = 0;
  Gate gate;
  std::vector<Task<int>> children;
  children.push_back(Immediate(1, FrameCounter(live)));
  children.push_back(AfterGate(gate, 2, FrameCounter(live)));
  children.push_back(Immediate(3, FrameCounter(live)));
  Outcome<int> out;
  Detach(CollectInts(std::move(children), out));
  EXPECT_EQ(out.resumed, 0);
  gate.Open();
  EXPECT_EQ(out.resumed, 1);
  EXPECT_EQ(out.results, (std::vector<int>{1, 2, 3}));
  EXPECT_EQ(live, 0);
}

Task<int> OpenThenReturn(Gate& gate, int value) {
  gate.Open();
  co_return value;
}

// The first child is suspended, and the last one, while starting, finishes it: every child is
// then done before the start-up loop ends. The parent must still resume once, and only after
// the loop (it is not resumed from inside the last child's start).
TEST(WhenAllTest, ChildFinishedByALaterChildsStartResumesParentOnce) {
  int live = 0;
  Gate gate;
  std::vector<Task<int>> children;
  children.push_back(AfterGate(gate, 1, FrameCounter(live)));
  children.push_back(OpenThenReturn(gate, 2));
  Outcome<int> out;
  Detach(CollectInts(std::move(children), out));
  EXPECT_EQ(out.resumed, 1);
  EXPECT_EQ(out.results, (std::vector<int>{1, 2}));
  EXPECT_EQ(live, 0);
}

TEST(WhenAllTest, EmptyInputCompletesAtOnce) {
  Outcome<int> out;
  out.results = {99};
  Detach(CollectInts({}, out));
  EXPECT_EQ(out.resumed, 1);
  EXPECT_TRUE(out.results.empty());
}

Task<int> ParkThenReturn(WaitList& list, int value, FrameCounter) {
  co_await list.Wait(std::stop_token{});
  co_return value;
}

TEST(WhenAllTest, TenThousandSuspendedChildren) {
  constexpr int kChildren = 10'000;
  int live = 0;
  WaitList list;
  std::vector<Task<int>> children;
  for (int i = 0; i < kChildren; ++i) children.push_back(ParkThenReturn(list, i, FrameCounter(live)));
  Outcome<int> out;
  Detach(CollectInts(std::move(children), out));
  EXPECT_EQ(list.size(), static_cast<std::size_t>(kChildren));
  EXPECT_EQ(live, kChildren);
  list.NotifyAll();
  EXPECT_EQ(out.resumed, 1);
  ASSERT_EQ(out.results.size(), static_cast<std::size_t>(kChildren));
  for (int i = 0; i < kChildren; ++i) ASSERT_EQ(out.results[i], i);
  EXPECT_EQ(live, 0);
}

TEST(WhenAllTest, TenThousandSynchronousChildren) {
  constexpr int kChildren = 10'000;
  int live = 0;
  std::vector<Task<int>> children;
  for (int i = 0; i < kChildren; ++i) children.push_back(Immediate(i, FrameCounter(live)));
  Outcome<int> out;
  Detach(CollectInts(std::move(children), out));
  EXPECT_EQ(out.resumed, 1);
  ASSERT_EQ(out.results.size(), static_cast<std::size_t>(kChildren));
  EXPECT_EQ(out.results.back(), kChildren - 1);
  EXPECT_EQ(live, 0);
}

Task<void> CollectIntsCountingFrames(std::vector<Task<int>> children, int& live,
                                     int& live_at_resume) {
  std::vector<int> results = co_await WhenAll(std::move(children));
  live_at_resume = live;
}

TEST(WhenAllTest, ChildFramesAreFreedBeforeTheParentResumes) {
  int live = 0;
  int live_at_resume = -1;
  Gate gate;
  std::vector<Task<int>> children;
  children.push_back(Immediate(1, FrameCounter(live)));
  children.push_back(AfterGate(gate, 2, FrameCounter(live)));
  Detach(CollectIntsCountingFrames(std::move(children), live, live_at_resume));
  gate.Open();
  EXPECT_EQ(live_at_resume, 0);
}

TEST(WhenAllTest, DestroyingTheParentFreesUnfinishedChildren) {
  int live = 0;
  WaitList list;
  Outcome<int> out;
  {
    std::vector<Task<int>> children;
    for (int i = 0; i < 3; ++i) children.push_back(ParkThenReturn(list, i, FrameCounter(live)));
    children.push_back(Immediate(3, FrameCounter(live)));
    OwnedRoot root = StartOwned(CollectInts(std::move(children), out));
    EXPECT_FALSE(root.done());
    EXPECT_EQ(live, 3);  // The synchronous child is already freed.
    EXPECT_EQ(list.size(), 3u);
  }
  EXPECT_EQ(live, 0);
  EXPECT_TRUE(list.empty());  // The destroyed waiters unlinked themselves.
  list.NotifyAll();           // Nothing dangling left to resume.
  EXPECT_EQ(out.resumed, 0);
}

Task<void> RecordAfterGate(Gate& gate, std::vector<int>& order, int id) {
  co_await gate;
  order.push_back(id);
}

Task<void> AwaitAllVoid(std::vector<Task<void>> children, int& resumed) {
  co_await WhenAll(std::move(children));
  ++resumed;
}

TEST(WhenAllTest, VoidTasksOutOfOrder) {
  std::vector<Gate> gates(3);
  std::vector<int> order;
  std::vector<Task<void>> children;
  for (int i = 0; i < 3; ++i) children.push_back(RecordAfterGate(gates[i], order, i));
  int resumed = 0;
  Detach(AwaitAllVoid(std::move(children), resumed));
  gates[1].Open();
  gates[2].Open();
  EXPECT_EQ(resumed, 0);
  gates[0].Open();
  EXPECT_EQ(resumed, 1);
  EXPECT_EQ(order, (std::vector<int>{1, 2, 0}));
}

Task<void> Nothing() { co_return; }

TEST(WhenAllTest, VoidTasksSynchronousAndEmpty) {
  std::vector<Task<void>> children;
  for (int i = 0; i < 3; ++i) children.push_back(Nothing());
  int resumed = 0;
  Detach(AwaitAllVoid(std::move(children), resumed));
  EXPECT_EQ(resumed, 1);
  Detach(AwaitAllVoid({}, resumed));
  EXPECT_EQ(resumed, 2);
}

Task<std::unique_ptr<std::string>> MoveOnly(std::string text) {
  co_return std::make_unique<std::string>(std::move(text));
}

Task<void> CollectMoveOnly(std::vector<std::string>& out) {
  std::vector<Task<std::unique_ptr<std::string>>> children;
  children.push_back(MoveOnly("ds"));
  children.push_back(MoveOnly("dnskey"));
  for (std::unique_ptr<std::string>& text : co_await WhenAll(std::move(children))) {
    out.push_back(*text);
  }
}

TEST(WhenAllTest, MoveOnlyResults) {
  std::vector<std::string> out;
  Detach(CollectMoveOnly(out));
  EXPECT_EQ(out, (std::vector<std::string>{"ds", "dnskey"}));
}

}  // namespace
}  // namespace redoubt
