#include "net/io/http_server.h"

#include <uv.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <ctime>
#include <mutex>
#include <string_view>
#include <thread>
#include <unordered_set>
#include <vector>

#include "net/base/check.h"
#include "net/io/address.h"

namespace redoubt::io {

struct HttpConnection;

struct HttpServer::State {
  uv_loop_t loop{};
  uv_tcp_t listener{};
  uv_async_t stop_signal{};
  HttpHandler handler;
  HttpServerOptions options;
  Stats stats;
  Endpoint local;
  std::thread thread;
  std::mutex stop_mutex;
  bool stopped = false;  // Guarded by stop_mutex.
  // The server thread's alone from here on.
  std::unordered_set<HttpConnection*> connections;
  std::array<char, 16384> read_buffer{};
};

namespace {

using ServerState = HttpServer::State;
using http::HttpParse;
using http::HttpParseStatus;

enum class Phase { kReading, kResponding };

}  // namespace

// One client connection: a TCP handle and a timer, freed when both have closed. The write and
// shutdown requests live here too; libuv cancels them (their callbacks see `closed`) before it
// runs the handles' close callbacks.
struct HttpConnection {
  uv_tcp_t tcp{};
  uv_timer_t timer{};
  uv_write_t write{};
  uv_shutdown_t shutdown{};
  ServerState* server = nullptr;
  std::string head;      // What has arrived of the request head (at most the limit + 1).
  std::string response;  // Rendered; alive until the write's callback.
  Phase phase = Phase::kReading;
  bool closed = false, eof = false, written = false;
  int open_handles = 2;
};

namespace {

uv_handle_t* AsHandle(auto* handle) { return reinterpret_cast<uv_handle_t*>(handle); }
uv_stream_t* AsStream(uv_tcp_t* tcp) { return reinterpret_cast<uv_stream_t*>(tcp); }

void CloseConnection(HttpConnection* c) {
  if (c->closed) return;
  c->closed = true;
  c->server->connections.erase(c);
  auto on_closed = [](uv_handle_t* handle) {
    auto* conn = static_cast<HttpConnection*>(handle->data);
    if (--conn->open_handles == 0) delete conn;
  };
  uv_close(AsHandle(&c->tcp), on_closed);
  uv_close(AsHandle(&c->timer), on_closed);
}

// IMF-fixdate (RFC 9110 section 5.6.7), independent of the locale.
std::string HttpDate() {
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  if (gmtime_r(&now, &tm) == nullptr || tm.tm_wday < 0 || tm.tm_wday > 6 || tm.tm_mon < 0 ||
      tm.tm_mon > 11) {
    return "";
  }
  char text[40];
  std::snprintf(text, sizeof text, "%s, %02d %s %04d %02d:%02d:%02d GMT", kDays[tm.tm_wday],
                tm.tm_mday, kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                tm.tm_sec);
  return text;
}

HttpResponse ErrorResponse(int status) {
  HttpResponse response;
  response.status = status;
  response.body = std::string(http::HttpReasonPhrase(status)) + "\n";
  return response;
}

void OnTimeout(uv_timer_t* timer);
void OnWritten(uv_write_t* request, int status);

// Sends `response` and moves to the responding phase: the timer starts again for the write
// (and the lingering close after it). Reading goes on, discarding, until the client's EOF.
void Respond(HttpConnection* c, HttpResponse response, bool head_only) {
  bool dated = std::any_of(response.headers.begin(), response.headers.end(),
                           [](const auto& field) { return field.first == "Date"; });
  if (std::string date = dated ? "" : HttpDate(); !date.empty()) {
    response.headers.emplace_back("Date", date);  // RFC 9110 section 6.6.1.
  }
  c->phase = Phase::kResponding;
  c->head.clear();
  c->head.shrink_to_fit();
  c->response = http::RenderHttpResponse(response, head_only);
  uv_timer_start(&c->timer, OnTimeout, c->server->options.request_timeout_ms, 0);
  uv_buf_t buf = uv_buf_init(c->response.data(), static_cast<unsigned>(c->response.size()));
  if (uv_write(&c->write, AsStream(&c->tcp), &buf, 1, OnWritten) != 0) CloseConnection(c);
}

void OnTimeout(uv_timer_t* timer) {
  auto* c = static_cast<HttpConnection*>(timer->data);
  if (c->closed) return;
  if (c->phase == Phase::kReading) {
    ++c->server->stats.timeouts;
    return Respond(c, ErrorResponse(408), false);
  }
  if (!c->written) ++c->server->stats.timeouts;  // A peer that does not read.
  CloseConnection(c);  // Or one that got its response and does not close.
}

void OnShutdown(uv_shutdown_t* request, int status) {
  auto* c = static_cast<HttpConnection*>(request->data);
  if (c->closed) return;
  if (status < 0 || c->eof) CloseConnection(c);
}

void OnWritten(uv_write_t* request, int status) {
  auto* c = static_cast<HttpConnection*>(request->data);
  if (c->closed) return;
  if (status < 0 || c->eof) return CloseConnection(c);
  c->written = true;
  if (uv_shutdown(&c->shutdown, AsStream(&c->tcp), OnShutdown) != 0) CloseConnection(c);
}

// The handler's answer to a complete head: 405 for methods other than GET and HEAD (RFC 9110
// section 15.5.6), 500 when the handler throws.
void HandleRequest(HttpConnection* c, const HttpRequest& request) {
  bool head = request.method == "HEAD";
  if (!head && request.method != "GET") {
    HttpResponse response = ErrorResponse(405);
    response.headers.emplace_back("Allow", "GET, HEAD");
    return Respond(c, std::move(response), head);
  }
  HttpResponse response;
  try {
    response = c->server->handler(request);
  } catch (...) {
    response = ErrorResponse(500);
  }
  Respond(c, std::move(response), head);
}

void Dispatch(HttpConnection* c) {
  HttpParse parse = http::ParseHttpRequest(
      std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(c->head.data()), c->head.size()),
      c->server->options.max_header_octets);
  switch (parse.status) {
    case HttpParseStatus::kIncomplete:
      return;
    case HttpParseStatus::kBad:
      ++c->server->stats.bad_requests;
      return Respond(c, ErrorResponse(400), false);
    case HttpParseStatus::kTooLarge:
      ++c->server->stats.bad_requests;
      return Respond(c, ErrorResponse(431), false);
    case HttpParseStatus::kComplete:
      ++c->server->stats.requests;
      return HandleRequest(c, parse.request);
  }
}

void OnAlloc(uv_handle_t* handle, size_t, uv_buf_t* buf) {
  auto* c = static_cast<HttpConnection*>(handle->data);
  *buf = uv_buf_init(c->server->read_buffer.data(),
                     static_cast<unsigned>(c->server->read_buffer.size()));
}

// Whether `chunk` may change the parser's verdict on a head whose complete lines it has judged
// already: a line end, or a control octet (never valid, so a TLS ClientHello gets its 400 at
// once; at most once per connection, as the verdict is then kBad).
bool MayDecide(std::string_view chunk) noexcept {
  return std::any_of(chunk.begin(), chunk.end(), [](char c) {
    auto u = static_cast<unsigned char>(c);
    return u == '\n' || u == 0x7F || (u < 0x20 && u != '\r' && u != '\t');
  });
}

// Keeps at most the limit + 1 octets of head. The parser runs again only when the chunk may
// decide (MayDecide) or the limit was reached: a client sending one octet at a time costs one
// parse per line, not one per octet.
void OnRead(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf) {
  auto* c = static_cast<HttpConnection*>(stream->data);
  if (c->closed) return;
  if (nread < 0) {
    if (nread != UV_EOF || c->phase == Phase::kReading || c->written) return CloseConnection(c);
    c->eof = true;  // The response is still being written; OnWritten closes.
    uv_read_stop(stream);
    return;
  }
  if (nread == 0 || c->phase != Phase::kReading) return;  // Lingering: discard.
  size_t limit = c->server->options.max_header_octets + 1;
  size_t take = std::min(static_cast<size_t>(nread), limit - std::min(limit, c->head.size()));
  std::string_view chunk(buf->base, take);
  c->head.append(chunk);
  if (MayDecide(chunk) || c->head.size() >= limit - 1) Dispatch(c);
}

void OnConnection(uv_stream_t* listener, int status) {
  auto* server = static_cast<ServerState*>(listener->data);
  if (status < 0) return;
  auto* c = new HttpConnection;
  c->server = server;
  c->tcp.data = c->timer.data = c->write.data = c->shutdown.data = c;
  uv_tcp_init(&server->loop, &c->tcp);
  uv_timer_init(&server->loop, &c->timer);
  if (uv_accept(listener, AsStream(&c->tcp)) != 0) return CloseConnection(c);
  if (server->connections.size() >= server->options.max_connections) {
    ++server->stats.refused_connections;
    return CloseConnection(c);
  }
  server->connections.insert(c);
  uv_timer_start(&c->timer, OnTimeout, server->options.request_timeout_ms, 0);
  if (uv_read_start(AsStream(&c->tcp), OnAlloc, OnRead) != 0) CloseConnection(c);
}

// Runs on the server thread when Stop() signals: closes every handle, so uv_run returns.
void OnStopSignal(uv_async_t* async) {
  auto* server = static_cast<ServerState*>(async->data);
  uv_close(AsHandle(&server->listener), nullptr);
  std::vector<HttpConnection*> open(server->connections.begin(), server->connections.end());
  for (HttpConnection* c : open) CloseConnection(c);
  uv_close(AsHandle(async), nullptr);
}

// Closes the listener of a server that failed to start and the loop under it.
void AbandonLoop(ServerState& state) {
  uv_close(AsHandle(&state.listener), nullptr);
  uv_run(&state.loop, UV_RUN_DEFAULT);
  uv_loop_close(&state.loop);
}

// Binds and listens: uv_tcp_bind may leave EADDRINUSE to uv_listen, so both are one step.
int Listen(ServerState& state, const Endpoint& address) {
  sockaddr_storage storage{};
  ToSockaddr(address, storage);
  unsigned flags = address.address.is_v4() ? 0 : UV_TCP_IPV6ONLY;
  int rc = uv_tcp_bind(&state.listener, reinterpret_cast<const sockaddr*>(&storage), flags);
  if (rc == 0) rc = uv_listen(AsStream(&state.listener), 128, OnConnection);
  if (rc == 0) {
    sockaddr_storage bound{};
    int length = sizeof bound;
    rc = uv_tcp_getsockname(&state.listener, reinterpret_cast<sockaddr*>(&bound), &length);
    state.local = FromSockaddr(reinterpret_cast<const sockaddr*>(&bound));
  }
  return rc;
}

}  // namespace

