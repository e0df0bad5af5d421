#include "net/io/tcp_stream.h"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "net/io/address.h"

namespace redoubt::io {
namespace {

using Bytes = std::vector<uint8_t>;

// Every blocking call of the test server gives up after this long, so that a test that goes
// wrong fails instead of hanging.
constexpr int kServerWaitMs = 3000;

Endpoint Loopback() { return {IpAddress::V4({127, 0, 0, 1}), 0}; }

void RunOnLoop(const std::function<Task<void>(uv_loop_t*)>& body) {
  uv_loop_t loop;
  uv_loop_init(&loop);
  Detach(body(&loop));
  uv_run(&loop, UV_RUN_DEFAULT);
  EXPECT_EQ(uv_loop_close(&loop), 0);  // Every handle of the exchange was closed.
}

void SetReceiveTimeout(int fd) {
  timeval wait{kServerWaitMs / 1000, (kServerWaitMs % 1000) * 1000};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof(wait));
}

bool ReadExactly(int fd, uint8_t* out, size_t size) {
  for (size_t got = 0; got < size;) {
    ssize_t n = read(fd, out + got, size - got);
    if (n <= 0) return false;
    got += static_cast<size_t>(n);
  }
  return true;
}

// Sends `bytes` in pieces cut at `cuts` (ascending offsets), pausing between pieces so that
// the client mostly reads them apart. Errors are ignored: the client may have hung up.
void SendInPieces(int fd, const Bytes& bytes, std::vector<size_t> cuts = {}) {
  cuts.push_back(bytes.size());
  size_t from = 0;
  for (size_t to : cuts) {
    if (from > 0) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    if (send(fd, bytes.data() + from, to - from, MSG_NOSIGNAL) < 0) return;
    from = to;
  }
}

// Waits until the client closes the connection (or kServerWaitMs passes in silence).
void WaitForClose(int fd) {
  uint8_t sink[4096];
  while (read(fd, sink, sizeof(sink)) > 0) {
  }
}

// A one-client TCP server on 127.0.0.1: a thread with blocking sockets accepts one
// connection, reads the framed query, then runs `script` on the connection and closes it.
class ScriptedServer {
 public:
  using Script = std::function<void(int fd)>;
  explicit ScriptedServer(Script script) {
    listen_fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_storage address;
    socklen_t length = ToSockaddr(Loopback(), address);
    bind(listen_fd_, reinterpret_cast<sockaddr*>(&address), length);
    listen(listen_fd_, 1);
    SetReceiveTimeout(listen_fd_);  // Bounds accept() as well.
    endpoint_ = BoundAddress(listen_fd_);
    thread_ = std::thread([this, script = std::move(script)] { Serve(script); });
  }
  ~ScriptedServer() {
    Join();
    close(listen_fd_);
  }
  Endpoint endpoint() const { return endpoint_; }
  // The query the client sent, once the script has ended.
  const Bytes& Query() {
    Join();
    return query_;
  }

 private:
  void Join() {
    if (thread_.joinable()) thread_.join();
  }
  void Serve(const Script& script) {
    int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) return;
    SetReceiveTimeout(fd);
    int on = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
    uint8_t prefix[2];
    if (ReadExactly(fd, prefix, 2)) {
      query_.resize(size_t{prefix[0]} << 8 | prefix[1]);
      if (!ReadExactly(fd, query_.data(), query_.size())) query_.clear();
    }
    script(fd);
    close(fd);
  }

  int listen_fd_ = -1;
  Endpoint endpoint_;
  Bytes query_;
  std::thread thread_;
};

// The stream of messages of the given sizes, message i filled with 'a' + i, each
// with its two-octet length prefix; `starts` receives where each frame begins.
Bytes Frames(const std::vector<size_t>& sizes, std::vector<size_t>* starts = nullptr) {
  Bytes out;
  for (size_t i = 0; i < sizes.size(); ++i) {
    if (starts != nullptr) starts->push_back(out.size());
    out.push_back(static_cast<uint8_t>(sizes[i] >> 8));
    out.push_back(static_cast<uint8_t>(sizes[i]));
    out.insert(out.end(), sizes[i], static_cast<uint8_t>('a' + i));
  }
  return out;
}

// What a consumer saw: each message's size and fill octet ('?' when not uniform).
struct Seen {
  std::vector<size_t> sizes;
  std::string fills;
};

