// A local command socket (docs/control.md; issue #16): a Unix stream socket on which a client
// writes one request line and reads one reply, then the server closes. The daemon's control
// channel (resolver/daemon/control_service.h) answers on it; redoubt-control is the client.
//
// Who may connect is decided by the file system (unix(7): connecting needs write permission on
// the socket file): the socket is created with `mode` (default 0660) before it listens, so no
// client can connect through a wider mode. Every client is served in turn on the server's own
// thread, each bounded: the line (at most max_line octets) must arrive and the reply must be
// taken within timeout_ms, else the connection is closed. A stale socket file left by a killed
// daemon is replaced; one that a live process still accepts on is an error, so two daemons never
// steal each other's control channel.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <thread>

#include "net/base/counter.h"
#include "net/base/result.h"

namespace redoubt::io {

// Who is asking (SO_PEERCRED, unix(7)); for the log line of each command.
struct CommandPeer {
  pid_t pid = 0;
  uid_t uid = 0;
};

// Turns one request line (without its LF; possibly over max_line octets, which the handler
// should refuse) into the complete reply. Called on the server thread; must not call Stop().
// An exception escaping it closes the connection without a reply.
using CommandHandler = std::function<std::string(std::string_view line, const CommandPeer& peer)>;

struct UnixCommandServerOptions {
  uint32_t timeout_ms = 5000;  // For the line to arrive, then again for the reply to be taken.
  size_t max_line = 1024;      // Octets before the LF; one more is read to tell "too long".
  mode_t mode = 0660;          // The socket file's permissions.
};

class UnixCommandServer {
 public:
  // Creates the socket at `path` and serves on a new thread. Errors name the path and the
  // reason: "control socket /run/redoubt/control.sock: in use by a running process", "...: No
  // such file or directory" (the directory must exist), a path too long for sockaddr_un.
  static Result<std::unique_ptr<UnixCommandServer>, std::string> Start(std::string path,
                                                                      CommandHandler handler,
                                                                      UnixCommandServerOptions options = {});
  ~UnixCommandServer();
  UnixCommandServer(const UnixCommandServer&) = delete;
  UnixCommandServer& operator=(const UnixCommandServer&) = delete;

  // Stops serving (a reply being written is cut), joins the thread and removes the socket
  // file if it is still the one this server created. Idempotent; the destructor calls it.
  void Stop();
  const std::string& path() const noexcept { return path_; }

  struct Stats {
    Counter requests;  // Lines handed to the handler.
    Counter timeouts;  // Connections closed for a line or a reply that did not move in time.
  };
  const Stats& stats() const noexcept { return stats_; }

 private:
  UnixCommandServer(std::string path, CommandHandler handler, UnixCommandServerOptions options);
  void Serve();
  void ServeOne(int connection);

  std::string path_;
  CommandHandler handler_;
  UnixCommandServerOptions options_;
  Stats stats_;
  int listener_ = -1;
  int stop_pipe_[2] = {-1, -1};
  ino_t inode_ = 0;
  std::thread thread_;
};

}  // namespace redoubt::io
