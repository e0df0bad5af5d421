#include "net/base/frame_pool.h"

#include <gtest/gtest.h>

#include <optional>
#include <thread>
#include <vector>

#include "net/base/task.h"

namespace redoubt {
namespace {

// A frame freed is the next frame of its size class handed out: no malloc per coroutine call.
TEST(FramePoolTest, AFreedFrameIsHandedOutAgainForTheSameSizeClass) {
  if (!frame_pool::Enabled()) GTEST_SKIP() << "AddressSanitizer build: frames go to the heap";
  frame_pool::ReleaseCached();  // Other tests of this thread may have filled the lists.
  EXPECT_EQ(frame_pool::CachedBytes(), 0u);
  void* first = frame_pool::Allocate(200);
  size_t before = frame_pool::CachedBytes();
  frame_pool::Free(first, 200);
  EXPECT_EQ(frame_pool::CachedBytes(), before + 256);  // Rounded up to its 64-octet class.
  void* second = frame_pool::Allocate(250);             // Same class (193-256 octets).
  EXPECT_EQ(second, first);
  EXPECT_EQ(frame_pool::CachedBytes(), before);
  frame_pool::Free(second, 250);
}

// Memory held by free frames is bounded: a burst of frames freed at once keeps only the cap. On
// a thread of its own, whose lists go with it, so that the other tests (in any order) start from
// lists below the cap.
TEST(FramePoolTest, FreeFramesNeverExceedTheCap) {
  size_t cached = 0;
  std::thread([&cached] {
    std::vector<void*> blocks;
    for (size_t i = 0; i < frame_pool::kMaxCachedBytes / 512 + 100; ++i) blocks.push_back(frame_pool::Allocate(512));
    for (void* block : blocks) frame_pool::Free(block, 512);
    cached = frame_pool::CachedBytes();
  }).join();
  EXPECT_LE(cached, frame_pool::kMaxCachedBytes);
  if (frame_pool::Enabled()) {
    EXPECT_GT(cached, frame_pool::kMaxCachedBytes - 512);
  }
}

TEST(FramePoolTest, LargeFramesGoToTheHeap) {
  size_t before = frame_pool::CachedBytes();
  void* big = frame_pool::Allocate(frame_pool::kMaxPooledSize + 1);
  frame_pool::Free(big, frame_pool::kMaxPooledSize + 1);
  EXPECT_EQ(frame_pool::CachedBytes(), before);
}

// A frame allocated on one thread and freed on another joins the freeing thread's lists.
TEST(FramePoolTest, AFrameFreedOnAnotherThreadStaysThere) {
  void* block = frame_pool::Allocate(100);
  size_t here = frame_pool::CachedBytes();
  size_t there = 0;
  std::thread([&] {
    frame_pool::Free(block, 100);
    there = frame_pool::CachedBytes();
  }).join();
  EXPECT_EQ(frame_pool::CachedBytes(), here);
  EXPECT_EQ(there, frame_pool::Enabled() ? 128u : 0u);
}

Task<int> Leaf(int v) { co_return v + 1; }
Task<int> Middle(int v) { co_return co_await Leaf(v) * 2; }

// Task frames come from the pool: after one run, a second run of the same chain of coroutines
// takes its frames from the free lists (which shrink while it runs and refill after).
TEST(FramePoolTest, TaskFramesAreRecycled) {
  if (!frame_pool::Enabled()) GTEST_SKIP() << "AddressSanitizer build: frames go to the heap";
  frame_pool::ReleaseCached();
  auto run = [] {
    std::optional<int> out;
    auto root = [](std::optional<int>& result) -> Task<void> { result = co_await Middle(3); };
    Task<void> task = root(out);
    task_detail::RunDetached(std::move(task), nullptr);
    return out;
  };
  ASSERT_EQ(run(), 8);
  size_t warm = frame_pool::CachedBytes();
  EXPECT_GT(warm, 0u);
  ASSERT_EQ(run(), 8);
  EXPECT_EQ(frame_pool::CachedBytes(), warm);
}

}  // namespace
}  // namespace redoubt
