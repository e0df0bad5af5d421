#include <algorithm>
#include <array>
#include <functional>
#include <optional>
#include <stop_token>

#include "net/io/address.h"
#include "net/io/exchange.h"

namespace redoubt::io {
namespace {

// State of one TCP exchange; freed when both handles have closed (see UdpOp).
struct TcpOp {
  uv_loop_t* loop = nullptr;
  uv_tcp_t tcp{};
  uv_timer_t timer{};
  uv_connect_t connect{};
  uv_write_t write{};
  int open_handles = 0;
  bool done = false;
  uint64_t started = 0;
  std::coroutine_handle<> waiter;
  ReplyFilter filter;
  // Destroyed with the op, on the loop thread, after the handles closed.
  std::optional<std::stop_callback<std::function<void()>>> on_stop;
  std::vector<uint8_t> framed;  // Length prefix and query, alive until the write completes.
  std::vector<uint8_t> received;
  ExchangeResult result;
  std::array<char, 16384> buffer{};
};

void OnClosed(uv_handle_t* handle) {
  auto* op = static_cast<TcpOp*>(handle->data);
  if (--op->open_handles == 0) delete op;
}

void Finish(TcpOp* op, ExchangeStatus status, int error = 0) {
  if (op->done) return;
  op->done = true;
  op->result.status = status;
  op->result.uv_error = error;
  op->result.elapsed_ms = static_cast<uint32_t>(uv_now(op->loop) - op->started);
  uv_timer_stop(&op->timer);
  uv_close(reinterpret_cast<uv_handle_t*>(&op->timer), OnClosed);
  uv_close(reinterpret_cast<uv_handle_t*>(&op->tcp), OnClosed);
  if (op->waiter) op->waiter.resume();
}

void OnAlloc(uv_handle_t* handle, size_t, uv_buf_t* buf) {
  auto* op = static_cast<TcpOp*>(handle->data);
  *buf = uv_buf_init(op->buffer.data(), static_cast<unsigned>(op->buffer.size()));
}

void OnRead(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf) {
  auto* op = static_cast<TcpOp*>(stream->data);
  if (op->done) return;
  if (nread < 0) return Finish(op, ExchangeStatus::kNetworkError, static_cast<int>(nread));
  op->received.insert(op->received.end(), buf->base, buf->base + nread);
  if (op->received.size() < 2) return;
  size_t length = size_t{op->received[0]} << 8 | op->received[1];
  if (op->received.size() < 2 + length) return;
  std::span<const uint8_t> message(op->received.data() + 2, length);
  if (!op->filter(message)) return Finish(op, ExchangeStatus::kRejected);
  op->result.reply.assign(message.begin(), message.end());
  Finish(op, ExchangeStatus::kReply);
}

void OnWritten(uv_write_t* request, int status) {
  auto* op = static_cast<TcpOp*>(request->data);
  if (!op->done && status < 0) Finish(op, ExchangeStatus::kNetworkError, status);
}

void OnConnected(uv_connect_t* request, int status) {
  auto* op = static_cast<TcpOp*>(request->data);
  if (op->done) return;
  if (status < 0) return Finish(op, ExchangeStatus::kNetworkError, status);
  auto* stream = reinterpret_cast<uv_stream_t*>(&op->tcp);
  uv_buf_t buf = uv_buf_init(reinterpret_cast<char*>(op->framed.data()),
                             static_cast<unsigned>(op->framed.size()));
  if (int rc = uv_write(&op->write, stream, &buf, 1, OnWritten); rc != 0) {
    return Finish(op, ExchangeStatus::kNetworkError, rc);
  }
  if (int rc = uv_read_start(stream, OnAlloc, OnRead); rc != 0) {
    Finish(op, ExchangeStatus::kNetworkError, rc);
  }
}

void OnTimeout(uv_timer_t* timer) { Finish(static_cast<TcpOp*>(timer->data), ExchangeStatus::kTimeout); }

struct TcpAwaiter {
  TcpOp* op;
  bool await_ready() const noexcept { return op->done; }
  void await_suspend(std::coroutine_handle<> waiter) noexcept { op->waiter = waiter; }
  ExchangeResult await_resume() { return std::move(op->result); }
};

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
                                 ReplyFilter filter, uint32_t timeout_ms, std::stop_token stop) {
  auto* op = new TcpOp;
  op->loop = loop;
  op->filter = std::move(filter);
  op->framed.resize(2 + query.size());
  op->framed[0] = static_cast<uint8_t>(query.size() >> 8);
  op->framed[1] = static_cast<uint8_t>(query.size());
  std::copy(query.begin(), query.end(), op->framed.begin() + 2);
  uv_tcp_init(loop, &op->tcp);
  uv_timer_init(loop, &op->timer);
  op->tcp.data = op->timer.data = op->connect.data = op->write.data = op;
  op->open_handles = 2;
  op->started = uv_now(loop);
  sockaddr_storage address;
  ToSockaddr(server, address);
  int rc = uv_tcp_connect(&op->connect, &op->tcp, reinterpret_cast<sockaddr*>(&address),
                          OnConnected);
  if (rc != 0) {
    Finish(op, ExchangeStatus::kNetworkError, rc);
  } else if (stop.stop_requested()) {
    Finish(op, ExchangeStatus::kCancelled);
  } else {
    uv_timer_start(&op->timer, OnTimeout, timeout_ms, 0);
    op->on_stop.emplace(stop, std::function<void()>([op] { Finish(op, ExchangeStatus::kCancelled); }));
  }
  co_return co_await TcpAwaiter{op};
}

Task<void> Sleep(uv_loop_t* loop, uint64_t ms) { co_await SleepAwaiter{loop, ms}; }

}  // namespace redoubt::io
