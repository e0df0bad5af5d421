// UdpPoller: one epoll instance for the upstream UDP sockets of a loop, itself watched by one
// uv_poll_t. An exchange's socket then costs one epoll_ctl(EPOLL_CTL_ADD) and is dropped from
// the set by its close(), where a uv_poll_t of its own costs five calls (libuv's descriptor
// check, an ioctl, the add and two deletes: measured with strace, issue #17).
//
// Queries leave together too: QueueSend defers a watched exchange's send to the end of the loop
// turn (a uv_prepare handle: it runs before the loop next waits for I/O, so a query started
// from a timer is not held back until the next event), where the turn's queries go out back to back, so a server woken by the
// first finds the next ones waiting instead of being woken for each (on this project's VM a
// wakeup of an idle CPU is an inter-processor interrupt, the costliest part of a send).
//
// The watched descriptors are level-triggered for EPOLLIN; the handle's callback takes the
// ready ones with epoll_wait (no wait) and calls each one's Watch::ready. A Watch must stay
// alive until its descriptor is closed and the loop has come back round (exchanges keep their
// state until a later turn: udp_exchange.cc). Exchanges started after Shutdown(), or when
// epoll_create1 failed, watch their socket with a uv_poll_t of their own, as before.
#pragma once

#include <uv.h>

#include <cstdint>
#include <vector>

namespace redoubt::io {

class UdpPoller {
 public:
  // One watched descriptor; `ready` gets the epoll events (EPOLLIN, EPOLLERR, ...).
  struct Watch {
    void (*ready)(Watch* self, uint32_t events) = nullptr;
    void (*send)(Watch* self) = nullptr;  // For QueueSend: sends the query now.
    bool queued = false;                   // Waiting in QueueSend's queue.
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

  // Calls watch->send at the end of this loop turn. False when the poller is not open (shut
  // down, or no Add yet): the caller sends at once. The watch must stay alive until then.
  bool QueueSend(Watch* watch);
  // Takes a queued watch out of the queue (its exchange ended before the send; it may be freed).
  void Unqueue(Watch* watch);

  // Descriptors watched since the start (for tests).
  uint64_t added() const;
  // Queued sends made so far (for tests).
  uint64_t queued_sends() const { return queued_sends_; }

 private:
  // Creates the epoll set and its handle, at the first Add (a poller never used leaves nothing
  // on the loop to close).
  bool Open();

  uv_loop_t* loop_;
  int epoll_fd_ = -1;
  uv_poll_t* handle_ = nullptr;  // Deleted by its close callback; data points at this poller.
  uv_prepare_t* turn_end_ = nullptr;  // Sends the queued queries; deleted by its close callback.
  std::vector<Watch*> sends_;
  bool shut_down_ = false;
  uint64_t queued_sends_ = 0;
  uint64_t added_ = 0;

  static void OnEpollReadable(uv_poll_t* handle, int status, int events);
  static void OnTurnEnd(uv_prepare_t* prepare);
  void SendQueued();
};

}  // namespace redoubt::io
