#include "net/io/tcp_stream.h"

#include <errno.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <coroutine>
#include <cstddef>
#include <utility>

#include "net/io/address.h"
#include "net/io/receive_buffer.h"

namespace redoubt::io {
namespace {

// One transfer and its connection. Freed when its three handles have closed, never by the
// coroutine: libuv may still call back into it after the coroutine has its result.
struct StreamConnection {
  uv_loop_t* loop = nullptr;
  uv_tcp_t tcp{};
  uv_timer_t deadline{};  // The whole transfer.
  uv_timer_t idle{};      // The wait for the next message.
  uv_connect_t connect{};
  uv_write_t write{};
  int open_handles = 3;
  bool done = false;
  bool closed = false;
  uint64_t started = 0;
  std::coroutine_handle<> waiter;
  StreamConsumer consumer;
  StreamOptions options;
  StreamResult result;
  std::vector<uint8_t> framed;    // The query and its prefix, alive until the write ends.
  std::vector<uint8_t> received;  // The unconsumed tail of the stream.
  std::optional<std::stop_callback<std::function<void()>>> on_stop;
};

void Close(StreamConnection* s) {
  if (s->closed) return;
  s->closed = true;
  uv_timer_stop(&s->deadline);
  uv_timer_stop(&s->idle);
  auto on_closed = [](uv_handle_t* handle) {
    auto* stream = static_cast<StreamConnection*>(handle->data);
    if (--stream->open_handles == 0) delete stream;
  };
  uv_close(reinterpret_cast<uv_handle_t*>(&s->tcp), on_closed);
  uv_close(reinterpret_cast<uv_handle_t*>(&s->deadline), on_closed);
  uv_close(reinterpret_cast<uv_handle_t*>(&s->idle), on_closed);
}

// Ends the exchange once: closes the connection (anything the server still sends is not
// read) and resumes the awaiting coroutine, which may run to its end inside this call.
void Finish(StreamConnection* s, ExchangeStatus status, int error = 0) {
  if (s->done) return;
  s->done = true;
  s->result.status = status;
  s->result.uv_error = error;
  s->result.elapsed_ms = static_cast<uint32_t>(uv_now(s->loop) - s->started);
  Close(s);
  if (s->waiter) std::exchange(s->waiter, {}).resume();
}

void OnDeadline(uv_timer_t* timer) {
  Finish(static_cast<StreamConnection*>(timer->data), ExchangeStatus::kTimeout);
}

void RestartIdle(StreamConnection* s) {
  uv_timer_start(&s->idle, OnDeadline, s->options.idle_ms, 0);
}

void OnAlloc(uv_handle_t*, size_t, uv_buf_t* buf) {
  std::span<char> buffer = ReceiveBuffer();
  *buf = uv_buf_init(buffer.data(), static_cast<unsigned>(buffer.size()));
}

// Hands every complete frame in `received` to the consumer, then drops the consumed prefix,
// so that what stays is at most one partial frame. Returns after Finish when the exchange
// ended (the consumer's verdict, a zero-length frame, or a stop requested by the consumer).
void DeliverFrames(StreamConnection* s) {
  size_t at = 0;
  while (!s->done && s->received.size() - at >= 2) {
    size_t length = size_t{s->received[at]} << 8 | s->received[at + 1];
    if (length == 0) return Finish(s, ExchangeStatus::kRejected);  // Not a DNS message.
    if (s->received.size() - at < 2 + length) break;
    ++s->result.messages;
    StreamStep step = s->consumer({s->received.data() + at + 2, length});
    at += 2 + length;
    if (s->done) return;  // The consumer requested stop.
    if (step == StreamStep::kDone) return Finish(s, ExchangeStatus::kReply);
    if (step == StreamStep::kAbort) return Finish(s, ExchangeStatus::kRejected);
    RestartIdle(s);
  }
  s->received.erase(s->received.begin(), s->received.begin() + static_cast<ptrdiff_t>(at));
}

void OnRead(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf) {
  auto* s = static_cast<StreamConnection*>(stream->data);
  if (s->done || nread == 0) return;
  // The server closing before the consumer said kDone is a failure even between two whole
  // messages: only the consumer knows the transfer is complete.
  if (nread < 0) return Finish(s, ExchangeStatus::kNetworkError, static_cast<int>(nread));
  s->result.bytes += static_cast<uint64_t>(nread);
  if (s->result.bytes > s->options.max_total_bytes) return Finish(s, ExchangeStatus::kRejected);
  s->received.insert(s->received.end(), buf->base, buf->base + nread);
  DeliverFrames(s);
}

void OnConnected(uv_connect_t* request, int status) {
  auto* s = static_cast<StreamConnection*>(request->data);
  if (s->done) return;  // Also UV_ECANCELED after Close.
  if (status < 0) return Finish(s, ExchangeStatus::kNetworkError, status);
  if (int rc = uv_read_start(reinterpret_cast<uv_stream_t*>(&s->tcp), OnAlloc, OnRead); rc != 0) {
    return Finish(s, ExchangeStatus::kNetworkError, rc);
  }
  uv_buf_t buf = uv_buf_init(reinterpret_cast<char*>(s->framed.data()),
                             static_cast<unsigned>(s->framed.size()));
  int rc = uv_write(&s->write, reinterpret_cast<uv_stream_t*>(&s->tcp), &buf, 1,
                    [](uv_write_t* write, int result) {
                      auto* conn = static_cast<StreamConnection*>(write->data);
                      if (result < 0) Finish(conn, ExchangeStatus::kNetworkError, result);
                    });
  if (rc != 0) Finish(s, ExchangeStatus::kNetworkError, rc);
}

StreamConnection* Open(uv_loop_t* loop, StreamConsumer consumer, StreamOptions options) {
  auto* s = new StreamConnection;
  s->loop = loop;
  s->consumer = std::move(consumer);
  s->options = std::move(options);
  s->started = uv_now(loop);
  uv_tcp_init(loop, &s->tcp);
  uv_timer_init(loop, &s->deadline);
  uv_timer_init(loop, &s->idle);
  s->tcp.data = s->deadline.data = s->idle.data = s->connect.data = s->write.data = s;
  return s;
}

// Arms the timers and the stop token, then connects; any failure finishes at once.
void Begin(StreamConnection* s, const Endpoint& server, const std::vector<uint8_t>& query) {
  s->framed.resize(2 + query.size());
  s->framed[0] = static_cast<uint8_t>(query.size() >> 8);
  s->framed[1] = static_cast<uint8_t>(query.size());
  std::copy(query.begin(), query.end(), s->framed.begin() + 2);
  uv_timer_start(&s->deadline, OnDeadline, s->options.timeout_ms, 0);
  RestartIdle(s);
  s->on_stop.emplace(s->options.stop,
                     std::function<void()>([s] { Finish(s, ExchangeStatus::kCancelled); }));
  if (s->done) return;
  if (s->options.source) {
    int rc = BindTcpSource(&s->tcp, *s->options.source, server);
    if (rc != 0) return Finish(s, ExchangeStatus::kNetworkError, rc);
  }
  sockaddr_storage address;
  ToSockaddr(server, address);
  int rc = uv_tcp_connect(&s->connect, &s->tcp, reinterpret_cast<sockaddr*>(&address), OnConnected);
  if (rc != 0) Finish(s, ExchangeStatus::kNetworkError, rc);
}

struct StreamAwaiter {
  StreamConnection* s;
  bool await_ready() const noexcept { return s->done; }
  void await_suspend(std::coroutine_handle<> waiter) noexcept { s->waiter = waiter; }
  StreamResult await_resume() { return s->result; }
};

}  // namespace

Task<StreamResult> TcpStreamExchange(uv_loop_t* loop, Endpoint server, std::vector<uint8_t> query,
                                     StreamConsumer consumer, StreamOptions options) {
  StreamResult refused;
  if (query.size() > kMaxMessageSize) {
    refused.uv_error = UV_EMSGSIZE;
    co_return refused;
  }
  if (options.stop.stop_requested()) {
    refused.status = ExchangeStatus::kCancelled;
    co_return refused;
  }
  StreamConnection* s = Open(loop, std::move(consumer), std::move(options));
  Begin(s, server, query);
  co_return co_await StreamAwaiter{s};
}

}  // namespace redoubt::io
