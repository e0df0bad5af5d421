#include "net/io/unix_command_server.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <optional>

namespace redoubt::io {
namespace {

using SteadyClock = std::chrono::steady_clock;

std::string Failure(const std::string& path, const std::string& reason) {
  return "control socket " + path + ": " + reason;
}

bool FillAddress(const std::string& path, sockaddr_un& address) {
  std::memset(&address, 0, sizeof address);
  address.sun_family = AF_UNIX;
  if (path.empty() || path.size() >= sizeof address.sun_path) return false;
  std::memcpy(address.sun_path, path.data(), path.size());
  return true;
}

// Whether a process accepts on the socket at `path` (a stale file refuses the connection).
bool SomeoneListens(const sockaddr_un& address) {
  int probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (probe < 0) return false;
  bool live = connect(probe, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0;
  close(probe);
  return live;
}

// Milliseconds left until `deadline`, at least 0.
int MillisecondsLeft(SteadyClock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - SteadyClock::now()).count();
  return left < 0 ? 0 : static_cast<int>(left);
}

// Waits for `events` on `fd` until the deadline; false on timeout or error.
bool WaitFor(int fd, short events, SteadyClock::time_point deadline) {
  while (true) {
    pollfd one{fd, events, 0};
    int ready = poll(&one, 1, MillisecondsLeft(deadline));
    if (ready > 0) return true;
    if (ready == 0 || errno != EINTR) return false;
  }
}

// Reads up to and excluding the first LF, at most `limit` octets (then stops: the caller sees
// the excess and refuses). EOF ends the line too. Nothing on timeout.
std::optional<std::string> ReadLine(int fd, size_t limit, SteadyClock::time_point deadline) {
  std::string line;
  char buffer[512];
  while (line.size() < limit) {
    if (!WaitFor(fd, POLLIN, deadline)) return std::nullopt;
    ssize_t got = recv(fd, buffer, sizeof buffer, 0);
    if (got < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (got <= 0) return line;
    std::string_view chunk(buffer, static_cast<size_t>(got));
    if (size_t lf = chunk.find('\n'); lf != std::string_view::npos) {
      line.append(chunk.substr(0, lf));
      return line.substr(0, limit);
    }
    line.append(chunk);
  }
  return line.substr(0, limit);
}

bool WriteAll(int fd, std::string_view data, SteadyClock::time_point deadline) {
  while (!data.empty()) {
    if (!WaitFor(fd, POLLOUT, deadline)) return false;
    ssize_t sent = send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (sent < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (sent <= 0) return false;
    data.remove_prefix(static_cast<size_t>(sent));
  }
  return true;
}

}  // namespace

UnixCommandServer::UnixCommandServer(std::string path, CommandHandler handler, UnixCommandServerOptions options)
    : path_(std::move(path)), handler_(std::move(handler)), options_(options) {}

Result<std::unique_ptr<UnixCommandServer>, std::string> UnixCommandServer::Start(std::string path,
                                                                                CommandHandler handler,
                                                                                UnixCommandServerOptions options) {
  sockaddr_un address;
  if (!FillAddress(path, address)) return Unexpected(Failure(path, "path empty or too long for a Unix socket"));
  struct stat existing;
  if (lstat(path.c_str(), &existing) == 0) {
    if (!S_ISSOCK(existing.st_mode)) return Unexpected(Failure(path, "exists and is not a socket"));
    if (SomeoneListens(address)) return Unexpected(Failure(path, "in use by a running process"));
    unlink(path.c_str());  // Stale: left by a daemon that was killed.
  }
  std::unique_ptr<UnixCommandServer> server(new UnixCommandServer(path, std::move(handler), options));
  server->listener_ = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (server->listener_ < 0) return Unexpected(Failure(path, std::strerror(errno)));
  if (bind(server->listener_, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
    return Unexpected(Failure(path, std::strerror(errno)));
  }
  // Before listen(): until then nobody can connect, so the mode is never wider than asked.
  struct stat created;
  if (chmod(path.c_str(), options.mode) != 0 || lstat(path.c_str(), &created) != 0 ||
      listen(server->listener_, 16) != 0 || pipe2(server->stop_pipe_, O_CLOEXEC) != 0) {
    std::string reason = std::strerror(errno);
    unlink(path.c_str());
    return Unexpected(Failure(path, reason));
  }
  server->inode_ = created.st_ino;
  server->thread_ = std::thread([raw = server.get()] { raw->Serve(); });
  return server;
}

UnixCommandServer::~UnixCommandServer() {
  Stop();
  for (int fd : {listener_, stop_pipe_[0], stop_pipe_[1]}) {
    if (fd >= 0) close(fd);
  }
}

void UnixCommandServer::Stop() {
  if (!thread_.joinable()) return;
  char byte = 1;
  (void)!write(stop_pipe_[1], &byte, 1);
  thread_.join();
  struct stat current;
  if (lstat(path_.c_str(), &current) == 0 && current.st_ino == inode_) unlink(path_.c_str());
}

void UnixCommandServer::Serve() {
  while (true) {
    pollfd fds[2] = {{listener_, POLLIN, 0}, {stop_pipe_[0], POLLIN, 0}};
    if (poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      return;
    }
    if (fds[1].revents != 0) return;
    if ((fds[0].revents & POLLIN) == 0) continue;
    int connection = accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
    if (connection < 0) continue;
    ServeOne(connection);
    close(connection);
  }
}

void UnixCommandServer::ServeOne(int connection) {
  CommandPeer peer;
  ucred credentials{};
  socklen_t length = sizeof credentials;
  if (getsockopt(connection, SOL_SOCKET, SO_PEERCRED, &credentials, &length) == 0) {
    peer.pid = credentials.pid;
    peer.uid = credentials.uid;
  }
  auto deadline = SteadyClock::now() + std::chrono::milliseconds(options_.timeout_ms);
  std::optional<std::string> line = ReadLine(connection, options_.max_line + 1, deadline);
  if (!line) {
    ++stats_.timeouts;
    return;
  }
  ++stats_.requests;
  std::string reply;
  try {
    reply = handler_(*line, peer);
  } catch (...) {
    return;
  }
  deadline = SteadyClock::now() + std::chrono::milliseconds(options_.timeout_ms);
  if (!WriteAll(connection, reply, deadline)) ++stats_.timeouts;
}

}  // namespace redoubt::io
