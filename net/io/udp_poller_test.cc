#include "net/io/udp_poller.h"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <set>
#include <thread>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "net/base/when_all.h"
#include "net/io/address.h"
#include "net/io/exchange.h"
#include "net/io/listener.h"

namespace redoubt::io {
namespace {

Endpoint Loopback(uint16_t port = 0) { return {IpAddress::V4({127, 0, 0, 1}), port}; }
std::vector<uint8_t> Bytes(const std::string& s) { return {s.begin(), s.end()}; }
ReplyFilter AcceptAll() { return [](std::span<const uint8_t>) { return true; }; }

// Replies with '>' and the query; a query starting with 'N' gets no reply.
QueryHandler Echo() {
  return [](std::vector<uint8_t> query, QueryContext) -> Task<std::vector<uint8_t>> {
    if (!query.empty() && query[0] == 'N') co_return std::vector<uint8_t>{};
    query.insert(query.begin(), '>');
    co_return query;
  };
}

size_t OpenDescriptors() {
  auto entries = std::filesystem::directory_iterator("/proc/self/fd");
  return static_cast<size_t>(std::distance(entries, std::filesystem::directory_iterator()));
}

// Runs `body` on a fresh loop with a poller, destroys the poller, and checks that the loop then
// closes (no handle left behind).
template <class Body>
void RunWithPoller(Body body, UdpPoller::SocketReuse reuse = UdpPoller::SocketReuse::kOff) {
  uv_loop_t loop;
  uv_loop_init(&loop);
  {
    UdpPoller poller(&loop, reuse);
    Detach(body(&loop, poller));
    uv_run(&loop, UV_RUN_DEFAULT);
  }
  uv_run(&loop, UV_RUN_DEFAULT);  // The poller's handle finishes closing.
  EXPECT_EQ(uv_loop_close(&loop), 0);
}

// Many exchanges in flight at once share the one epoll set: each gets its own reply, each
// socket was added once and is closed when its exchange ends (no descriptor left open). They were
// all started in one turn, and their queries left together at its end (each one queued).
TEST(UdpPollerTest, ManyExchangesInFlightEachGetTheirOwnReply) {
  ListenerStats stats;
  std::vector<ExchangeResult> results;
  uint64_t added = 0, queued = 0;
  uv_loop_t warm;  // libuv opens a process-wide signal pipe with its first loop: not ours.
  uv_loop_init(&warm);
  uv_loop_close(&warm);
  size_t before = OpenDescriptors();
  RunWithPoller([&](uv_loop_t* loop, UdpPoller& poller) -> Task<void> {
    auto listener = UdpListener::Open(loop, Loopback(), Echo(), &stats);
    EXPECT_TRUE(listener.has_value());
    if (!listener) co_return;
    std::vector<Task<ExchangeResult>> exchanges;
    for (int i = 0; i < 40; ++i) {
      UdpOptions options;
      options.poller = &poller;
      exchanges.push_back(UdpExchange(loop, (*listener)->local(), Bytes("q" + std::to_string(i)),
                                      AcceptAll(), std::move(options)));
    }
    results = co_await WhenAll(std::move(exchanges));
    added = poller.added();
    queued = poller.queued_sends();
    (*listener)->Close();
  });
  ASSERT_EQ(results.size(), 40u);
  for (size_t i = 0; i < results.size(); ++i) {
    EXPECT_EQ(results[i].status, ExchangeStatus::kReply);
    EXPECT_EQ(results[i].reply, Bytes(">q" + std::to_string(i)));
  }
  EXPECT_EQ(added, 40u);
  EXPECT_EQ(queued, 40u);
  EXPECT_EQ(OpenDescriptors(), before);
}

// A port with nobody behind it: the ICMP port unreachable reaches the watched socket as an error
// event, and the exchange ends at once with kNetworkError rather than at its timeout.
TEST(UdpPollerTest, RefusedPortEndsTheExchangeWithANetworkError) {
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_storage address;
  socklen_t length = ToSockaddr(Loopback(), address);
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&address), length), 0);
  socklen_t bound_length = sizeof(address);
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &bound_length);
  Endpoint closed = FromSockaddr(reinterpret_cast<sockaddr*>(&address));
  close(fd);  // Nothing listens there now.
  ExchangeResult result;
  RunWithPoller([&](uv_loop_t* loop, UdpPoller& poller) -> Task<void> {
    UdpOptions options;
    options.poller = &poller;
    options.timeout_ms = 3000;
    result = co_await UdpExchange(loop, closed, Bytes("q"), AcceptAll(), std::move(options));
  });
  EXPECT_EQ(result.status, ExchangeStatus::kNetworkError);
  EXPECT_EQ(result.uv_error, UV_ECONNREFUSED);
  EXPECT_LT(result.elapsed_ms, 1000u);
}