Result<std::unique_ptr<HttpServer>, std::string> HttpServer::Start(Endpoint address,
                                                                   HttpHandler handler,
                                                                   HttpServerOptions options) {
  auto fail = [&](const char* what, int rc) {
    return Unexpected<std::string>(std::string("cannot ") + what + " " + address.ToString() +
                                   ": " + uv_strerror(rc));
  };
  auto state = std::make_unique<State>();
  state->handler = std::move(handler);
  state->options = options;
  if (int rc = uv_loop_init(&state->loop); rc != 0) return fail("start a loop for", rc);
  uv_tcp_init(&state->loop, &state->listener);
  state->listener.data = state.get();
  if (int rc = Listen(*state, address); rc != 0) {
    AbandonLoop(*state);
    return fail("listen on", rc);
  }
  if (int rc = uv_async_init(&state->loop, &state->stop_signal, OnStopSignal); rc != 0) {
    AbandonLoop(*state);
    return fail("start a loop for", rc);
  }
  state->stop_signal.data = state.get();
  try {
    State* s = state.get();
    state->thread = std::thread([s] { uv_run(&s->loop, UV_RUN_DEFAULT); });
  } catch (...) {
    uv_close(AsHandle(&state->stop_signal), nullptr);
    AbandonLoop(*state);
    return fail("start a thread for", UV_EAGAIN);
  }
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(state)));
}

HttpServer::HttpServer(std::unique_ptr<State> state) : state_(std::move(state)) {}

HttpServer::~HttpServer() { Stop(); }

Endpoint HttpServer::local() const noexcept { return state_->local; }

const HttpServer::Stats& HttpServer::stats() const noexcept { return state_->stats; }

void HttpServer::Stop() {
  std::lock_guard lock(state_->stop_mutex);
  if (state_->stopped) return;
  state_->stopped = true;
  CHECK(std::this_thread::get_id() != state_->thread.get_id());
  uv_async_send(&state_->stop_signal);
  state_->thread.join();
  CHECK(uv_loop_close(&state_->loop) == 0);
}

}  // namespace redoubt::io
