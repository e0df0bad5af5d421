// Upstream TCP connections kept open and reused (RFC 7766 section 6.2.1), one exchange at a
// time on each so that a reply can only belong to the query just sent. A connection that
// answered goes back to the pool for `idle_ms`; while idle, anything the server sends (or its
// closing the connection) retires it. An exchange on a reused connection that fails because
// the server had closed it is retried once on a fresh connection.
#pragma once

#include <uv.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <stop_token>
#include <vector>

#include "net/base/counter.h"
#include "net/base/endpoint.h"
#include "net/base/task.h"
#include "net/io/exchange.h"

namespace redoubt::io {

struct TcpPoolLimits {
  uint32_t idle_ms = 10000;          // How long an unused connection is kept.
  size_t max_idle_per_server = 2;
};

struct TcpPoolStats {
  Counter opened;
  Counter reused;
  Counter stale_retries;  // Reused connections found closed by the server.
};

class TcpPool {
 public:
  TcpPool(uv_loop_t* loop, const TcpPoolLimits& limits = {});
  // Shuts down; exchanges in flight finish on their own.
  ~TcpPool();
  TcpPool(const TcpPool&) = delete;
  TcpPool& operator=(const TcpPool&) = delete;

  // As TcpExchange, on a pooled connection when one to `server` from `source` is idle: a
  // connection is only reused for the same source (unset: the kernel's choice), so a query
  // never leaves from an address its caller did not pick.
  Task<ExchangeResult> Exchange(Endpoint server, std::vector<uint8_t> query, ReplyFilter filter,
                                uint32_t timeout_ms, std::stop_token stop = {},
                                std::optional<IpAddress> source = std::nullopt);
  // Closes every idle connection, and from now on closes connections as their exchanges end
  // instead of keeping them (shutdown: the loop can then run out of handles).
  void Shutdown();

  size_t idle_connections() const;
  const TcpPoolStats& stats() const;

  struct State;

 private:
  std::shared_ptr<State> state_;
};

}  // namespace redoubt::io
