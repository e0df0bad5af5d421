#include "net/io/udp_poller.h"

#include <sys/epoll.h>
#include <unistd.h>

#include <array>

namespace redoubt::io {
namespace {

constexpr int kEventsPerCall = 64;

void OnHandleClosed(uv_handle_t* handle) { delete reinterpret_cast<uv_poll_t*>(handle); }

}  // namespace

void UdpPoller::OnEpollReadable(uv_poll_t* handle, int status, int) {
  auto* poller = static_cast<UdpPoller*>(handle->data);
  if (status < 0 || poller == nullptr) return;
  std::array<epoll_event, kEventsPerCall> events;
  // Level-triggered: what is not taken now makes the handle readable again on the next turn.
  int count = epoll_wait(poller->epoll_fd_, events.data(), kEventsPerCall, 0);
  for (int i = 0; i < count; ++i) {
    auto* watch = static_cast<Watch*>(events[i].data.ptr);
    watch->ready(watch, events[i].events);
  }
}

UdpPoller::UdpPoller(uv_loop_t* loop) : loop_(loop) {}

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
  return true;
}

UdpPoller::~UdpPoller() { Shutdown(); }

void UdpPoller::Shutdown() {
  shut_down_ = true;
  if (handle_ == nullptr) return;
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
