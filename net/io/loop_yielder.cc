#include "net/io/loop_yielder.h"

namespace redoubt::io {

LoopYielder::~LoopYielder() {
  // The owner closed it (or never used it); an open handle here would dangle in the loop.
  if (initialised_ && !closed_) Close();
}

void LoopYielder::Awaiter::await_suspend(std::coroutine_handle<> handle) {
  LoopYielder& y = *self;
  if (!y.initialised_) {
    uv_idle_init(y.loop_, &y.idle_);
    y.idle_.data = &y;
    y.initialised_ = true;
  }
  y.waiting_.push_back(handle);
  if (y.waiting_.size() == 1) uv_idle_start(&y.idle_, &LoopYielder::OnIdle);
}

void LoopYielder::OnIdle(uv_idle_t* idle) {
  auto& y = *static_cast<LoopYielder*>(idle->data);
  if (y.waiting_.empty()) {
    uv_idle_stop(idle);
    return;
  }
  std::coroutine_handle<> next = y.waiting_.front();
  y.waiting_.pop_front();
  if (y.waiting_.empty()) uv_idle_stop(idle);
  next.resume();  // May yield again: it then waits behind the others.
}

Task<void> LoopYielder::Yield() {
  co_await Awaiter{this};
}

void LoopYielder::Close() {
  if (closed_) return;
  closed_ = true;
  while (!waiting_.empty()) {
    std::coroutine_handle<> next = waiting_.front();
    waiting_.pop_front();
    next.resume();
  }
  if (initialised_) {
    uv_idle_stop(&idle_);
    uv_close(reinterpret_cast<uv_handle_t*>(&idle_), nullptr);
  }
}

}  // namespace redoubt::io