// After Shutdown (a worker stopping), an exchange still works: it polls its own socket.
TEST(UdpPollerTest, AfterShutdownExchangesPollTheirOwnSocket) {
  ListenerStats stats;
  ExchangeResult result, silent;
  uint64_t added = 1;
  RunWithPoller([&](uv_loop_t* loop, UdpPoller& poller) -> Task<void> {
    auto listener = UdpListener::Open(loop, Loopback(), Echo(), &stats);
    if (!listener) co_return;
    poller.Shutdown();
    UdpOptions options;
    options.poller = &poller;
    result = co_await UdpExchange(loop, (*listener)->local(), Bytes("late"), AcceptAll(), options);
    options.timeout_ms = 100;
    silent = co_await UdpExchange(loop, (*listener)->local(), Bytes("N"), AcceptAll(), options);
    added = poller.added();
    (*listener)->Close();
  });
  EXPECT_EQ(result.status, ExchangeStatus::kReply);
  EXPECT_EQ(result.reply, Bytes(">late"));
  EXPECT_EQ(silent.status, ExchangeStatus::kTimeout);
  EXPECT_EQ(added, 0u);
}

// A watched exchange whose server stays silent ends at its timeout, and a stopped one at once.
TEST(UdpPollerTest, WatchedExchangesTimeOutAndCancel) {
  ListenerStats stats;
  ExchangeResult timed_out, cancelled;
  RunWithPoller([&](uv_loop_t* loop, UdpPoller& poller) -> Task<void> {
    auto listener = UdpListener::Open(loop, Loopback(), Echo(), &stats);
    if (!listener) co_return;
    UdpOptions options;
    options.poller = &poller;
    options.timeout_ms = 100;
    timed_out = co_await UdpExchange(loop, (*listener)->local(), Bytes("N"), AcceptAll(), options);
    std::stop_source stop;
    stop.request_stop();
    options.stop = stop.get_token();
    options.timeout_ms = 5000;
    cancelled = co_await UdpExchange(loop, (*listener)->local(), Bytes("N"), AcceptAll(), options);
    (*listener)->Close();
  });
  EXPECT_EQ(timed_out.status, ExchangeStatus::kTimeout);
  EXPECT_GE(timed_out.elapsed_ms, 90u);
  EXPECT_EQ(cancelled.status, ExchangeStatus::kCancelled);
}

}  // namespace
}  // namespace redoubt::io

