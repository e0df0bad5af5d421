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
//
// Socket reuse (SocketReuse::kOn, or kWhenPortRangeIsWidest on a host whose ephemeral range is
// 1024-65535): an exchange borrows an idle socket of the poller instead of opening one. The
// exchange's connect() binds it to a fresh port, the kernel's CSPRNG choice over the ephemeral
// range (udp_lib_get_port); when its reply is in, Release disconnects it (connect AF_UNSPEC),
// which gives the port back: datagrams sent to it from then on are refused as to any closed
// port. The next connect takes a new random port. What is saved per exchange is the socket's
// creation and its options, the bind, the epoll registration and the close: about a quarter
// of the CPU of a cold miss (issue #17). Every defence stays: a random port per query from the widest
// range, a connected socket (SAD DNS), the port open only while its query is outstanding
// (security.md A1, A7). Only sockets whose exchange ended with its reply are reused; after a
// timeout, an error or a refused datagram the socket is closed. After the disconnect nothing
// more can arrive, and what was queued before it (a duplicate reply, an ICMP error) is read and
// dropped at once (one recv that finds the queue empty, in the common case), so the next
// exchange starts from an empty queue.
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
  // A socket of the pool, watched in the epoll set from its opening to its close. While an
  // exchange holds it, its events go to that exchange's Watch (`user`).
  struct PooledSocket : Watch {
    int fd = -1;
    int family = 0;
    Watch* user = nullptr;      // The exchange holding it; null while idle.
    UdpPoller* owner = nullptr;  // Null once the poller is gone: Release closes and frees it.
    size_t slot = 0;            // Its place in owner->in_use_.
  };
  enum class SocketReuse {
    kOff,                    // Every exchange opens and closes its own socket.
    kWhenPortRangeIsWidest,  // kOn when KernelPortRangeIsWidest() (udp_socket.h), else kOff.
    kOn,                     // Whatever the range (tests).
  };

  // Nothing is opened until the first Add; a poller that is never used costs no handle.
  explicit UdpPoller(uv_loop_t* loop, SocketReuse reuse = SocketReuse::kOff);
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

  // Whether Acquire lends sockets (reuse on and not shut down). When it does, the kernel
  // chooses every source port: callers pass no ports of their own.
  bool reuses_sockets() const;
  // A socket of `family` for `user`'s exchange: an idle one, or a new one (OpenUpstreamUdpSocket,
  // added to the set). Null when reuse is off, after Shutdown, or when opening failed: the
  // caller opens its own. The socket is unbound; the caller connects it to its server.
  PooledSocket* Acquire(int family, Watch* user);
  // Gives back a socket from Acquire. With `reusable` (its exchange took its reply) it is
  // disconnected and kept idle, up to kMaxIdlePerFamily of a family; otherwise, or when the
  // disconnect fails, it is closed. The pointer must not be used afterwards. Static: the
  // socket knows its poller, and closes and frees itself when that poller is gone.
  static void Release(PooledSocket* socket, bool reusable);
  static constexpr size_t kMaxIdlePerFamily = 256;

  // Descriptors watched since the start (for tests).
  uint64_t added() const;
  // Queued sends made so far (for tests).
  uint64_t queued_sends() const { return queued_sends_; }
  // Exchanges that borrowed an idle socket, and datagrams or errors drained from released
  // sockets (for tests).
  uint64_t reused() const { return reused_; }
  uint64_t drained() const { return drained_; }

 private:
  // Creates the epoll set and its handle, at the first Add (a poller never used leaves nothing
  // on the loop to close).
  bool Open();

  // Closes a pooled socket; its object is freed at the next epoll batch (an event of this batch
  // may still point at it) or with the poller.
  void Retire(PooledSocket* socket);
  void Drain(PooledSocket* socket);
  void TakeOutOfUse(PooledSocket* socket);
  void Keep(PooledSocket* socket, bool reusable);  // Release's part when the poller lives.

  uv_loop_t* loop_;
  bool reuse_ = false;
  std::vector<PooledSocket*> idle_v4_, idle_v6_;
  std::vector<PooledSocket*> in_use_;
  std::vector<PooledSocket*> retired_;
  uint64_t reused_ = 0;
  uint64_t drained_ = 0;
  int epoll_fd_ = -1;
  uv_poll_t* handle_ = nullptr;  // Deleted by its close callback; data points at this poller.
  uv_prepare_t* turn_end_ = nullptr;  // Sends the queued queries; deleted by its close callback.
  std::vector<Watch*> sends_;
  bool shut_down_ = false;
  uint64_t queued_sends_ = 0;
  uint64_t added_ = 0;

  static void OnEpollReadable(uv_poll_t* handle, int status, int events);
  static void OnTurnEnd(uv_prepare_t* prepare);
  static void OnPooledReady(Watch* watch, uint32_t events);
  std::vector<PooledSocket*>& IdleOf(int family);
  void SendQueued();
};

}  // namespace redoubt::io
