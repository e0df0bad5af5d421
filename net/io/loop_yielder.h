// A Yielder on a libuv loop: a yielding coroutine is resumed from an idle handle, one per loop
// iteration and in the order they yielded, so that between two resumptions the loop polls for
// I/O and runs whatever became ready (a client's query answered from the cache, say).
#pragma once

#include <uv.h>

#include <coroutine>
#include <deque>

#include "net/base/yielder.h"

namespace redoubt::io {

class LoopYielder final : public Yielder {
 public:
  // `loop` must outlive this and be initialised before the first Yield(). Used on the loop's
  // thread only.
  explicit LoopYielder(uv_loop_t* loop) : loop_(loop) {}
  ~LoopYielder() override;
  LoopYielder(const LoopYielder&) = delete;
  LoopYielder& operator=(const LoopYielder&) = delete;

  Task<void> Yield() override;
  // Resumes every waiting coroutine now and closes the idle handle (the loop then has one
  // handle fewer to wait on); later Yield() calls return at once. Call on the loop's thread
  // before the loop's last run.
  void Close();
  size_t waiting() const noexcept { return waiting_.size(); }

 private:
  struct Awaiter {
    LoopYielder* self;
    bool await_ready() const noexcept { return self->closed_; }
    void await_suspend(std::coroutine_handle<> handle);
    void await_resume() const noexcept {}
  };
  static void OnIdle(uv_idle_t* idle);

  uv_loop_t* loop_;
  uv_idle_t idle_{};
  bool initialised_ = false;
  bool closed_ = false;
  std::deque<std::coroutine_handle<>> waiting_;
};

}  // namespace redoubt::io