namespace redoubt::io {
namespace {

// An exchange cancelled before the end of its turn sends nothing: the server sees no query.
TEST(UdpPollerTest, AnExchangeCancelledBeforeItsSendSendsNothing) {
  ListenerStats stats;
  ExchangeResult cancelled, later;
  RunWithPoller([&](uv_loop_t* loop, UdpPoller& poller) -> Task<void> {
    auto listener = UdpListener::Open(loop, Loopback(), Echo(), &stats);
    if (!listener) co_return;
    std::stop_source stop;
    UdpOptions options;
    options.poller = &poller;
    options.stop = stop.get_token();
    std::vector<Task<ExchangeResult>> both;
    both.push_back(UdpExchange(loop, (*listener)->local(), Bytes("gone"), AcceptAll(), options));
    both.push_back([](std::stop_source& s) -> Task<ExchangeResult> {
      s.request_stop();  // In the same turn, before the queued send.
      co_return ExchangeResult{};
    }(stop));
    std::vector<ExchangeResult> results = co_await WhenAll(std::move(both));
    cancelled = results[0];
    UdpOptions fresh;
    fresh.poller = &poller;
    later = co_await UdpExchange(loop, (*listener)->local(), Bytes("next"), AcceptAll(), fresh);
    (*listener)->Close();
  });
  EXPECT_EQ(cancelled.status, ExchangeStatus::kCancelled);
  EXPECT_EQ(later.reply, Bytes(">next"));
  EXPECT_EQ(stats.queries, 1u);  // Only "next" reached the server.
}

}  // namespace
}  // namespace redoubt::io

namespace redoubt::io {
namespace {

constexpr auto kReuse = UdpPoller::SocketReuse::kOn;

// Echo, noting the source port of every query.
QueryHandler EchoNotingPorts(std::vector<uint16_t>& ports) {
  return [&ports](std::vector<uint8_t> query, QueryContext context) -> Task<std::vector<uint8_t>> {
    ports.push_back(context.client.port);
    query.insert(query.begin(), '>');
    co_return query;
  };
}

// A filter accepting everything and keeping what it saw.
ReplyFilter Noting(std::vector<std::string>& seen) {
  return [&seen](std::span<const uint8_t> bytes) {
    seen.emplace_back(bytes.begin(), bytes.end());
    return true;
  };
}

// A server on a thread of its own: takes one query and sends `replies` back to its source at
// once, then `late` after 50 ms (when not empty).
class ScriptedServer {
 public:
  ScriptedServer(std::vector<std::string> replies, std::string late) {
    fd_ = socket(AF_INET, SOCK_DGRAM, 0);
    sockaddr_storage address;
    socklen_t length = ToSockaddr(Loopback(), address);
    bind(fd_, reinterpret_cast<sockaddr*>(&address), length);
    local_ = BoundAddress(fd_);
    timeval wait{2, 0};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof(wait));
    thread_ = std::thread([this, replies = std::move(replies), late = std::move(late)] {
      std::array<char, 512> query;
      sockaddr_storage client;
      socklen_t client_length = sizeof(client);
      if (recvfrom(fd_, query.data(), query.size(), 0, reinterpret_cast<sockaddr*>(&client), &client_length) < 0) return;
      auto* to = reinterpret_cast<sockaddr*>(&client);
      for (const std::string& reply : replies) sendto(fd_, reply.data(), reply.size(), 0, to, client_length);
      if (late.empty()) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      sendto(fd_, late.data(), late.size(), 0, to, client_length);
    });
  }
  ~ScriptedServer() {
    thread_.join();
    close(fd_);
  }
  Endpoint local() const { return local_; }

