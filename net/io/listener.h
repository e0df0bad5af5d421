// Client-facing listeners: UDP and TCP sockets on one loop, each bound with SO_REUSEPORT so that
// every worker thread has its own and the kernel spreads clients across them (design guide
// section 4). A UDP listener reads a burst of queries with one recvmmsg(2) (up to
// kDatagramsPerRead, net/io/receive_buffer.h) and sends a loop turn's replies with one
// sendmmsg(2). Each query runs as its own coroutine; replies go back whenever they are ready, so
// TCP queries are pipelined and answered out of order (RFC 7766 sections 6.2.1 and 7).
#pragma once

#include <uv.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <vector>

#include "net/base/counter.h"
#include "net/base/endpoint.h"
#include "net/base/result.h"
#include "net/base/task.h"
#include "net/base/task_scope.h"

namespace redoubt::io {

struct QueryContext {
  Endpoint client;
  bool tcp = false;
  // The listener's FastQueryHandler saw this query first and declined it.
  bool fast_declined = false;
};

// Turns a query into reply bytes; an empty reply means send nothing.
using QueryHandler =
    std::function<Task<std::vector<uint8_t>>(std::vector<uint8_t> query, QueryContext context)>;
// Answers a query at once, without a coroutine, when it can (a cache hit): writes the reply into
// `reply` (a buffer the listener reuses) and returns true; false hands the query to the
// QueryHandler, with QueryContext::fast_declined set.
using FastQueryHandler =
    std::function<bool(std::span<const uint8_t> query, const QueryContext& context, std::vector<uint8_t>& reply)>;

// Counters a listener keeps; the metrics layer exports them.
struct ListenerStats {
  Counter queries;
  Counter replies;
  Counter send_failures;  // UDP replies the kernel would not take.
  Counter tcp_connections;
  Counter tcp_refused;    // Connections closed at once: too many clients.
  Counter tcp_bad_frames;
};

struct TcpLimits {
  uint32_t max_clients = 150;
  uint32_t idle_timeout_ms = 30000;
  uint32_t max_in_flight = 100;   // Per connection; reading pauses beyond it.
};

class UdpListener {
 public:
  // Binds `address` (port 0 picks a free one) and starts serving on `loop`. `stats` must outlive
  // the listener. Each query's coroutine is a root task of `scope` (counted, so its owner can
  // wait for them to end), or detached when `scope` is null; `scope` must outlive those tasks.
  // Fails with kIo (detail: errno) when the socket cannot be bound.
  // `fast`, when set, is tried on each query first, on the loop thread, before any copy of it.
  // Replies are queued and leave together at the end of the loop turn (a uv_prepare handle,
  // which runs before the loop next waits for I/O, whichever phase queued them), in as few
  // sendmmsg calls as the kernel takes (at once when 64 wait): one system call, and one wakeup
  // of a client reading them, for a turn's replies instead of one each.
  static Result<std::unique_ptr<UdpListener>> Open(uv_loop_t* loop, const Endpoint& address,
                                                   QueryHandler handler, ListenerStats* stats,
                                                   TaskScope* scope = nullptr, FastQueryHandler fast = {});
  ~UdpListener();
  // The bound address (with the port the kernel chose for port 0).
  Endpoint local() const noexcept { return local_; }
  // Stops receiving and sends the queued replies; replies still in preparation are dropped.
  // Idempotent.
  void Close();

  struct State;

 private:
  UdpListener(std::shared_ptr<State> state, Endpoint local);
  std::shared_ptr<State> state_;
  Endpoint local_;
};

class TcpListener {
 public:
  // As UdpListener::Open, with the limits of RFC 7766 section 6.2 per client.
  static Result<std::unique_ptr<TcpListener>> Open(uv_loop_t* loop, const Endpoint& address,
                                                   QueryHandler handler, ListenerStats* stats,
                                                   const TcpLimits& limits = {},
                                                   TaskScope* scope = nullptr);
  ~TcpListener();
  Endpoint local() const noexcept { return local_; }
  // Stops accepting and closes every connection. Idempotent.
  void Close();

  struct State;

 private:
  TcpListener(std::shared_ptr<State> state, Endpoint local);
  std::shared_ptr<State> state_;
  Endpoint local_;
};

// Starts a query's root task in `scope`, or detached when `scope` is null.
inline void StartQueryTask(TaskScope* scope, Task<void> task) {
  if (scope != nullptr) {
    scope->Spawn(std::move(task));
  } else {
    Detach(std::move(task));
  }
}

// A socket bound to `address` with SO_REUSEADDR and SO_REUSEPORT (and IPV6_V6ONLY for IPv6;
// path-MTU discovery off for UDP). Returns the descriptor, or -errno.
int OpenBoundSocket(const Endpoint& address, int type);

}  // namespace redoubt::io
