// The control socket's transport (unix_command_server.h), over real Unix sockets: one line in,
// one reply out; the permissions it is created with; a stale file replaced, a live one kept;
// silent and flooding clients cut off without holding the server.
#include "net/io/unix_command_server.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <string>

namespace redoubt::io {
namespace {

using Clock = std::chrono::steady_clock;

class UnixCommandServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/redoubt-control-test-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    directory_ = pattern;
    path_ = directory_ + "/control.sock";
  }
  void TearDown() override {
    unlink(path_.c_str());
    rmdir(directory_.c_str());
  }

  static std::string Echo(std::string_view line, const CommandPeer& peer) {
    if (line == "throw") throw std::runtime_error("handler bug");
    return "got[" + std::string(line) + "] uid " + std::to_string(peer.uid) + "\n";
  }

  int Connect() const {
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::memcpy(address.sun_path, path_.c_str(), path_.size());
    if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
      close(fd);
      return -1;
    }
    return fd;
  }

  // Sends `request` and reads until the server closes.
  std::string Ask(std::string_view request) const {
    int fd = Connect();
    if (fd < 0) return "<no connection>";
    (void)!send(fd, request.data(), request.size(), MSG_NOSIGNAL);
    shutdown(fd, SHUT_WR);  // What the request is: EOF ends a line without a line feed.
    std::string reply;
    char buffer[4096];
    ssize_t got;
    while ((got = recv(fd, buffer, sizeof buffer, 0)) > 0) reply.append(buffer, static_cast<size_t>(got));
    close(fd);
    return reply;
  }

  std::string directory_, path_;
};

TEST_F(UnixCommandServerTest, AnswersOneLinePerConnection) {
  auto server = UnixCommandServer::Start(path_, Echo);
  ASSERT_TRUE(server) << server.error();
  EXPECT_EQ(Ask("text status\n"), "got[text status] uid " + std::to_string(getuid()) + "\n");
  EXPECT_EQ(Ask("a\nb\n"), "got[a] uid " + std::to_string(getuid()) + "\n");  // Only the first line.
  EXPECT_EQ(Ask("no line feed"), "got[no line feed] uid " + std::to_string(getuid()) + "\n");  // EOF ends it.
  EXPECT_EQ((*server)->stats().requests.load(), 3u);
}

TEST_F(UnixCommandServerTest, SocketFileHasTheRequestedModeAndGoesAtStop) {
  UnixCommandServerOptions options;
  options.mode = 0600;
  auto server = UnixCommandServer::Start(path_, Echo, options);
  ASSERT_TRUE(server) << server.error();
  struct stat info;
  ASSERT_EQ(lstat(path_.c_str(), &info), 0);
  EXPECT_TRUE(S_ISSOCK(info.st_mode));
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  (*server)->Stop();
  EXPECT_NE(lstat(path_.c_str(), &info), 0) << "the socket file outlived the server";
}

TEST_F(UnixCommandServerTest, SecondDaemonCannotStealALiveSocket) {
  auto first = UnixCommandServer::Start(path_, Echo);
  ASSERT_TRUE(first) << first.error();
  auto second = UnixCommandServer::Start(path_, Echo);
  ASSERT_FALSE(second);
  EXPECT_NE(second.error().find("in use by a running process"), std::string::npos) << second.error();
  EXPECT_NE(Ask("still mine\n").find("got[still mine]"), std::string::npos);
}

TEST_F(UnixCommandServerTest, StaleSocketOfAKilledDaemonIsReplaced) {
  // A bound socket nobody listens on: what a kill -9 leaves behind.
  int stale = socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::memcpy(address.sun_path, path_.c_str(), path_.size());
  ASSERT_EQ(bind(stale, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  close(stale);
  auto server = UnixCommandServer::Start(path_, Echo);
  ASSERT_TRUE(server) << server.error();
  EXPECT_NE(Ask("fresh\n").find("got[fresh]"), std::string::npos);
}

TEST_F(UnixCommandServerTest, RefusesToReplaceAFileThatIsNotASocket) {
  FILE* file = std::fopen(path_.c_str(), "w");
  ASSERT_NE(file, nullptr);
  std::fclose(file);
  auto server = UnixCommandServer::Start(path_, Echo);
  ASSERT_FALSE(server);
  EXPECT_NE(server.error().find("is not a socket"), std::string::npos);
  struct stat info;
  EXPECT_EQ(lstat(path_.c_str(), &info), 0) << "a regular file was removed";
}

TEST_F(UnixCommandServerTest, MissingDirectoryAndOverlongPathAreNamed) {
  auto missing = UnixCommandServer::Start(directory_ + "/no/such/dir/control.sock", Echo);
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().find("No such file or directory"), std::string::npos) << missing.error();
  auto overlong = UnixCommandServer::Start("/tmp/" + std::string(200, 'x'), Echo);
  ASSERT_FALSE(overlong);
  EXPECT_NE(overlong.error().find("too long"), std::string::npos);
}

// A client that floods without a line feed gets its first max_line + 1 octets handed over (for
// the handler to refuse), never an unbounded buffer.
TEST_F(UnixCommandServerTest, FloodWithoutLineFeedIsCutAtTheLimit) {
  UnixCommandServerOptions options;
  options.max_line = 64;
  size_t seen = 0;
  auto server = UnixCommandServer::Start(
      path_, [&](std::string_view line, const CommandPeer&) { seen = line.size(); return std::string("no\n"); },
      options);
  ASSERT_TRUE(server) << server.error();
  EXPECT_EQ(Ask(std::string(100000, 'a')), "no\n");
  EXPECT_EQ(seen, 65u);
}

// A client that connects and says nothing holds the server at most timeout_ms; the next one is
// served after it.
TEST_F(UnixCommandServerTest, SilentClientIsCutOffAfterTheTimeout) {
  UnixCommandServerOptions options;
  options.timeout_ms = 200;
  auto server = UnixCommandServer::Start(path_, Echo, options);
  ASSERT_TRUE(server) << server.error();
  int silent = Connect();
  ASSERT_GE(silent, 0);
  Clock::time_point start = Clock::now();
  EXPECT_NE(Ask("next\n").find("got[next]"), std::string::npos);
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(3));
  char byte;
  EXPECT_EQ(recv(silent, &byte, 1, 0), 0) << "the silent client was not closed";
  close(silent);
  EXPECT_EQ((*server)->stats().timeouts.load(), 1u);
}

TEST_F(UnixCommandServerTest, HandlerExceptionClosesWithoutReplyAndServerGoesOn) {
  auto server = UnixCommandServer::Start(path_, Echo);
  ASSERT_TRUE(server) << server.error();
  EXPECT_EQ(Ask("throw\n"), "");
  EXPECT_NE(Ask("after\n").find("got[after]"), std::string::npos);
}

}  // namespace
}  // namespace redoubt::io