// Records every message and answers kMore, or `last` at message number `stop_at` (from 1).
StreamConsumer Recorder(Seen& seen, size_t stop_at, StreamStep last = StreamStep::kDone) {
  return [&seen, stop_at, last](std::span<const uint8_t> message) {
    seen.sizes.push_back(message.size());
    bool uniform =
        std::all_of(message.begin(), message.end(), [&](uint8_t b) { return b == message[0]; });
    seen.fills.push_back(uniform ? static_cast<char>(message[0]) : '?');
    return seen.sizes.size() == stop_at ? last : StreamStep::kMore;
  };
}

StreamOptions Short(uint32_t timeout_ms = 2000, uint32_t idle_ms = 1000) {
  StreamOptions options;
  options.timeout_ms = timeout_ms;
  options.idle_ms = idle_ms;
  return options;
}

StreamResult Transfer(Endpoint server, StreamConsumer consumer, StreamOptions options,
                      Bytes query = {'a', 'x', 'f', 'r'}) {
  StreamResult result;
  RunOnLoop([&](uv_loop_t* loop) -> Task<void> {
    result = co_await TcpStreamExchange(loop, server, query, consumer, options);
  });
  return result;
}

// Frames cut inside a length prefix, frames several to a write, a frame of 65535 octets
// (larger than one read): every message arrives whole, in order, and kDone on the last ends
// the transfer as complete.
TEST(TcpStreamTest, DeliversEveryMessageInOrderAcrossAwkwardSplits) {
  const std::vector<size_t> sizes = {5, 1, 300, 65535, 2, 7, 40000, 3};
  std::vector<size_t> at;
  const Bytes stream = Frames(sizes, &at);
  const std::vector<size_t> cuts = {
      at[0] + 1,         // Inside the first length prefix.
      at[3] + 1,         // Frames 0 to 2 whole, and one octet of frame 3's prefix.
      at[3] + 2 + 1000,  // Inside frame 3's body.
      at[4],             // Exactly on a boundary.
      at[6] + 2,         // Frame 6's prefix without its body.
      at[7] - 1,         // All but the last octet of frame 6.
  };
  ScriptedServer server([&](int fd) {
    SendInPieces(fd, stream, cuts);
    WaitForClose(fd);
  });
  Seen seen;
  StreamResult result =
      Transfer(server.endpoint(), Recorder(seen, sizes.size()), Short(), {'q', 'u', 'e', 'r', 'y'});
  EXPECT_EQ(server.Query(), (Bytes{'q', 'u', 'e', 'r', 'y'}));
  EXPECT_EQ(result.status, ExchangeStatus::kReply);
  EXPECT_EQ(result.messages, sizes.size());
  EXPECT_EQ(result.bytes, stream.size());
  EXPECT_EQ(result.uv_error, 0);
  EXPECT_EQ(seen.sizes, sizes);
  EXPECT_EQ(seen.fills, "abcdefgh");
}

// The server sends on after the consumer is done: the rest is never handed over, and the
// client hanging up on a writing server harms neither side.
TEST(TcpStreamTest, DoneStopsEarlyWhileTheServerStillSends) {
  const Bytes stream = Frames({10, 20, 30, 40, 50, 60});
  ScriptedServer server([&](int fd) {
    SendInPieces(fd, stream, {30, 60, 100});
    SendInPieces(fd, Frames(std::vector<size_t>(50, 1000)));
    WaitForClose(fd);
  });
  Seen seen;
  StreamResult result = Transfer(server.endpoint(), Recorder(seen, 2), Short());
  EXPECT_EQ(result.status, ExchangeStatus::kReply);
  EXPECT_EQ(result.messages, 2u);
  EXPECT_EQ(seen.fills, "ab");
}

TEST(TcpStreamTest, AbortIsRejected) {
  ScriptedServer server([](int fd) {
    SendInPieces(fd, Frames({4, 4, 4}));
    WaitForClose(fd);
  });
  Seen seen;
  StreamResult result = Transfer(server.endpoint(), Recorder(seen, 2, StreamStep::kAbort), Short());
  EXPECT_EQ(result.status, ExchangeStatus::kRejected);
  EXPECT_EQ(result.messages, 2u);
  EXPECT_EQ(seen.fills, "ab");
}

