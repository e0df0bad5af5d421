#include <errno.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cstring>

#include "net/io/address.h"
#include "net/io/listener.h"
#include "net/io/receive_buffer.h"

namespace redoubt::io {

// A reply waiting for the end of the loop turn.
struct QueuedReply {
  std::vector<uint8_t> bytes;
  sockaddr_storage to{};
  socklen_t to_length = 0;
};

struct UdpListener::State {
  uv_udp_t udp{};
  uv_prepare_t turn_end{};  // Sends the queued replies with one sendmmsg.
  int open_handles = 2;
  std::vector<QueuedReply> queued;  // The first `queued_count` are waiting; the rest are spare.
  size_t queued_count = 0;
  QueryHandler handler;
  FastQueryHandler fast;
  std::vector<uint8_t> fast_reply;  // The fast handler's reply buffer, reused.
  ListenerStats* stats = nullptr;
  TaskScope* scope = nullptr;
  bool closed = false;
  std::shared_ptr<State> self;  // Keeps the state alive until libuv has closed the handle.
};

namespace {

using State = UdpListener::State;

// libuv hands every datagram of a batch to OnReceive before it asks for another buffer, and
// OnReceive copies each query out, so every listener of the loop can share one batch buffer.
void OnAlloc(uv_handle_t*, size_t, uv_buf_t* buf) {
  std::span<char> buffer = ReceiveBatchBuffer();
  *buf = uv_buf_init(buffer.data(), static_cast<unsigned>(buffer.size()));
}

constexpr size_t kMaxQueued = 64;

// Sends every queued reply, in order, with sendmmsg (as few calls as the kernel takes); a reply
// the kernel refuses (a full socket buffer) is counted as a send failure and dropped, as
// uv_udp_try_send did for one.
void SendQueued(State& state) {
  if (state.queued_count == 0) return;
  uv_os_fd_t fd = -1;
  uv_fileno(reinterpret_cast<uv_handle_t*>(&state.udp), &fd);
  // Only the entries used are set (zeroing all kMaxQueued cost more than the rest of a cache
  // hit's user-space work when a turn had one reply to send).
  std::array<mmsghdr, kMaxQueued> messages;
  std::array<iovec, kMaxQueued> parts;
  size_t count = state.queued_count;
  for (size_t i = 0; i < count; ++i) {
    QueuedReply& reply = state.queued[i];
    parts[i] = iovec{reply.bytes.data(), reply.bytes.size()};
    messages[i] = mmsghdr{};
    messages[i].msg_hdr.msg_iov = &parts[i];
    messages[i].msg_hdr.msg_iovlen = 1;
    messages[i].msg_hdr.msg_name = &reply.to;
    messages[i].msg_hdr.msg_namelen = reply.to_length;
  }
  size_t sent = 0;
  while (sent < count) {
    int n = sendmmsg(fd, messages.data() + sent, static_cast<unsigned>(count - sent), MSG_DONTWAIT);
    if (n <= 0) {
      if (n < 0 && errno == EINTR) continue;
      ++state.stats->send_failures;  // This one is dropped; the rest are tried.
      ++sent;
      continue;
    }
    state.stats->replies += static_cast<uint64_t>(n);
    sent += static_cast<size_t>(n);
  }
  state.queued_count = 0;
}

void OnTurnEnd(uv_prepare_t* prepare) {
  auto* state = static_cast<State*>(prepare->data);
  SendQueued(*state);
  uv_prepare_stop(prepare);
}

// Queues a reply for the end of this loop turn (sent at once when kMaxQueued are waiting).
void Send(State& state, std::span<const uint8_t> reply, const sockaddr* to, socklen_t to_length) {
  if (state.queued_count == state.queued.size()) state.queued.emplace_back();
  QueuedReply& slot = state.queued[state.queued_count++];
  slot.bytes.assign(reply.begin(), reply.end());
  std::memcpy(&slot.to, to, to_length);
  slot.to_length = to_length;
  if (state.queued_count == 1) uv_prepare_start(&state.turn_end, OnTurnEnd);
  if (state.queued_count == kMaxQueued) SendQueued(state);
}

socklen_t SockaddrLength(const sockaddr* address) {
  return address->sa_family == AF_INET6 ? sizeof(sockaddr_in6) : sizeof(sockaddr_in);
}

Task<void> Answer(std::shared_ptr<State> state, std::vector<uint8_t> query, QueryContext context) {
  std::vector<uint8_t> reply = co_await state->handler(std::move(query), context);
  if (state->closed || reply.empty()) co_return;
  sockaddr_storage address;
  socklen_t length = ToSockaddr(context.client, address);
  Send(*state, reply, reinterpret_cast<sockaddr*>(&address), length);
}

void OnReceive(uv_udp_t* handle, ssize_t nread, const uv_buf_t* buf, const sockaddr* from,
               unsigned flags) {
  auto* state = static_cast<State*>(handle->data);
  if (state->closed || nread <= 0 || from == nullptr || (flags & UV_UDP_PARTIAL) != 0) return;
  ++state->stats->queries;
  auto bytes = std::span(reinterpret_cast<const uint8_t*>(buf->base), static_cast<size_t>(nread));
  QueryContext context{FromSockaddr(from), false};
  if (state->fast) {
    if (state->fast(bytes, context, state->fast_reply)) {
      if (!state->fast_reply.empty()) Send(*state, state->fast_reply, from, SockaddrLength(from));
      return;
    }
    context.fast_declined = true;
  }
  std::vector<uint8_t> query(bytes.begin(), bytes.end());
  StartQueryTask(state->scope, Answer(state->self, std::move(query), context));
}

}  // namespace

int OpenBoundSocket(const Endpoint& address, int type) {
  sockaddr_storage storage;
  socklen_t length = ToSockaddr(address, storage);
  int family = storage.ss_family;
  int fd = socket(family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return -errno;
  int on = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
  setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &on, sizeof(on));
  if (family == AF_INET6) setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof(on));
  if (type == SOCK_DGRAM) {
    int omit = family == AF_INET ? IP_PMTUDISC_OMIT : IPV6_PMTUDISC_OMIT;
    setsockopt(fd, family == AF_INET ? IPPROTO_IP : IPPROTO_IPV6,
               family == AF_INET ? IP_MTU_DISCOVER : IPV6_MTU_DISCOVER, &omit, sizeof(omit));
  }
  if (bind(fd, reinterpret_cast<sockaddr*>(&storage), length) != 0) {
    int error = errno;
    close(fd);
    return -error;
  }
  return fd;
}

