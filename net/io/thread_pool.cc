#include "net/io/thread_pool.h"

#include <coroutine>
#include <memory>

namespace redoubt::io {
namespace {

// Shared by the request (until after_work_cb) and the awaiter (until its frame goes).
struct PoolJob {
  uv_work_t request{};
  std::function<void()> work;
  std::coroutine_handle<> waiter;  // Null once the waiting frame is gone.
  bool done = false;
  std::shared_ptr<PoolJob> self;  // Keeps the job alive while libuv holds `request`.
};

void RunWork(uv_work_t* request) {
  static_cast<PoolJob*>(request->data)->work();
}

void AfterWork(uv_work_t* request, int /*status*/) {
  auto* job = static_cast<PoolJob*>(request->data);
  std::shared_ptr<PoolJob> keep = std::move(job->self);
  job->done = true;
  if (job->waiter) std::exchange(job->waiter, nullptr).resume();
}

struct PoolAwaiter {
  std::shared_ptr<PoolJob> job;
  bool await_ready() const noexcept { return job->done; }
  void await_suspend(std::coroutine_handle<> handle) noexcept { job->waiter = handle; }
  void await_resume() const noexcept {}
  ~PoolAwaiter() {
    if (job) job->waiter = nullptr;
  }
};

}  // namespace

Task<bool> RunOnThreadPool(uv_loop_t* loop, std::function<void()> work) {
  auto job = std::make_shared<PoolJob>();
  job->work = std::move(work);
  job->request.data = job.get();
  job->self = job;
  if (uv_queue_work(loop, &job->request, &RunWork, &AfterWork) != 0) {
    job->self.reset();
    co_return false;
  }
  // Named, never a temporary inside co_await: GCC 12 destroys such temporaries twice (the note
  // in resolver/iterator/iterator.cc), which here released the job twice.
  PoolAwaiter awaiter{job};
  co_await awaiter;
  co_return true;
}

}  // namespace redoubt::io