TEST(TcpStreamTest, ZeroLengthFrameIsRejected) {
  ScriptedServer server([](int fd) {
    Bytes stream = Frames({3});
    stream.insert(stream.end(), {0, 0});
    Bytes more = Frames({3});
    stream.insert(stream.end(), more.begin(), more.end());
    SendInPieces(fd, stream);
    WaitForClose(fd);
  });
  Seen seen;
  StreamResult result = Transfer(server.endpoint(), Recorder(seen, 99), Short());
  EXPECT_EQ(result.status, ExchangeStatus::kRejected);
  EXPECT_EQ(result.messages, 1u);
}

// Only the consumer knows a transfer is complete: the server hanging up first, here in the
// middle of a length prefix, is a failure.
TEST(TcpStreamTest, ServerClosingBeforeDoneIsANetworkError) {
  ScriptedServer server([](int fd) {
    Bytes stream = Frames({8, 9, 10});
    SendInPieces(fd, Bytes(stream.begin(), stream.end() - 11));  // One octet of frame 2.
  });
  Seen seen;
  StreamResult result = Transfer(server.endpoint(), Recorder(seen, 99), Short());
  EXPECT_EQ(result.status, ExchangeStatus::kNetworkError);
  EXPECT_EQ(result.uv_error, UV_EOF);
  EXPECT_EQ(result.messages, 2u);
  EXPECT_EQ(result.bytes, 2u + 8 + 2 + 9 + 1);
}

TEST(TcpStreamTest, SilentServerHitsTheIdleTimeout) {
  ScriptedServer server([](int fd) { WaitForClose(fd); });
  Seen seen;
  StreamResult result = Transfer(server.endpoint(), Recorder(seen, 99), Short(5000, 200));
  EXPECT_EQ(result.status, ExchangeStatus::kTimeout);
  EXPECT_GE(result.elapsed_ms, 200u);
  EXPECT_LT(result.elapsed_ms, 1500u);
  EXPECT_EQ(result.messages, 0u);
}

// A message every 30 ms keeps restarting a 250 ms idle timer, but the whole transfer still
// ends at its 400 ms deadline.
TEST(TcpStreamTest, MessagesRestartTheIdleTimerButNotTheDeadline) {
  ScriptedServer server([](int fd) {
    for (int i = 0; i < 100; ++i) {
      if (send(fd, "\0\1x", 3, MSG_NOSIGNAL) != 3) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(30));
    }
  });
  Seen seen;
  StreamResult result = Transfer(server.endpoint(), Recorder(seen, 1000), Short(400, 250));
  EXPECT_EQ(result.status, ExchangeStatus::kTimeout);
  EXPECT_GE(result.elapsed_ms, 400u);
  EXPECT_LT(result.elapsed_ms, 1500u);
  EXPECT_GE(result.messages, 3u);
}

TEST(TcpStreamTest, StopTokenCancelsAtOnce) {
  ScriptedServer server([](int fd) { WaitForClose(fd); });
  std::stop_source stop;
  StreamOptions options = Short(5000, 5000);
  options.stop = stop.get_token();
  StreamResult result;
  RunOnLoop([&](uv_loop_t* loop) -> Task<void> {
    Detach([](uv_loop_t* l, std::stop_source& s) -> Task<void> {
      co_await Sleep(l, 50);
      s.request_stop();
    }(loop, stop));
    StreamConsumer consumer = [](std::span<const uint8_t>) { return StreamStep::kMore; };
    result = co_await TcpStreamExchange(loop, server.endpoint(), Bytes(1, 'q'), consumer, options);
  });
  EXPECT_EQ(result.status, ExchangeStatus::kCancelled);
  EXPECT_GE(result.elapsed_ms, 50u);
  EXPECT_LT(result.elapsed_ms, 1000u);
  EXPECT_EQ(server.Query(), Bytes{'q'});  // It had connected and asked.
}

