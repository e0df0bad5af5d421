#include <errno.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <functional>
#include <optional>
#include <stop_token>
#include <utility>

#include "net/io/address.h"
#include "net/io/exchange.h"
#include "net/io/receive_buffer.h"
#include "net/io/udp_poller.h"
#include "net/io/udp_socket.h"

namespace redoubt::io {
namespace {

// State of one UDP exchange. Freed when its handles have closed, which libuv reports on a
// later loop turn than the one that finished the exchange, so the awaiting coroutine can still
// read `result` when it is resumed (and a UdpPoller that took this op's event in the same batch
// as the one that finished it still finds the op, marked done).
struct UdpOp : UdpPoller::Watch {
  uv_loop_t* loop = nullptr;
  uv_poll_t poll{};  // Unused when the socket is watched by a UdpPoller.
  uv_timer_t timer{};
  int fd = -1;
  int open_handles = 0;
  bool poll_open = false;
  bool watched = false;  // By a UdpPoller: the socket is closed as the exchange finishes.
  // The query, for a send the poller makes at the end of the turn; the awaiting coroutine's
  // frame holds the bytes until the exchange finishes, and a finished exchange sends nothing.
  std::span<const uint8_t> query;
  UdpPoller* poller = nullptr;  // Set when watched.
  // Borrowed from the poller (its socket reuse): connected for this exchange only, given back
  // as the exchange finishes.
  UdpPoller::PooledSocket* pooled = nullptr;
  bool done = false;
  uint64_t started = 0;
  std::coroutine_handle<> waiter;
  ReplyFilter filter;
  bool keep_waiting = false;  // UdpOptions::keep_waiting_after_rejected.
  // Destroyed with the op, on the loop thread, after the handles closed.
  std::optional<std::stop_callback<std::function<void()>>> on_stop;
  ExchangeResult result;
  // No receive buffer here: replies land in the loop's shared one (receive_buffer.h) and only
  // the octets received are copied into `result.reply`.
};

void OnClosed(uv_handle_t* handle) {
  auto* op = static_cast<UdpOp*>(handle->data);
  if (--op->open_handles > 0) return;
  if (op->fd >= 0) close(op->fd);  // uv_poll_t does not own the descriptor.
  delete op;
}

void Finish(UdpOp* op, ExchangeStatus status, int error = 0) {
  if (op->done) return;
  op->done = true;
  op->result.status = status;
  op->result.uv_error = error;
  op->result.elapsed_ms = static_cast<uint32_t>(uv_now(op->loop) - op->started);
  uv_timer_stop(&op->timer);
  uv_close(reinterpret_cast<uv_handle_t*>(&op->timer), OnClosed);
  if (op->poll_open) {
    uv_close(reinterpret_cast<uv_handle_t*>(&op->poll), OnClosed);
  } else {
    --op->open_handles;  // The poll handle was never initialised.
  }
  if (op->watched) {  // Closing the socket takes it out of the poller's epoll set.
    if (op->queued) op->poller->Unqueue(op);  // Freed by a close callback, maybe before the send.
    if (op->pooled != nullptr) {
      // Kept only after a clean reply: a timed-out or refused socket may still get datagrams.
      UdpPoller::Release(std::exchange(op->pooled, nullptr), status == ExchangeStatus::kReply);
    } else {
      close(op->fd);
    }
    op->fd = -1;
  }
  if (op->waiter) op->waiter.resume();
}

// The largest fragment the kernel reassembled the datagram from, 0 when it came whole
// (IP_RECVFRAGSIZE, IPV6_RECVFRAGSIZE; Linux 4.11).
uint16_t FragmentSize(msghdr& message) {
  for (cmsghdr* c = CMSG_FIRSTHDR(&message); c != nullptr; c = CMSG_NXTHDR(&message, c)) {
    bool v4 = c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_RECVFRAGSIZE;
    bool v6 = c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_RECVFRAGSIZE;
    if ((v4 || v6) && c->cmsg_len >= CMSG_LEN(sizeof(int))) {
      int size = 0;
      std::memcpy(&size, CMSG_DATA(c), sizeof(size));
      return static_cast<uint16_t>(std::clamp(size, 1, 65535));
    }
  }
  return 0;
}

// Reads one datagram with recvmsg, so the kernel's fragment information is seen (libuv's
// uv_udp_recv_cb does not pass control messages on). A pending ICMP error (connection refused)
// comes back from recvmsg as its errno.
void ReadReply(UdpOp* op) {
  std::span<char> buffer = ReceiveBuffer();
  iovec io{buffer.data(), buffer.size()};
  alignas(cmsghdr) std::array<char, CMSG_SPACE(sizeof(int)) * 2> control{};
  msghdr message{};
  message.msg_iov = &io;
  message.msg_iovlen = 1;
  message.msg_control = control.data();
  message.msg_controllen = control.size();
  ssize_t nread = recvmsg(op->fd, &message, MSG_DONTWAIT);
  if (nread < 0) {
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return;
    return Finish(op, ExchangeStatus::kNetworkError, uv_translate_sys_error(errno));
  }
  if (nread == 0) return;
  std::span<const uint8_t> bytes(reinterpret_cast<const uint8_t*>(buffer.data()),
                                 static_cast<size_t>(nread));
  op->result.fragment_size = FragmentSize(message);
  if ((message.msg_flags & MSG_TRUNC) != 0 || !op->filter(bytes)) {
    if (!op->keep_waiting) return Finish(op, ExchangeStatus::kRejected);
    ++op->result.rejected;
    return;
  }
  op->result.reply.assign(bytes.begin(), bytes.end());
  Finish(op, ExchangeStatus::kReply);
}

void OnReadable(uv_poll_t* handle, int status, int) {
  auto* op = static_cast<UdpOp*>(handle->data);
  if (op->done) return;
  if (status < 0) return Finish(op, ExchangeStatus::kNetworkError, status);
  ReadReply(op);
}

void OnWatchedReady(UdpPoller::Watch* watch, uint32_t) {
  auto* op = static_cast<UdpOp*>(watch);
  if (!op->done) ReadReply(op);
}

void SendQuery(UdpOp* op) {
  if (send(op->fd, op->query.data(), op->query.size(), MSG_DONTWAIT) < 0) {
    Finish(op, ExchangeStatus::kNetworkError, uv_translate_sys_error(errno));
  }
}

void OnQueuedSend(UdpPoller::Watch* watch) {
  auto* op = static_cast<UdpOp*>(watch);
  if (!op->done) SendQuery(op);
}

void OnTimeout(uv_timer_t* timer) {
  auto* op = static_cast<UdpOp*>(timer->data);
  Finish(op, op->result.rejected > 0 ? ExchangeStatus::kRejected : ExchangeStatus::kTimeout);
}

// A UDP socket (OpenUpstreamUdpSocket) connected to `server`, bound to `source` (or the
// wildcard address) on the first free port of `ports`. Returns the descriptor or -errno.
int OpenConnectedSocket(const Endpoint& server, const std::vector<uint16_t>& ports,
                        const std::optional<IpAddress>& source, uint16_t& bound_port) {
  if (source && source->family() != server.address.family()) return -EAFNOSUPPORT;
  sockaddr_storage remote;
  socklen_t remote_length = ToSockaddr(server, remote);
  int family = remote.ss_family;
  int fd = OpenUpstreamUdpSocket(family);
  if (fd < 0) return fd;
  Endpoint local{family == AF_INET ? IpAddress::V4({0, 0, 0, 0}) : IpAddress::V6({}), 0};
  if (source) local.address = *source;
  int error = 0;
  bound_port = 0;
  for (uint16_t port : ports) {
    local.port = port;
    sockaddr_storage address;
    socklen_t length = ToSockaddr(local, address);
    if (bind(fd, reinterpret_cast<sockaddr*>(&address), length) == 0) {
      error = 0;
      bound_port = port;
      break;
    }
    error = -errno;
    if (errno != EADDRINUSE) break;
  }
  if (error == 0 && connect(fd, reinterpret_cast<sockaddr*>(&remote), remote_length) != 0) {
    error = -errno;
  }
  if (error != 0) {
    close(fd);
    return error;
  }
  if (bound_port == 0) {  // The kernel chose: ask which.
    sockaddr_storage bound;
    socklen_t bound_length = sizeof(bound);
    getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &bound_length);
    bound_port = FromSockaddr(reinterpret_cast<sockaddr*>(&bound)).port;
  }
  return fd;
}

constexpr int kNotBorrowed = 0;  // Descriptor 0 is never an upstream socket (stdin).

// Borrows a socket of the poller's pool for the exchange and connects it to `server`: the
// kernel binds it to a random port of its range at the connect. Returns its descriptor, -errno
// when the connect failed (the socket is then the op's, given back by Finish), or kNotBorrowed
// when the pool lends nothing or the exchange must choose its source (address or ports).
int ConnectBorrowedSocket(UdpOp* op, const Endpoint& server, const UdpOptions& options) {
  bool kernel_chooses_port = options.source_ports.empty() ||
                             (options.source_ports.size() == 1 && options.source_ports[0] == 0);
  if (options.poller == nullptr || options.source_address || !kernel_chooses_port) return kNotBorrowed;
  sockaddr_storage address;
  socklen_t length = ToSockaddr(server, address);
  UdpPoller::PooledSocket* socket = options.poller->Acquire(address.ss_family, op);
  if (socket == nullptr) return kNotBorrowed;
  op->pooled = socket;
  op->poller = options.poller;
  op->watched = true;
  op->fd = socket->fd;
  if (connect(socket->fd, reinterpret_cast<sockaddr*>(&address), length) != 0) return -errno;
  return socket->fd;
}

// Opens the exchange's own socket (OpenConnectedSocket), watched by the poller when there is
// one. Returns its descriptor or -errno.
int OpenOwnSocket(UdpOp* op, const Endpoint& server, const UdpOptions& options) {
  int fd = OpenConnectedSocket(server, options.source_ports, options.source_address,
                               op->result.source_port);
  if (fd < 0) return fd;
  op->fd = fd;
  op->watched = options.poller != nullptr && options.poller->Add(fd, op);
  if (op->watched) op->poller = options.poller;
  return fd;
}

void Start(UdpOp* op, const Endpoint& server, const std::vector<uint8_t>& query,
           const UdpOptions& options) {
  uv_timer_init(op->loop, &op->timer);
  op->timer.data = op;
  op->open_handles = 2;
  op->started = uv_now(op->loop);
  op->ready = OnWatchedReady;
  op->send = OnQueuedSend;
  op->query = query;
  int fd = ConnectBorrowedSocket(op, server, options);
  if (fd == kNotBorrowed) fd = OpenOwnSocket(op, server, options);
  if (fd < 0) return Finish(op, ExchangeStatus::kNetworkError, uv_translate_sys_error(-fd));
  if (!op->watched) {
    if (int rc = uv_poll_init(op->loop, &op->poll, fd); rc != 0) {
      return Finish(op, ExchangeStatus::kNetworkError, rc);
    }
    op->poll.data = op;
    op->poll_open = true;
  }
  if (options.stop.stop_requested()) return Finish(op, ExchangeStatus::kCancelled);
  op->on_stop.emplace(options.stop, std::function<void()>([op] { Finish(op, ExchangeStatus::kCancelled); }));
  uv_timer_start(&op->timer, OnTimeout, options.timeout_ms, 0);
  if (op->watched && options.poller->QueueSend(op)) return;
  if (op->poll_open) uv_poll_start(&op->poll, UV_READABLE, OnReadable);
  SendQuery(op);
}

struct UdpAwaiter {
  UdpOp* op;
  bool await_ready() const noexcept { return op->done; }
  void await_suspend(std::coroutine_handle<> waiter) noexcept { op->waiter = waiter; }
  ExchangeResult await_resume() { return std::move(op->result); }
};

}  // namespace

Task<ExchangeResult> UdpExchange(uv_loop_t* loop, Endpoint server, std::vector<uint8_t> query,
                                 ReplyFilter filter, UdpOptions options) {
  if (options.source_ports.empty()) options.source_ports.push_back(0);
  auto* op = new UdpOp;
  op->loop = loop;
  op->filter = std::move(filter);
  op->keep_waiting = options.keep_waiting_after_rejected;
  Start(op, server, query, options);
  co_return co_await UdpAwaiter{op};
}

}  // namespace redoubt::io
