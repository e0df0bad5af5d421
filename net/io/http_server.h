// A minimal, hardened HTTP/1.1 server for the metrics endpoint: Prometheus scrapes `/metrics`,
// orchestrators probe `/health` and `/ready`. It runs on its own thread and libuv loop, so a
// slow scraper never stalls a resolver worker, and it is reachable from the network, so every
// resource a client can hold is bounded:
//   - one request per connection, answered with "Connection: close" (RFC 9112 section 9.6);
//   - GET and HEAD only (RFC 9110 sections 9.3.1, 9.3.2); any other method gets 405 with
//     Allow: GET, HEAD (RFC 9110 section 15.5.6); a malformed head 400 (RFC 9112 section 3),
//     an oversized one 431 (RFC 6585 section 5), both from net/http/request.h;
//   - the head must arrive within request_timeout_ms, else 408 and close (RFC 9110 section
//     15.5.9; the slowloris attack); the response must then be written, and the connection
//     closed, within request_timeout_ms again, so a peer that does not read cannot hold it;
//   - at most max_connections at once; the next ones are accepted and closed at once;
//   - after the response the server shuts down its side and discards what the client still
//     sends until it closes (RFC 9112 section 9.6's lingering close), so that the client reads
//     the 431 instead of a reset.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "net/base/counter.h"
#include "net/base/endpoint.h"
#include "net/base/result.h"
#include "net/http/request.h"

namespace redoubt::io {

using http::HttpRequest;
using http::HttpResponse;

// Turns a GET or HEAD request into a response (for HEAD the body is measured, not sent: RFC
// 9110 section 9.3.2). Called on the server thread, one request at a time; it should be quick
// (it holds up every other client) and must not call Stop(). An exception escaping it is
// answered with 500.
using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;

struct HttpServerOptions {
  size_t max_connections = 64;
  uint32_t request_timeout_ms = 5000;  // For the head to arrive, then for the response to go.
  size_t max_header_octets = 8192;     // The head's limit (net/http/request.h).
};

class HttpServer {
 public:
  // Binds a TCP socket to `address` (port 0 lets the kernel choose; no SO_REUSEPORT, so a port
  // in use is an error) and starts serving on a new thread. The error names the address and
  // the reason ("cannot listen on 127.0.0.1:9153: address already in use").
  static Result<std::unique_ptr<HttpServer>, std::string> Start(Endpoint address,
                                                               HttpHandler handler,
                                                               HttpServerOptions options = {});
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // The bound address, with the port the kernel chose for port 0.
  Endpoint local() const noexcept;
  // Stops accepting, closes every connection (responses not yet written are dropped) and joins
  // the thread. Idempotent and callable from any thread but the server's own (not from the
  // handler); the destructor calls it.
  void Stop();

  // Written by the server thread only, readable from any thread (net/base/counter.h).
  struct Stats {
    Counter requests;             // Heads parsed completely, any method.
    Counter bad_requests;         // Answered 400 or 431.
    Counter timeouts;             // Answered 408, or closed because a response did not go.
    Counter refused_connections;  // Closed at once: max_connections were open.
  };
  const Stats& stats() const noexcept;

  struct State;

 private:
  explicit HttpServer(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace redoubt::io
