#include "net/io/tcp_pool.h"

#include <errno.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <functional>
#include <map>
#include <optional>
#include <utility>

#include "net/io/address.h"
#include "net/io/receive_buffer.h"

namespace redoubt::io {

struct PooledConnection;

// Idle connections are found by server and by the source address they were made from.
using PoolKey = std::pair<Endpoint, std::optional<IpAddress>>;

struct TcpPool::State {
  uv_loop_t* loop = nullptr;
  TcpPoolLimits limits;
  TcpPoolStats stats;
  bool closing = false;
  std::map<PoolKey, std::vector<PooledConnection*>> idle;
};

// One upstream connection and the exchange it is carrying. Freed when both handles closed.
struct PooledConnection {
  enum class Phase : uint8_t { kConnecting, kBusy, kIdle, kClosed };
  uv_tcp_t tcp{};
  uv_timer_t timer{};
  uv_connect_t connect{};
  uv_write_t write{};
  std::shared_ptr<TcpPool::State> pool;
  Endpoint server;
  std::optional<IpAddress> source;  // Unset: the kernel chose the local address.
  Phase phase = Phase::kConnecting;
  int open_handles = 2;
  // The current exchange.
  bool done = true;
  uint64_t started = 0;
  std::coroutine_handle<> waiter;
  ReplyFilter filter;
  ExchangeResult result;
  std::vector<uint8_t> framed, received;
  std::optional<std::stop_callback<std::function<void()>>> on_stop;
};

namespace {

using Phase = PooledConnection::Phase;
using State = TcpPool::State;

PoolKey KeyOf(const PooledConnection* c) { return {c->server, c->source}; }

void RemoveIdle(PooledConnection* c) {
  auto it = c->pool->idle.find(KeyOf(c));
  if (it == c->pool->idle.end()) return;
  std::erase(it->second, c);
  if (it->second.empty()) c->pool->idle.erase(it);
}

void Close(PooledConnection* c) {
  if (c->phase == Phase::kClosed) return;
  if (c->phase == Phase::kIdle) RemoveIdle(c);
  c->phase = Phase::kClosed;
  uv_timer_stop(&c->timer);
  auto on_closed = [](uv_handle_t* handle) {
    auto* conn = static_cast<PooledConnection*>(handle->data);
    if (--conn->open_handles == 0) delete conn;
  };
  uv_close(reinterpret_cast<uv_handle_t*>(&c->tcp), on_closed);
  uv_close(reinterpret_cast<uv_handle_t*>(&c->timer), on_closed);
}

void OnIdleTimeout(uv_timer_t* timer) { Close(static_cast<PooledConnection*>(timer->data)); }

void KeepIdle(PooledConnection* c) {
  auto& list = c->pool->idle[KeyOf(c)];
  if (c->pool->closing || list.size() >= c->pool->limits.max_idle_per_server) {
    if (list.empty()) c->pool->idle.erase(KeyOf(c));
    return Close(c);
  }
  c->phase = Phase::kIdle;
  list.push_back(c);
  uv_timer_start(&c->timer, OnIdleTimeout, c->pool->limits.idle_ms, 0);
}

void Finish(PooledConnection* c, ExchangeStatus status, int error = 0) {
  if (c->done) return;
  c->done = true;
  c->result.status = status;
  c->result.uv_error = error;
  c->result.elapsed_ms = static_cast<uint32_t>(uv_now(c->pool->loop) - c->started);
  uv_timer_stop(&c->timer);
  if (status == ExchangeStatus::kReply && c->phase == Phase::kBusy) {
    KeepIdle(c);
  } else {
    Close(c);
  }
  if (c->waiter) std::exchange(c->waiter, {}).resume();
}

// Reads land in the loop's shared buffer and OnRead appends them to the connection's own
// bytes before libuv reads again, so a connection holds only what it has received.
void OnAlloc(uv_handle_t*, size_t, uv_buf_t* buf) {
  std::span<char> buffer = ReceiveBuffer();
  *buf = uv_buf_init(buffer.data(), static_cast<unsigned>(buffer.size()));
}

void OnRead(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf) {
  auto* c = static_cast<PooledConnection*>(stream->data);
  if (c->phase == Phase::kIdle) return Close(c);  // Data or EOF while idle: retire it.
  if (c->done) return;
  if (nread < 0) return Finish(c, ExchangeStatus::kNetworkError, static_cast<int>(nread));
  c->received.insert(c->received.end(), buf->base, buf->base + nread);
  if (c->received.size() < 2) return;
  size_t length = size_t{c->received[0]} << 8 | c->received[1];
  if (c->received.size() < 2 + length) return;
  std::span<const uint8_t> message(c->received.data() + 2, length);
  bool accepted = c->filter(message);
  if (accepted) c->result.reply.assign(message.begin(), message.end());
  bool extra = c->received.size() > 2 + length;  // More than one reply: not ours to keep.
  if (extra) c->phase = Phase::kConnecting;      // Forces Close() in Finish.
  Finish(c, accepted ? ExchangeStatus::kReply : ExchangeStatus::kRejected);
}

void OnExchangeTimeout(uv_timer_t* timer) {
  Finish(static_cast<PooledConnection*>(timer->data), ExchangeStatus::kTimeout);
}

void Send(PooledConnection* c) {
  c->phase = Phase::kBusy;
  uv_buf_t buf = uv_buf_init(reinterpret_cast<char*>(c->framed.data()),
                             static_cast<unsigned>(c->framed.size()));
  int rc = uv_write(&c->write, reinterpret_cast<uv_stream_t*>(&c->tcp), &buf, 1,
                    [](uv_write_t* request, int status) {
                      auto* conn = static_cast<PooledConnection*>(request->data);
                      if (status < 0) Finish(conn, ExchangeStatus::kNetworkError, status);
                    });
  if (rc != 0) Finish(c, ExchangeStatus::kNetworkError, rc);
}

void OnConnected(uv_connect_t* request, int status) {
  auto* c = static_cast<PooledConnection*>(request->data);
  if (c->done || c->phase == Phase::kClosed) return;
  if (status < 0) return Finish(c, ExchangeStatus::kNetworkError, status);
  if (int rc = uv_read_start(reinterpret_cast<uv_stream_t*>(&c->tcp), OnAlloc, OnRead); rc != 0) {
    return Finish(c, ExchangeStatus::kNetworkError, rc);
  }
  Send(c);
}

PooledConnection* Open(const std::shared_ptr<State>& state, const Endpoint& server,
                       const std::optional<IpAddress>& source) {
  auto* c = new PooledConnection;
  c->pool = state;
  c->server = server;
  c->source = source;
  uv_tcp_init(state->loop, &c->tcp);
  uv_timer_init(state->loop, &c->timer);
  c->tcp.data = c->timer.data = c->connect.data = c->write.data = c;
  ++state->stats.opened;
  return c;
}

// Starts an exchange on `c`: connects first when the connection is new.
void Begin(PooledConnection* c, const std::vector<uint8_t>& query, ReplyFilter filter,
           uint32_t timeout_ms, const std::stop_token& stop) {
  bool fresh = c->phase == Phase::kConnecting;
  if (!fresh) RemoveIdle(c);
  c->done = false;
  c->started = uv_now(c->pool->loop);
  c->filter = std::move(filter);
  c->result = ExchangeResult{};
  c->received.clear();
  c->framed.resize(2 + query.size());
  c->framed[0] = static_cast<uint8_t>(query.size() >> 8);
  c->framed[1] = static_cast<uint8_t>(query.size());
  std::copy(query.begin(), query.end(), c->framed.begin() + 2);
  c->on_stop.reset();
  if (stop.stop_requested()) return Finish(c, ExchangeStatus::kCancelled);
  uv_timer_start(&c->timer, OnExchangeTimeout, timeout_ms, 0);
  c->on_stop.emplace(stop, std::function<void()>([c] { Finish(c, ExchangeStatus::kCancelled); }));
  if (!fresh) return Send(c);
  if (c->source) {
    if (int rc = BindTcpSource(&c->tcp, *c->source, c->server); rc != 0) return Finish(c, ExchangeStatus::kNetworkError, rc);
  }
  sockaddr_storage address;
  ToSockaddr(c->server, address);
  int rc = uv_tcp_connect(&c->connect, &c->tcp, reinterpret_cast<sockaddr*>(&address), OnConnected);
  if (rc != 0) Finish(c, ExchangeStatus::kNetworkError, rc);
}

struct ExchangeAwaiter {
  PooledConnection* c;
  bool await_ready() const noexcept { return c->done; }
  void await_suspend(std::coroutine_handle<> waiter) noexcept { c->waiter = waiter; }
  ExchangeResult await_resume() { return std::move(c->result); }
};

}  // namespace

TcpPool::TcpPool(uv_loop_t* loop, const TcpPoolLimits& limits) : state_(std::make_shared<State>()) {
  state_->loop = loop;
  state_->limits = limits;
}

TcpPool::~TcpPool() { Shutdown(); }

void TcpPool::Shutdown() {
  state_->closing = true;
  while (!state_->idle.empty()) {
    auto& list = state_->idle.begin()->second;
    if (list.empty()) {
      state_->idle.erase(state_->idle.begin());
      continue;
    }
    Close(list.front());
  }
}

size_t TcpPool::idle_connections() const {
  size_t count = 0;
  for (const auto& [server, list] : state_->idle) count += list.size();
  return count;
}

const TcpPoolStats& TcpPool::stats() const { return state_->stats; }

Task<ExchangeResult> TcpPool::Exchange(Endpoint server, std::vector<uint8_t> query,
                                       ReplyFilter filter, uint32_t timeout_ms,
                                       std::stop_token stop, std::optional<IpAddress> source) {
  std::shared_ptr<State> state = state_;
  for (int attempt = 0;; ++attempt) {
    PooledConnection* c = nullptr;
    auto it = state->idle.find(PoolKey{server, source});
    if (attempt == 0 && it != state->idle.end() && !it->second.empty()) {
      c = it->second.back();
      ++state->stats.reused;
    } else {
      c = Open(state, server, source);
    }
    bool reused = c->phase == Phase::kIdle;
    Begin(c, query, filter, timeout_ms, stop);
    ExchangeResult result = co_await ExchangeAwaiter{c};
    if (reused && result.status == ExchangeStatus::kNetworkError) {
      ++state->stats.stale_retries;
      continue;
    }
    co_return result;
  }
}

}  // namespace redoubt::io
