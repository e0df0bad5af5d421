#include "tools/blocking_exchange.h"

#include "net/io/address.h"

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>

namespace redoubt::tools {
namespace {

using Clock = std::chrono::steady_clock;

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

// Waits until fd is readable/writable or the deadline passes.
Status WaitFor(int fd, short events, Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  if (left.count() <= 0) return Fail(Errc::kIo);
  pollfd p{fd, events, 0};
  int n = poll(&p, 1, static_cast<int>(left.count()));
  if (n <= 0) return Fail(Errc::kIo);
  return {};
}

Status ReadExactly(int fd, uint8_t* out, size_t n, Clock::time_point deadline) {
  size_t got = 0;
  while (got < n) {
    RETURN_IF_ERROR(WaitFor(fd, POLLIN, deadline));
    ssize_t r = read(fd, out + got, n - got);
    if (r <= 0) return Fail(Errc::kIo);
    got += static_cast<size_t>(r);
  }
  return {};
}

}  // namespace

Result<std::vector<uint8_t>> ExchangeUdp(const Endpoint& server, std::span<const uint8_t> query,
                                         std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  sockaddr_storage ss;
  socklen_t len = io::ToSockaddr(server, ss);
  Fd fd(socket(ss.ss_family, SOCK_DGRAM, 0));
  if (fd.get() < 0) return Fail(Errc::kIo);
  // A connected socket only receives datagrams from the server's address and port.
  if (connect(fd.get(), reinterpret_cast<sockaddr*>(&ss), len) != 0) return Fail(Errc::kIo);
  if (send(fd.get(), query.data(), query.size(), 0) != static_cast<ssize_t>(query.size())) {
    return Fail(Errc::kIo);
  }
  std::vector<uint8_t> reply(65535);
  RETURN_IF_ERROR(WaitFor(fd.get(), POLLIN, deadline));
  ssize_t n = recv(fd.get(), reply.data(), reply.size(), 0);
  if (n < 0) return Fail(Errc::kIo);
  reply.resize(static_cast<size_t>(n));
  return reply;
}

Result<std::vector<uint8_t>> ExchangeTcp(const Endpoint& server, std::span<const uint8_t> query,
                                         std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  if (query.size() > 65535) return Fail(Errc::kInvalidArgument);
  sockaddr_storage ss;
  socklen_t len = io::ToSockaddr(server, ss);
  Fd fd(socket(ss.ss_family, SOCK_STREAM, 0));
  if (fd.get() < 0) return Fail(Errc::kIo);
  if (connect(fd.get(), reinterpret_cast<sockaddr*>(&ss), len) != 0) return Fail(Errc::kIo);
  std::vector<uint8_t> framed;
  framed.push_back(static_cast<uint8_t>(query.size() >> 8));
  framed.push_back(static_cast<uint8_t>(query.size()));
  framed.insert(framed.end(), query.begin(), query.end());
  size_t sent = 0;
  while (sent < framed.size()) {
    RETURN_IF_ERROR(WaitFor(fd.get(), POLLOUT, deadline));
    ssize_t w = write(fd.get(), framed.data() + sent, framed.size() - sent);
    if (w <= 0) return Fail(Errc::kIo);
    sent += static_cast<size_t>(w);
  }
  uint8_t prefix[2];
  RETURN_IF_ERROR(ReadExactly(fd.get(), prefix, 2, deadline));
  std::vector<uint8_t> reply(static_cast<size_t>(prefix[0] << 8 | prefix[1]));
  RETURN_IF_ERROR(ReadExactly(fd.get(), reply.data(), reply.size(), deadline));
  return reply;
}

}  // namespace redoubt::tools
