#include "net/io/udp_poller.h"

#include <errno.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <initializer_list>
#include <utility>

#include "net/io/udp_socket.h"

namespace redoubt::io {
namespace {

constexpr int kEventsPerCall = 64;
constexpr int kDrainsPerEvent = 16;  // Level-triggered: what is left makes the socket ready again.

void OnHandleClosed(uv_handle_t* handle) { delete reinterpret_cast<uv_poll_t*>(handle); }
void OnPrepareClosed(uv_handle_t* handle) { delete reinterpret_cast<uv_prepare_t*>(handle); }

}  // namespace

void UdpPoller::OnEpollReadable(uv_poll_t* handle, int status, int) {
  auto* poller = static_cast<UdpPoller*>(handle->data);
  if (status < 0 || poller == nullptr) return;
  // No event of the last batch is left: the sockets retired during it can go.
  for (PooledSocket* socket : poller->retired_) delete socket;
  poller->retired_.clear();
  std::array<epoll_event, kEventsPerCall> events;
  // Level-triggered: what is not taken now makes the handle readable again on the next turn.
  int count = epoll_wait(poller->epoll_fd_, events.data(), kEventsPerCall, 0);
  for (int i = 0; i < count; ++i) {
    auto* watch = static_cast<Watch*>(events[i].data.ptr);
    watch->ready(watch, events[i].events);
  }
}

void UdpPoller::OnTurnEnd(uv_prepare_t* prepare) {
  auto* poller = static_cast<UdpPoller*>(prepare->data);
  uv_prepare_stop(prepare);
  if (poller != nullptr) poller->SendQueued();
}

void UdpPoller::SendQueued() {
  std::vector<Watch*> sends;
  sends.swap(sends_);  // A send that fails may end an exchange and start another.
  for (Watch* watch : sends) {
    // Still alive even if an earlier send ended its exchange: ops are freed by close callbacks,
    // which run after this phase.
    watch->queued = false;
    watch->send(watch);
  }
  sends.clear();
  if (sends_.empty()) sends_.swap(sends);  // Keep the capacity.
}

bool UdpPoller::QueueSend(Watch* watch) {
  if (turn_end_ == nullptr) return false;
  if (sends_.empty()) uv_prepare_start(turn_end_, OnTurnEnd);
  sends_.push_back(watch);
  watch->queued = true;
  ++queued_sends_;
  return true;
}

void UdpPoller::Unqueue(Watch* watch) {
  if (!watch->queued) return;
  std::erase(sends_, watch);
  watch->queued = false;
}

// Reads and drops what waits at a socket: datagrams and a pending error.
void UdpPoller::Drain(PooledSocket* socket) {
  std::array<char, 512> scrap;
  for (int i = 0; i < kDrainsPerEvent; ++i) {
    ssize_t n = recv(socket->fd, scrap.data(), scrap.size(), MSG_DONTWAIT | MSG_TRUNC);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
    ++drained_;
  }
}

// A held socket's events are its exchange's. An idle one never has any (its port is closed and
// its queue was drained): should one come, what waits is dropped.
void UdpPoller::OnPooledReady(Watch* watch, uint32_t events) {
  auto* socket = static_cast<PooledSocket*>(watch);
  if (socket->user != nullptr) return socket->user->ready(socket->user, events);
  if (socket->fd >= 0 && socket->owner != nullptr) socket->owner->Drain(socket);
}

UdpPoller::UdpPoller(uv_loop_t* loop, SocketReuse reuse)
    : loop_(loop),
      reuse_(reuse == SocketReuse::kOn ||
             (reuse == SocketReuse::kWhenPortRangeIsWidest && KernelPortRangeIsWidest())) {}

std::vector<UdpPoller::PooledSocket*>& UdpPoller::IdleOf(int family) {
  return family == AF_INET ? idle_v4_ : idle_v6_;
}

bool UdpPoller::reuses_sockets() const { return reuse_ && !shut_down_; }

UdpPoller::PooledSocket* UdpPoller::Acquire(int family, Watch* user) {
  if (!reuses_sockets() || (family != AF_INET && family != AF_INET6)) return nullptr;
  std::vector<PooledSocket*>& idle = IdleOf(family);
  PooledSocket* socket = nullptr;
  if (!idle.empty()) {
    socket = idle.back();
    idle.pop_back();
    ++reused_;
  } else {
    int fd = OpenUpstreamUdpSocket(family);
    if (fd < 0) return nullptr;
    socket = new PooledSocket;
    socket->ready = OnPooledReady;
    socket->fd = fd;
    socket->family = family;
    socket->owner = this;
    if (!Add(fd, socket)) {
      close(fd);
      delete socket;
      return nullptr;
    }
  }
  socket->user = user;
  socket->slot = in_use_.size();
  in_use_.push_back(socket);
  return socket;
}

void UdpPoller::TakeOutOfUse(PooledSocket* socket) {
  PooledSocket* last = in_use_.back();
  in_use_[socket->slot] = last;
  last->slot = socket->slot;
  in_use_.pop_back();
}

void UdpPoller::Release(PooledSocket* socket, bool reusable) {
  socket->user = nullptr;
  if (socket->owner == nullptr) {  // The poller is gone.
    close(socket->fd);
    delete socket;
    return;
  }
  socket->owner->Keep(socket, reusable);
}

void UdpPoller::Keep(PooledSocket* socket, bool reusable) {
  TakeOutOfUse(socket);
  std::vector<PooledSocket*>& idle = IdleOf(socket->family);
  if (reusable && !shut_down_ && idle.size() < kMaxIdlePerFamily) {
    sockaddr unspecified{};
    unspecified.sa_family = AF_UNSPEC;
    // Unhashes the socket: its port is free again (it was never bound by hand, so the kernel
    // keeps no lock on it: __udp_disconnect).
    if (connect(socket->fd, &unspecified, sizeof(unspecified)) == 0) {
      // Nothing can arrive from now on; what came before (a duplicate reply, a late ICMP error)
      // goes now, so the next exchange finds an empty queue.
      Drain(socket);
      idle.push_back(socket);
      return;
    }
  }
  Retire(socket);
}

void UdpPoller::Retire(PooledSocket* socket) {
  close(socket->fd);  // Also takes it out of the epoll set.
  socket->fd = -1;
  retired_.push_back(socket);
}

bool UdpPoller::Open() {
  int fd = epoll_create1(EPOLL_CLOEXEC);
  if (fd < 0) return false;
  auto* handle = new uv_poll_t;
  if (uv_poll_init(loop_, handle, fd) != 0) {
    delete handle;
    close(fd);
    return false;
  }
  handle->data = nullptr;
  if (uv_poll_start(handle, UV_READABLE, OnEpollReadable) != 0) {
    uv_close(reinterpret_cast<uv_handle_t*>(handle), OnHandleClosed);
    close(fd);
    return false;
  }
  // Not a reason for the loop to keep running: each exchange's timer is.
  uv_unref(reinterpret_cast<uv_handle_t*>(handle));
  handle->data = this;
  epoll_fd_ = fd;
  handle_ = handle;
  turn_end_ = new uv_prepare_t;
  uv_prepare_init(loop_, turn_end_);
  uv_unref(reinterpret_cast<uv_handle_t*>(turn_end_));
  turn_end_->data = this;
  return true;
}

UdpPoller::~UdpPoller() {
  Shutdown();
  for (PooledSocket* socket : in_use_) socket->owner = nullptr;  // Their exchanges free them.
  for (PooledSocket* socket : retired_) delete socket;
}

void UdpPoller::Shutdown() {
  shut_down_ = true;
  for (std::vector<PooledSocket*>* idle : {&idle_v4_, &idle_v6_}) {
    for (PooledSocket* socket : *idle) Retire(socket);
    idle->clear();
  }
  if (handle_ == nullptr) return;
  uv_prepare_t* turn_end = std::exchange(turn_end_, nullptr);  // Later sends go at once.
  SendQueued();
  turn_end->data = nullptr;
  uv_close(reinterpret_cast<uv_handle_t*>(turn_end), OnPrepareClosed);
  handle_->data = nullptr;
  uv_close(reinterpret_cast<uv_handle_t*>(handle_), OnHandleClosed);
  handle_ = nullptr;
  close(epoll_fd_);
  epoll_fd_ = -1;
}

bool UdpPoller::Add(int fd, Watch* watch) {
  if (shut_down_) return false;
  if (handle_ == nullptr && !Open()) {
    shut_down_ = true;  // Exchanges poll on their own from now on.
    return false;
  }
  epoll_event event{};
  event.events = EPOLLIN;
  event.data.ptr = watch;
  if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &event) != 0) return false;
  ++added_;
  return true;
}

uint64_t UdpPoller::added() const { return added_; }

}  // namespace redoubt::io
