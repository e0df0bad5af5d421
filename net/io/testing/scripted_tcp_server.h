// A one-client TCP server on 127.0.0.1 for tests of code that talks to a DNS server over TCP
// (a zone transfer's primary): a thread with blocking sockets accepts one connection, reads
// the client's first framed message (RFC 1035 section 4.2.2), then runs a script on the
// connection and closes it. Header-only and test-only: it lives in net/io because it needs the
// socket headers that the resolver rooms may not include (tests/check_layering.sh).
// Every blocking call gives up after kScriptedServerWaitMs, so a test that goes wrong fails
// instead of hanging.
#pragma once

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cstdint>
#include <functional>
#include <span>
#include <thread>
#include <utility>
#include <vector>

#include "net/base/endpoint.h"
#include "net/io/address.h"

namespace redoubt::io::testing {

inline constexpr int kScriptedServerWaitMs = 3000;

// Bounds every blocking read and write on `fd` (accept() too, for a listening socket).
inline void BoundBlockingCalls(int fd) {
  timeval wait{kScriptedServerWaitMs / 1000, (kScriptedServerWaitMs % 1000) * 1000};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof(wait));
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &wait, sizeof(wait));
}

// Reads exactly `out.size()` octets; false on end of stream, error or timeout.
inline bool ReadExactly(int fd, std::span<uint8_t> out) {
  for (size_t got = 0; got < out.size();) {
    ssize_t n = read(fd, out.data() + got, out.size() - got);
    if (n <= 0) return false;
    got += static_cast<size_t>(n);
  }
  return true;
}

// Writes all of `bytes`; false when the peer is gone (no SIGPIPE) or the write timed out.
inline bool WriteAll(int fd, std::span<const uint8_t> bytes) {
  for (size_t sent = 0; sent < bytes.size();) {
    ssize_t n = send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return false;
    sent += static_cast<size_t>(n);
  }
  return true;
}

// Writes `message` with its two-octet length prefix (at most 65535 octets).
inline bool WriteFramed(int fd, std::span<const uint8_t> message) {
  const uint8_t prefix[2] = {static_cast<uint8_t>(message.size() >> 8),
                             static_cast<uint8_t>(message.size())};
  return WriteAll(fd, prefix) && WriteAll(fd, message);
}

// Waits until the client closes the connection (or kScriptedServerWaitMs passes in silence).
inline void WaitForClose(int fd) {
  uint8_t sink[4096];
  while (read(fd, sink, sizeof(sink)) > 0) {
  }
}

class ScriptedTcpServer {
 public:
  // Runs on the server's thread with the connection and the client's first message (empty when
  // none arrived whole); the connection is closed when it returns.
  using Script = std::function<void(int fd, const std::vector<uint8_t>& request)>;

  explicit ScriptedTcpServer(Script script) {
    listen_fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_storage address;
    socklen_t length = ToSockaddr({IpAddress::V4({127, 0, 0, 1}), 0}, address);
    bind(listen_fd_, reinterpret_cast<sockaddr*>(&address), length);
    listen(listen_fd_, 1);
    BoundBlockingCalls(listen_fd_);
    endpoint_ = BoundAddress(listen_fd_);
    thread_ = std::thread([this, script = std::move(script)] { Serve(script); });
  }
  ScriptedTcpServer(const ScriptedTcpServer&) = delete;
  ScriptedTcpServer& operator=(const ScriptedTcpServer&) = delete;
  ~ScriptedTcpServer() {
    Join();
    close(listen_fd_);
  }

  Endpoint endpoint() const { return endpoint_; }
  // Waits for the script to end; what it recorded may then be read.
  void Join() {
    if (thread_.joinable()) thread_.join();
  }

 private:
  void Serve(const Script& script) {
    int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) return;
    BoundBlockingCalls(fd);
    int on = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
    std::vector<uint8_t> request;
    uint8_t prefix[2];
    if (ReadExactly(fd, prefix)) {
      request.resize(size_t{prefix[0]} << 8 | prefix[1]);
      if (!ReadExactly(fd, request)) request.clear();
    }
    script(fd, request);
    close(fd);
  }

  int listen_fd_ = -1;
  Endpoint endpoint_;
  std::thread thread_;
};

}  // namespace redoubt::io::testing
