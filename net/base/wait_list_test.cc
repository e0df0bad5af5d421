#include "net/base/wait_list.h"

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <stop_token>
#include <utility>
#include <vector>

#include "net/base/coro_test_util.h"
#include "net/base/task.h"

namespace redoubt {
namespace {

using coro_testing::FrameCounter;
using coro_testing::OwnedRoot;
using coro_testing::StartOwned;

// What one waiter saw: how often it resumed, and the last outcome.
struct Seen {
  int resumed = 0;
  std::optional<bool> notified;
};

Task<void> WaitOnce(WaitList& list, std::stop_token stop, Seen& seen) {
  seen.notified = co_await list.Wait(std::move(stop));
  ++seen.resumed;
}

TEST(WaitListTest, NotifyAllResumesEveryWaiterInOrder) {
  WaitList list;
  std::vector<int> order;
  for (int id : {1, 2, 3}) {
    Detach([](WaitList& l, std::vector<int>& out, int i) -> Task<void> {
      EXPECT_TRUE(co_await l.Wait(std::stop_token{}));
      out.push_back(i);
    }(list, order, id));
  }
  EXPECT_EQ(list.size(), 3u);
  EXPECT_TRUE(order.empty());
  list.NotifyAll();
  EXPECT_EQ(order, (std::vector<int>{1, 2, 3}));
  EXPECT_TRUE(list.empty());
}

TEST(WaitListTest, CancellationRemovesTheWaiter) {
  WaitList list;
  std::stop_source stop;
  Seen cancelled, kept;
  Detach(WaitOnce(list, stop.get_token(), cancelled));
  Detach(WaitOnce(list, std::stop_token{}, kept));
  EXPECT_EQ(list.size(), 2u);

  stop.request_stop();  // Resumes the waiter inside this call, on this thread.
  EXPECT_EQ(cancelled.resumed, 1);
  EXPECT_EQ(cancelled.notified, false);
  EXPECT_EQ(list.size(), 1u);
  EXPECT_EQ(kept.resumed, 0);
  list.NotifyAll();  // Lets the other waiter finish (LeakSanitizer counts parked frames).
  EXPECT_EQ(kept.resumed, 1);
}

TEST(WaitListTest, NotifyAfterCancelDoesNotResumeTheCancelledWaiterAgain) {
  WaitList list;
  std::stop_source stop;
  Seen cancelled, kept;
  Detach(WaitOnce(list, stop.get_token(), cancelled));
  Detach(WaitOnce(list, std::stop_token{}, kept));
  stop.request_stop();
  list.NotifyAll();
  EXPECT_EQ(cancelled.resumed, 1);
  EXPECT_EQ(cancelled.notified, false);
  EXPECT_EQ(kept.resumed, 1);
  EXPECT_EQ(kept.notified, true);
}

TEST(WaitListTest, StopAfterNotifyIsIgnored) {
  WaitList list;
  std::stop_source stop;
  Seen seen;
  Detach(WaitOnce(list, stop.get_token(), seen));
  list.NotifyAll();
  stop.request_stop();  // The callback was deregistered when the waiter resumed.
  EXPECT_EQ(seen.resumed, 1);
  EXPECT_EQ(seen.notified, true);
}

TEST(WaitListTest, AlreadyStoppedTokenReturnsFalseWithoutParking) {
  WaitList list;
  std::stop_source stop;
  stop.request_stop();
  Seen seen;
  Detach(WaitOnce(list, stop.get_token(), seen));
  EXPECT_EQ(seen.resumed, 1);
  EXPECT_EQ(seen.notified, false);
  EXPECT_TRUE(list.empty());
}

Task<void> WaitCountingFrame(WaitList& list, std::stop_token stop, FrameCounter) {
  co_await list.Wait(std::move(stop));
}

TEST(WaitListTest, DestroyingAParkedWaiterUnlinksIt) {
  WaitList list;
  std::stop_source stop;
  int live = 0;
  Seen kept;
  {
    OwnedRoot parked = StartOwned(WaitCountingFrame(list, stop.get_token(), FrameCounter(live)));
    Detach(WaitOnce(list, std::stop_token{}, kept));
    EXPECT_EQ(list.size(), 2u);
    EXPECT_EQ(live, 1);
  }
  EXPECT_EQ(live, 0);
  EXPECT_EQ(list.size(), 1u);
  stop.request_stop();  // Its stop callback is gone too: nothing to resume.
  list.NotifyAll();
  EXPECT_EQ(kept.resumed, 1);
}

Task<void> WaitForever(WaitList& list, int& wakeups) {
  for (;;) {
    co_await list.Wait(std::stop_token{});
    ++wakeups;
  }
}

TEST(WaitListTest, WaitersParkingDuringNotifyWaitForTheNextOne) {
  WaitList list;
  int wakeups = 0;
  OwnedRoot root = StartOwned(WaitForever(list, wakeups));
  list.NotifyAll();  // Must not loop: the re-parked waiter is not part of this batch.
  EXPECT_EQ(wakeups, 1);
  EXPECT_EQ(list.size(), 1u);
  list.NotifyAll();
  EXPECT_EQ(wakeups, 2);
}

Task<void> WakeThenStop(WaitList& list, std::stop_source& other, Seen& seen) {
  seen.notified = co_await list.Wait(std::stop_token{});
  ++seen.resumed;
  other.request_stop();
}

TEST(WaitListTest, WaiterCancelledDuringNotifyIsResumedOnlyOnce) {
  WaitList list;
  std::stop_source stop;
  Seen first, second;
  Detach(WakeThenStop(list, stop, first));
  Detach(WaitOnce(list, stop.get_token(), second));
  list.NotifyAll();  // Resumes `first`, which cancels `second` before its turn.
  EXPECT_EQ(first.resumed, 1);
  EXPECT_EQ(second.resumed, 1);
  EXPECT_EQ(second.notified, false);
}

Task<void> WakeThenDestroyList(std::unique_ptr<WaitList>& owner, Seen& seen) {
  seen.notified = co_await owner->Wait(std::stop_token{});
  ++seen.resumed;
  owner.reset();
}

TEST(WaitListTest, WaiterMayDestroyTheListDuringNotify) {
  auto list = std::make_unique<WaitList>();
  Seen first, second;
  Detach(WakeThenDestroyList(list, first));
  Detach(WaitOnce(*list, std::stop_token{}, second));
  list->NotifyAll();
  EXPECT_EQ(list, nullptr);
  EXPECT_EQ(first.resumed, 1);
  EXPECT_EQ(second.resumed, 1);
  EXPECT_EQ(second.notified, true);
}

TEST(WaitListTest, DestroyedListLeavesWaitersCancellable) {
  std::stop_source stop;
  Seen seen;
  {
    WaitList list;
    Detach(WaitOnce(list, stop.get_token(), seen));
  }
  EXPECT_EQ(seen.resumed, 0);
  stop.request_stop();
  EXPECT_EQ(seen.resumed, 1);
  EXPECT_EQ(seen.notified, false);
}

}  // namespace
}  // namespace redoubt
