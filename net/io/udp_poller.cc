#include "net/io/udp_poller.h"

#include <sys/epoll.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <utility>

namespace redoubt::io {
namespace {

constexpr int kEventsPerCall = 64;

void OnHandleClosed(uv_handle_t* handle) { delete reinterpret_cast<uv_poll_t*>(handle); }
void OnPrepareClosed(uv_handle_t* handle) { delete reinterpret_cast<uv_prepare_t*>(handle); }

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
  turn_end_ = new uv_prepare_t;
  uv_prepare_init(loop_, turn_end_);
  uv_unref(reinterpret_cast<uv_handle_t*>(turn_end_));
  turn_end_->data = this;
  return true;
}

UdpPoller::~UdpPoller() { Shutdown(); }

void UdpPoller::Shutdown() {
  shut_down_ = true;
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