Result<std::unique_ptr<UdpListener>> UdpListener::Open(uv_loop_t* loop, const Endpoint& address,
                                                       QueryHandler handler,
                                                       ListenerStats* stats, TaskScope* scope,
                                                       FastQueryHandler fast) {
  int fd = OpenBoundSocket(address, SOCK_DGRAM);
  if (fd < 0) return Fail(Errc::kIo, static_cast<uint32_t>(-fd));
  auto state = std::make_shared<State>();
  state->handler = std::move(handler);
  state->fast = std::move(fast);
  state->stats = stats;
  state->scope = scope;
  // UV_UDP_RECVMMSG: one recvmmsg(2) takes up to kDatagramsPerRead queries (each reported to
  // OnReceive, then one empty call that frees the batch, which OnReceive ignores).
  uv_udp_init_ex(loop, &state->udp, AF_UNSPEC | UV_UDP_RECVMMSG);
  state->udp.data = state.get();
  uv_prepare_init(loop, &state->turn_end);
  state->turn_end.data = state.get();
  state->self = state;
  Endpoint local = BoundAddress(fd);
  if (uv_udp_open(&state->udp, fd) != 0) {
    close(fd);
    UdpListener failed(state, local);  // Closes the handle.
    return Fail(Errc::kIo);
  }
  if (uv_udp_recv_start(&state->udp, OnAlloc, OnReceive) != 0) {
    UdpListener failed(state, local);
    return Fail(Errc::kIo);
  }
  return std::unique_ptr<UdpListener>(new UdpListener(std::move(state), local));
}

UdpListener::UdpListener(std::shared_ptr<State> state, Endpoint local)
    : state_(std::move(state)), local_(local) {}

UdpListener::~UdpListener() { Close(); }

void UdpListener::Close() {
  if (!state_ || state_->closed) return;
  state_->closed = true;
  uv_udp_recv_stop(&state_->udp);
  SendQueued(*state_);
  auto closed = [](uv_handle_t* handle) {
    auto* state = static_cast<State*>(handle->data);
    if (--state->open_handles == 0) state->self.reset();
  };
  uv_close(reinterpret_cast<uv_handle_t*>(&state_->turn_end), closed);
  uv_close(reinterpret_cast<uv_handle_t*>(&state_->udp), closed);
}

}  // namespace redoubt::io
