// A one-off TCP exchange is a pooled exchange on a pool that keeps nothing, so the connection
// logic lives in one place (tcp_pool.cc).
#include "net/io/exchange.h"
#include "net/io/tcp_pool.h"

namespace redoubt::io {
namespace {

struct SleepAwaiter {
  uv_loop_t* loop;
  uint64_t ms;
  bool await_ready() const noexcept { return false; }
  void await_suspend(std::coroutine_handle<> waiter) {
    auto* timer = new uv_timer_t;
    uv_timer_init(loop, timer);
    timer->data = waiter.address();
    uv_timer_start(timer, [](uv_timer_t* t) {
      auto handle = std::coroutine_handle<>::from_address(t->data);
      uv_close(reinterpret_cast<uv_handle_t*>(t),
               [](uv_handle_t* h) { delete reinterpret_cast<uv_timer_t*>(h); });
      handle.resume();
    }, ms, 0);
  }
  void await_resume() const noexcept {}
};

}  // namespace

Task<ExchangeResult> TcpExchange(uv_loop_t* loop, Endpoint server, std::vector<uint8_t> query,
                                 ReplyFilter filter, uint32_t timeout_ms, std::stop_token stop,
                                 std::optional<IpAddress> source) {
  TcpPool one_off(loop, TcpPoolLimits{0, 0});
  co_return co_await one_off.Exchange(server, std::move(query), std::move(filter), timeout_ms,
                                      std::move(stop), source);
}

Task<void> Sleep(uv_loop_t* loop, uint64_t ms) { co_await SleepAwaiter{loop, ms}; }

}  // namespace redoubt::io
