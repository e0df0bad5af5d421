#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>

#include "net/io/address.h"
#include "net/io/receive_buffer.h"
#include "net/io/listener.h"

namespace redoubt::io {

struct TcpListener::State {
  uv_tcp_t tcp{};
  uv_loop_t* loop = nullptr;
  QueryHandler handler;
  ListenerStats* stats = nullptr;
  TcpLimits limits;
  TaskScope* scope = nullptr;
  uint32_t clients = 0;
  bool closed = false;
  std::shared_ptr<State> self;
  std::vector<std::weak_ptr<struct TcpConnection>> connections;
};

// One client connection. In-flight queries hold a shared_ptr, so a reply finishing after the
// connection closed finds it still in memory, sees `closed` and drops the reply.
struct TcpConnection {
  uv_tcp_t tcp{};
  uv_timer_t idle{};
  std::shared_ptr<TcpListener::State> server;
  Endpoint client;
  std::vector<uint8_t> pending;
  uint32_t in_flight = 0;
  int open_handles = 0;
  bool closed = false, reading = false, eof = false;
  std::shared_ptr<TcpConnection> self;
};

namespace {

using ServerState = TcpListener::State;

void CloseConnection(TcpConnection* c) {
  if (c->closed) return;
  c->closed = true;
  --c->server->clients;
  uv_timer_stop(&c->idle);
  auto on_closed = [](uv_handle_t* handle) {
    auto* conn = static_cast<TcpConnection*>(handle->data);
    if (--conn->open_handles == 0) conn->self.reset();
  };
  uv_close(reinterpret_cast<uv_handle_t*>(&c->tcp), on_closed);
  uv_close(reinterpret_cast<uv_handle_t*>(&c->idle), on_closed);
}

void OnIdle(uv_timer_t* timer) {
  auto* c = static_cast<TcpConnection*>(timer->data);
  if (c->in_flight == 0) CloseConnection(c);
}

void TouchIdle(TcpConnection* c) {
  if (!c->closed) uv_timer_start(&c->idle, OnIdle, c->server->limits.idle_timeout_ms, 0);
}

// Reads land in the loop's shared buffer and OnRead appends them to the connection's own
// bytes before libuv reads again, so a connection holds only what it has received.
void OnAlloc(uv_handle_t*, size_t, uv_buf_t* buf) {
  std::span<char> buffer = ReceiveBuffer();
  *buf = uv_buf_init(buffer.data(), static_cast<unsigned>(buffer.size()));
}

void OnRead(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf);

void ResumeReading(TcpConnection* c) {
  if (c->closed || c->reading || c->eof) return;
  c->reading = uv_read_start(reinterpret_cast<uv_stream_t*>(&c->tcp), OnAlloc, OnRead) == 0;
}

void PauseReading(TcpConnection* c) {
  if (!c->reading) return;
  uv_read_stop(reinterpret_cast<uv_stream_t*>(&c->tcp));
  c->reading = false;
}

struct WriteRequest {
  uv_write_t request{};
  std::vector<uint8_t> framed;
  std::shared_ptr<TcpConnection> connection;
};

void SendReply(const std::shared_ptr<TcpConnection>& c, const std::vector<uint8_t>& reply) {
  auto* write = new WriteRequest;
  write->framed.resize(2 + reply.size());
  write->framed[0] = static_cast<uint8_t>(reply.size() >> 8);
  write->framed[1] = static_cast<uint8_t>(reply.size());
  std::copy(reply.begin(), reply.end(), write->framed.begin() + 2);
  write->connection = c;
  write->request.data = write;
  uv_buf_t buf = uv_buf_init(reinterpret_cast<char*>(write->framed.data()),
                             static_cast<unsigned>(write->framed.size()));
  int rc = uv_write(&write->request, reinterpret_cast<uv_stream_t*>(&c->tcp), &buf, 1,
                    [](uv_write_t* request, int) { delete static_cast<WriteRequest*>(request->data); });
  if (rc != 0) {
    delete write;
    CloseConnection(c.get());
    return;
  }
  ++c->server->stats->replies;
}

void ProcessPending(TcpConnection* c);

Task<void> Answer(std::shared_ptr<TcpConnection> c, std::vector<uint8_t> query) {
  std::vector<uint8_t> reply = co_await c->server->handler(std::move(query), {c->client, true});
  --c->in_flight;
  if (c->closed) co_return;
  if (!reply.empty() && reply.size() <= 65535) SendReply(c, reply);
  if (c->closed) co_return;
  TouchIdle(c.get());
  if (c->eof && c->in_flight == 0) {
    CloseConnection(c.get());
    co_return;
  }
  ProcessPending(c.get());
  if (c->in_flight < c->server->limits.max_in_flight) ResumeReading(c.get());
}

// Starts every complete length-prefixed query in `pending`, up to the in-flight limit.
void ProcessPending(TcpConnection* c) {
  while (!c->closed && c->pending.size() >= 2 && c->in_flight < c->server->limits.max_in_flight) {
    size_t length = size_t{c->pending[0]} << 8 | c->pending[1];
    if (length == 0) {
      ++c->server->stats->tcp_bad_frames;
      return CloseConnection(c);
    }
    if (c->pending.size() < 2 + length) return;
    std::vector<uint8_t> query(c->pending.begin() + 2, c->pending.begin() + 2 + static_cast<ptrdiff_t>(length));
    c->pending.erase(c->pending.begin(), c->pending.begin() + 2 + static_cast<ptrdiff_t>(length));
    ++c->in_flight;
    ++c->server->stats->queries;
    StartQueryTask(c->server->scope, Answer(c->self, std::move(query)));
  }
  if (c->in_flight >= c->server->limits.max_in_flight) PauseReading(c);
}

void OnRead(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf) {
  auto* c = static_cast<TcpConnection*>(stream->data);
  if (c->closed) return;
  if (nread < 0) {
    c->eof = true;
    PauseReading(c);
    if (c->in_flight == 0) CloseConnection(c);
    return;
  }
  c->pending.insert(c->pending.end(), buf->base, buf->base + nread);
  TouchIdle(c);
  ProcessPending(c);
}

void OnConnection(uv_stream_t* listener, int status) {
  auto* server = static_cast<ServerState*>(listener->data);
  if (status < 0 || server->closed) return;
  auto c = std::make_shared<TcpConnection>();
  uv_tcp_init(server->loop, &c->tcp);
  uv_timer_init(server->loop, &c->idle);
  c->tcp.data = c->idle.data = c.get();
  c->open_handles = 2;
  c->server = server->self;
  c->self = c;
  ++server->clients;
  if (uv_accept(listener, reinterpret_cast<uv_stream_t*>(&c->tcp)) != 0) {
    return CloseConnection(c.get());
  }
  if (server->clients > server->limits.max_clients) {
    ++server->stats->tcp_refused;
    return CloseConnection(c.get());
  }
  ++server->stats->tcp_connections;
  sockaddr_storage peer;
  int length = sizeof(peer);
  uv_tcp_getpeername(&c->tcp, reinterpret_cast<sockaddr*>(&peer), &length);
  c->client = FromSockaddr(reinterpret_cast<sockaddr*>(&peer));
  std::erase_if(server->connections, [](const auto& weak) { return weak.expired(); });
  server->connections.push_back(c);
  TouchIdle(c.get());
  ResumeReading(c.get());
}

}  // namespace

Result<std::unique_ptr<TcpListener>> TcpListener::Open(uv_loop_t* loop, const Endpoint& address,
                                                       QueryHandler handler,
                                                       ListenerStats* stats,
                                                       const TcpLimits& limits, TaskScope* scope) {
  int fd = OpenBoundSocket(address, SOCK_STREAM);
  if (fd < 0) return Fail(Errc::kIo, static_cast<uint32_t>(-fd));
  auto state = std::make_shared<State>();
  state->loop = loop;
  state->scope = scope;
  state->handler = std::move(handler);
  state->stats = stats;
  state->limits = limits;
  uv_tcp_init(loop, &state->tcp);
  state->tcp.data = state.get();
  state->self = state;
  Endpoint local = BoundAddress(fd);
  if (uv_tcp_open(&state->tcp, fd) != 0) {
    close(fd);
    TcpListener failed(state, local);
    return Fail(Errc::kIo);
  }
  if (uv_listen(reinterpret_cast<uv_stream_t*>(&state->tcp), 128, OnConnection) != 0) {
    TcpListener failed(state, local);
    return Fail(Errc::kIo);
  }
  return std::unique_ptr<TcpListener>(new TcpListener(std::move(state), local));
}

TcpListener::TcpListener(std::shared_ptr<State> state, Endpoint local)
    : state_(std::move(state)), local_(local) {}

TcpListener::~TcpListener() { Close(); }

void TcpListener::Close() {
  if (!state_ || state_->closed) return;
  state_->closed = true;
  for (const auto& weak : state_->connections) {
    if (auto c = weak.lock()) CloseConnection(c.get());
  }
  uv_close(reinterpret_cast<uv_handle_t*>(&state_->tcp), [](uv_handle_t* handle) {
    static_cast<ServerState*>(handle->data)->self.reset();
  });
}

}  // namespace redoubt::io
