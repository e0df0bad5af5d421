// UdpPoller: one epoll instance for the upstream UDP sockets of a loop, itself watched by one
// uv_poll_t. An exchange's socket then costs one epoll_ctl(EPOLL_CTL_ADD) and is dropped from
// the set by its close(), where a uv_poll_t of its own costs five calls (libuv's descriptor
// check, an ioctl, the add and two deletes: measured with strace, issue #17).
//
// The watched descriptors are level-triggered for EPOLLIN; the handle's callback takes the
// ready ones with epoll_wait (no wait) and calls each one's Watch::ready. A Watch must stay
// alive until its descriptor is closed and the loop has come back round (exchanges keep their
// state until a later turn: udp_exchange.cc). Exchanges started after Shutdown(), or when
// epoll_create1 failed, watch their socket with a uv_poll_t of their own, as before.
#pragma once

#include <uv.h>

#include <cstdint>

namespace redoubt::io {

class UdpPoller {
 public:
  // One watched descriptor; `ready` gets the epoll events (EPOLLIN, EPOLLERR, ...).
  struct Watch {
    void (*ready)(Watch* self, uint32_t events) = nullptr;
  };
  // Nothing is opened until the first Add; a poller that is never used costs no handle.
  explicit UdpPoller(uv_loop_t* loop);
  // Shuts down.
  ~UdpPoller();
  UdpPoller(const UdpPoller&) = delete;
  UdpPoller& operator=(const UdpPoller&) = delete;

  // Closes the handle and the epoll descriptor; the loop can then run out of handles. Sockets
  // already watched are no longer polled (their exchanges end by timeout or cancellation).
  void Shutdown();

  // Watches `fd` for `watch`. False when the poller is shut down or the call failed: the
  // caller polls the descriptor itself.
  bool Add(int fd, Watch* watch);

  // Descriptors watched since the start (for tests).
  uint64_t added() const;

 private:
  // Creates the epoll set and its handle, at the first Add (a poller never used leaves nothing
  // on the loop to close).
  bool Open();

  uv_loop_t* loop_;
  int epoll_fd_ = -1;
  uv_poll_t* handle_ = nullptr;  // Deleted by its close callback; data points at this poller.
  bool shut_down_ = false;
  uint64_t added_ = 0;

  static void OnEpollReadable(uv_poll_t* handle, int status, int events);
};

}  // namespace redoubt::io