// A consumer may stop the exchange itself: the coroutine resumes inside the consumer's call,
// and the verdict it then returns is ignored.
TEST(TcpStreamTest, StopRequestedByTheConsumerIsACancellation) {
  ScriptedServer server([](int fd) {
    SendInPieces(fd, Frames({4, 4, 4}));
    WaitForClose(fd);
  });
  std::stop_source stop;
  StreamOptions options = Short();
  options.stop = stop.get_token();
  size_t calls = 0;
  StreamConsumer consumer = [&](std::span<const uint8_t>) {
    ++calls;
    stop.request_stop();
    return StreamStep::kDone;
  };
  StreamResult result = Transfer(server.endpoint(), consumer, options);
  EXPECT_EQ(result.status, ExchangeStatus::kCancelled);
  EXPECT_EQ(calls, 1u);
  EXPECT_EQ(result.messages, 1u);
}

// Stopped before it starts: nothing is opened, not even towards an address nobody listens on.
TEST(TcpStreamTest, AlreadyStoppedTokenOpensNothing) {
  std::stop_source stop;
  stop.request_stop();
  StreamOptions options = Short();
  options.stop = stop.get_token();
  Seen seen;
  StreamResult result = Transfer({IpAddress::V4({127, 0, 0, 1}), 1}, Recorder(seen, 1), options);
  EXPECT_EQ(result.status, ExchangeStatus::kCancelled);
  EXPECT_EQ(result.uv_error, 0);
}

// The limit counts octets as they arrive, framing included; the read that crosses it is not
// delivered.
TEST(TcpStreamTest, MoreThanMaxTotalBytesIsRejected) {
  ScriptedServer server([](int fd) {
    SendInPieces(fd, Frames(std::vector<size_t>(10, 100)));
    WaitForClose(fd);
  });
  StreamOptions options = Short();
  options.max_total_bytes = 500;
  Seen seen;
  StreamResult result = Transfer(server.endpoint(), Recorder(seen, 99), options);
  EXPECT_EQ(result.status, ExchangeStatus::kRejected);
  EXPECT_GT(result.bytes, 500u);
  EXPECT_LE(result.messages * 102, 500u);
}

TEST(TcpStreamTest, RefusedConnectionIsANetworkError) {
  // A bound socket that does not listen: connecting to it is refused.
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_storage address;
  socklen_t length = ToSockaddr(Loopback(), address);
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&address), length), 0);
  Seen seen;
  StreamResult result = Transfer(BoundAddress(fd), Recorder(seen, 1), Short());
  close(fd);
  EXPECT_EQ(result.status, ExchangeStatus::kNetworkError);
  EXPECT_EQ(result.uv_error, UV_ECONNREFUSED);
  EXPECT_EQ(result.messages, 0u);
}

// The connection leaves from the chosen local address, and one of the other family is refused.
TEST(TcpStreamTest, ConnectsFromTheChosenSourceAddress) {
  const IpAddress source = IpAddress::V4({127, 0, 0, 2});
  Endpoint peer;
  ScriptedServer server([&](int fd) {
    sockaddr_storage address;
    socklen_t length = sizeof(address);
    getpeername(fd, reinterpret_cast<sockaddr*>(&address), &length);
    peer = FromSockaddr(reinterpret_cast<sockaddr*>(&address));
    SendInPieces(fd, Frames({4}));
    WaitForClose(fd);
  });
  StreamOptions options = Short();
  options.source = source;
  Seen seen;
  StreamResult result = Transfer(server.endpoint(), Recorder(seen, 1), options);
  EXPECT_EQ(result.status, ExchangeStatus::kReply);
  EXPECT_EQ(server.Query(), (Bytes{'a', 'x', 'f', 'r'}));
  EXPECT_EQ(peer.address, source);
  std::array<uint8_t, 16> v6_loopback{};
  v6_loopback[15] = 1;
  options.source = IpAddress::V6(v6_loopback);
  result = Transfer(server.endpoint(), Recorder(seen, 1), options);
  EXPECT_EQ(result.status, ExchangeStatus::kNetworkError);
  EXPECT_EQ(result.uv_error, UV_EAFNOSUPPORT);
}

// A query the length prefix cannot announce is refused before anything is opened.
TEST(TcpStreamTest, UnframeableQueryIsANetworkError) {
  Seen seen;
  StreamResult result =
      Transfer({IpAddress::V4({127, 0, 0, 1}), 1}, Recorder(seen, 1), Short(), Bytes(65536, 'q'));
  EXPECT_EQ(result.status, ExchangeStatus::kNetworkError);
  EXPECT_EQ(result.uv_error, UV_EMSGSIZE);
}

}  // namespace
}  // namespace redoubt::io
