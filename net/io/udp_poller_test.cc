#include "net/io/udp_poller.h"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <iterator>
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
void RunWithPoller(Body body) {
  uv_loop_t loop;
  uv_loop_init(&loop);
  {
    UdpPoller poller(&loop);
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