 private:
  int fd_ = -1;
  Endpoint local_;
  std::thread thread_;
};

// Socket reuse (security.md A1): one socket serves exchange after exchange, each from a port
// the kernel chose at its connect, and the poller added it to its set once.
TEST(UdpPollerTest, AReusedSocketTakesAFreshPortForEveryExchange) {
  ListenerStats stats;
  std::vector<uint16_t> ports;
  std::vector<ExchangeResult> results;
  uint64_t added = 0, reused = 0;
  RunWithPoller([&](uv_loop_t* loop, UdpPoller& poller) -> Task<void> {
    auto listener = UdpListener::Open(loop, Loopback(), EchoNotingPorts(ports), &stats);
    if (!listener) co_return;
    for (int i = 0; i < 20; ++i) {
      UdpOptions options;
      options.poller = &poller;
      results.push_back(co_await UdpExchange(loop, (*listener)->local(), Bytes("q" + std::to_string(i)),
                                             AcceptAll(), std::move(options)));
    }
    added = poller.added();
    reused = poller.reused();
    (*listener)->Close();
  }, kReuse);
  ASSERT_EQ(results.size(), 20u);
  for (size_t i = 0; i < results.size(); ++i) EXPECT_EQ(results[i].reply, Bytes(">q" + std::to_string(i)));
  EXPECT_EQ(added, 1u);
  EXPECT_EQ(reused, 19u);
  ASSERT_EQ(ports.size(), 20u);
  // Random over thousands of ports: two repeats among 20 is a chance of about 1 in 10^5.
  EXPECT_GE(std::set<uint16_t>(ports.begin(), ports.end()).size(), 18u);
}

// The port lives only while its query is outstanding (security.md A7): a datagram the server
// sends to it after the reply is refused by the kernel, and never reaches the idle socket.
TEST(UdpPollerTest, ABorrowedPortClosesWhenTheReplyIsIn) {
  ExchangeResult result;
  uint64_t drained = 1;
  ScriptedServer server({"reply"}, "late");
  RunWithPoller([&](uv_loop_t* loop, UdpPoller& poller) -> Task<void> {
    UdpOptions options;
    options.poller = &poller;
    result = co_await UdpExchange(loop, server.local(), Bytes("q"), AcceptAll(), options);
    co_await Sleep(loop, 200);  // "late" was sent 50 ms after the reply.
    drained = poller.drained();
  }, kReuse);
  EXPECT_EQ(result.reply, Bytes("reply"));
  EXPECT_EQ(drained, 0u);
}

// A duplicate reply queued before the socket went back to the pool is not the next exchange's:
// that exchange's filter sees only its own server's reply.
TEST(UdpPollerTest, ADatagramQueuedForTheLastExchangeNeverReachesTheNext) {
  ListenerStats stats;
  ExchangeResult first, second;
  std::vector<std::string> seen_first, seen_second;
  uint64_t reused = 0;
  ScriptedServer server({"one", "one again"}, "");
  RunWithPoller([&](uv_loop_t* loop, UdpPoller& poller) -> Task<void> {
    auto listener = UdpListener::Open(loop, Loopback(), Echo(), &stats);
    if (!listener) co_return;
    UdpOptions options;
    options.poller = &poller;
    co_await Sleep(loop, 0);
    first = co_await UdpExchange(loop, server.local(), Bytes("q1"), Noting(seen_first), options);
    second = co_await UdpExchange(loop, (*listener)->local(), Bytes("q2"), Noting(seen_second), options);
    reused = poller.reused();
    (*listener)->Close();
  }, kReuse);
  EXPECT_EQ(first.reply, Bytes("one"));
  EXPECT_EQ(second.reply, Bytes(">q2"));
  EXPECT_EQ(seen_second, std::vector<std::string>{">q2"});
  EXPECT_EQ(reused, 1u);
}

// Only a socket whose exchange took its reply goes back to the pool: one that timed out (its
// late reply may still come) is closed, and the next exchange opens another.
TEST(UdpPollerTest, ASocketWhoseExchangeTimedOutIsClosedNotReused) {
  ListenerStats stats;
  ExchangeResult silent, next;
  uint64_t added = 0, reused = 1;
  RunWithPoller([&](uv_loop_t* loop, UdpPoller& poller) -> Task<void> {
    auto listener = UdpListener::Open(loop, Loopback(), Echo(), &stats);
    if (!listener) co_return;
    UdpOptions options;
    options.poller = &poller;
    options.timeout_ms = 100;
    silent = co_await UdpExchange(loop, (*listener)->local(), Bytes("N"), AcceptAll(), options);
    next = co_await UdpExchange(loop, (*listener)->local(), Bytes("next"), AcceptAll(), options);
    added = poller.added();
    reused = poller.reused();
    (*listener)->Close();
  }, kReuse);
  EXPECT_EQ(silent.status, ExchangeStatus::kTimeout);
  EXPECT_EQ(next.reply, Bytes(">next"));
  EXPECT_EQ(added, 2u);
  EXPECT_EQ(reused, 0u);
}

// Many exchanges at once each hold a socket of their own; the next wave reuses them all, and
// every descriptor is closed with the poller.
TEST(UdpPollerTest, ConcurrentExchangesHoldSocketsOfTheirOwnAndTheNextWaveReusesThem) {
  ListenerStats stats;
  std::vector<uint16_t> ports;
  size_t replies = 0;
  uint64_t added = 0, reused = 0;
  uv_loop_t warm;
  uv_loop_init(&warm);
  uv_loop_close(&warm);
  size_t before = OpenDescriptors();
  RunWithPoller([&](uv_loop_t* loop, UdpPoller& poller) -> Task<void> {
    auto listener = UdpListener::Open(loop, Loopback(), EchoNotingPorts(ports), &stats);
    if (!listener) co_return;
    for (int wave = 0; wave < 2; ++wave) {
      std::vector<Task<ExchangeResult>> exchanges;
      for (int i = 0; i < 30; ++i) {
        UdpOptions options;
        options.poller = &poller;
        exchanges.push_back(UdpExchange(loop, (*listener)->local(), Bytes("w" + std::to_string(wave * 100 + i)),
                                        AcceptAll(), std::move(options)));
      }
      std::vector<ExchangeResult> results = co_await WhenAll(std::move(exchanges));
      for (size_t i = 0; i < results.size(); ++i) {
        replies += results[i].reply == Bytes(">w" + std::to_string(wave * 100 + static_cast<int>(i)));
      }
    }
    added = poller.added();
    reused = poller.reused();
    (*listener)->Close();
  }, kReuse);
  EXPECT_EQ(replies, 60u);
  EXPECT_EQ(added, 30u);
  EXPECT_EQ(reused, 30u);
  ASSERT_EQ(ports.size(), 60u);
  EXPECT_EQ(std::set<uint16_t>(ports.begin(), ports.begin() + 30).size(), 30u);  // At once: distinct.
  EXPECT_EQ(OpenDescriptors(), before);
}

// A poller destroyed while an exchange holds one of its sockets (not what the daemon does: its
// exchanges end first) leaves that socket to the exchange, which closes and frees it when it
// ends: no descriptor is left open.
TEST(UdpPollerTest, AnExchangeOutlivingItsPollerClosesItsBorrowedSocket) {
  uv_loop_t warm;
  uv_loop_init(&warm);
  uv_loop_close(&warm);
  size_t before = OpenDescriptors();
  int silent = socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_storage address;
  socklen_t length = ToSockaddr(Loopback(), address);
  ASSERT_EQ(bind(silent, reinterpret_cast<sockaddr*>(&address), length), 0);
  Endpoint server = BoundAddress(silent);
  uv_loop_t loop;
  uv_loop_init(&loop);
  ExchangeResult result;
  auto poller = std::make_unique<UdpPoller>(&loop, kReuse);
  Detach([](uv_loop_t* loop, UdpPoller* poller, Endpoint server, ExchangeResult& out) -> Task<void> {
    UdpOptions options;
    options.poller = poller;
    options.timeout_ms = 100;
    out = co_await UdpExchange(loop, server, Bytes("q"), AcceptAll(), std::move(options));
  }(&loop, poller.get(), server, result));
  uv_run(&loop, UV_RUN_NOWAIT);
  EXPECT_EQ(poller->added(), 1u);
  poller.reset();
  uv_run(&loop, UV_RUN_DEFAULT);
  EXPECT_EQ(uv_loop_close(&loop), 0);
  close(silent);
  EXPECT_EQ(result.status, ExchangeStatus::kTimeout);
  EXPECT_EQ(OpenDescriptors(), before);
}

}  // namespace
}  // namespace redoubt::io
