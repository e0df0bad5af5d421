#include "net/io/thread_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <thread>

namespace redoubt::io {
namespace {

// The loop keeps serving while the pool blocks: the property GSS-TSIG needs while a KDC is slow.
TEST(ThreadPoolTest, BlockingWorkRunsOffTheLoopAndResumesOnIt) {
  uv_loop_t loop;
  uv_loop_init(&loop);
  std::thread::id loop_thread = std::this_thread::get_id();
  std::thread::id work_thread;
  std::thread::id resumed_thread;
  int ticks = 0;  // Timer callbacks run while the work sleeps.
  bool queued = false;
  uv_timer_t timer;
  uv_timer_init(&loop, &timer);
  timer.data = &ticks;
  uv_timer_start(&timer, [](uv_timer_t* t) { ++*static_cast<int*>(t->data); }, 5, 5);
  // The coroutine lambda is named so that its captures outlive the suspended coroutine.
  auto body = [&]() -> Task<void> {
    std::function<void()> work = [&work_thread] {
      work_thread = std::this_thread::get_id();
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    };
    queued = co_await RunOnThreadPool(&loop, std::move(work));
    resumed_thread = std::this_thread::get_id();
    uv_close(reinterpret_cast<uv_handle_t*>(&timer), nullptr);
  };
  Detach(body());
  uv_run(&loop, UV_RUN_DEFAULT);
  EXPECT_EQ(uv_loop_close(&loop), 0);
  EXPECT_TRUE(queued);
  EXPECT_NE(work_thread, loop_thread);
  EXPECT_EQ(resumed_thread, loop_thread);
  EXPECT_GE(ticks, 5);  // The loop was not blocked for the 100 ms.
}

}  // namespace
}  // namespace redoubt::io
