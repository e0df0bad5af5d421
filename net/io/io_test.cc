#include <gtest/gtest.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <string>

#include <atomic>
#include <set>
#include <thread>

#include "net/io/address.h"
#include "net/io/exchange.h"
#include "net/io/listener.h"
#include "net/io/loop_yielder.h"
#include "net/io/tcp_pool.h"

namespace redoubt::io {
namespace {

Endpoint Loopback(uint16_t port = 0) { return {IpAddress::V4({127, 0, 0, 1}), port}; }

// Runs `task` on a fresh loop until every handle is closed.
void RunOnLoop(const std::function<Task<void>(uv_loop_t*)>& body) {
  uv_loop_t loop;
  uv_loop_init(&loop);
  Detach(body(&loop));
  uv_run(&loop, UV_RUN_DEFAULT);
  EXPECT_EQ(uv_loop_close(&loop), 0);
}

// Replies with the query's bytes and the first octet flipped, after `delay_ms` when the first
// octet is 'S' (slow); an 'N' query gets no reply at all.
QueryHandler EchoHandler(uv_loop_t* loop) {
  return [loop](std::vector<uint8_t> query, QueryContext) -> Task<std::vector<uint8_t>> {
    if (!query.empty() && query[0] == 'S') co_await Sleep(loop, 100);
    if (!query.empty() && query[0] == 'N') co_return std::vector<uint8_t>{};
    query.insert(query.begin(), '>');
    co_return query;
  };
}

std::vector<uint8_t> Bytes(const std::string& s) { return {s.begin(), s.end()}; }
ReplyFilter AcceptAll() { return [](std::span<const uint8_t>) { return true; }; }

// One UDP exchange of `query` with an echo listener on its own loop, within `timeout_ms`.
ExchangeResult EchoOverUdp(const std::string& query, uint32_t timeout_ms, ListenerStats& stats) {
  ExchangeResult result;
  RunOnLoop([&](uv_loop_t* loop) -> Task<void> {
    auto listener = UdpListener::Open(loop, Loopback(), EchoHandler(loop), &stats);
    EXPECT_TRUE(listener.has_value());
    if (!listener) co_return;
    UdpOptions options;
    options.timeout_ms = timeout_ms;
    result = co_await UdpExchange(loop, (*listener)->local(), Bytes(query), AcceptAll(), options);
    (*listener)->Close();
  });
  return result;
}

// In a new network namespace (root only): loopback up with an MTU of 1280.
bool LoopbackWithSmallMtu() {
  if (unshare(CLONE_NEWNET) != 0) return false;
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  ifreq request{};
  std::strncpy(request.ifr_name, "lo", IFNAMSIZ - 1);
  request.ifr_mtu = 1280;
  bool ok = ioctl(fd, SIOCSIFMTU, &request) == 0;
  request.ifr_flags = IFF_UP;
  ok = ok && ioctl(fd, SIOCSIFFLAGS, &request) == 0;
  close(fd);
  return ok;
}

// The child's half of the fragment test: exit code 0 when a 3000-octet reply is reported as
// reassembled (IP_RECVFRAGSIZE) and a 500-octet one as whole, 1 otherwise, 77 to skip.
int FragmentReportInChild() {
  if (!LoopbackWithSmallMtu()) return 77;
  ListenerStats stats;
  ExchangeResult big, small;
  uv_loop_t loop;
  uv_loop_init(&loop);
  QueryHandler pad = [](std::vector<uint8_t> query, QueryContext) -> Task<std::vector<uint8_t>> {
    query.resize(query[0] == 'B' ? 3000 : 500, 'x');
    co_return query;
  };
  Detach([](uv_loop_t* l, QueryHandler handler, ListenerStats& st, ExchangeResult& b,
            ExchangeResult& s) -> Task<void> {
    auto listener = UdpListener::Open(l, Loopback(), handler, &st);
    if (!listener) co_return;
    b = co_await UdpExchange(l, (*listener)->local(), Bytes("B"), AcceptAll(), {});
    s = co_await UdpExchange(l, (*listener)->local(), Bytes("s"), AcceptAll(), {});
    (*listener)->Close();
  }(&loop, pad, stats, big, small));
  uv_run(&loop, UV_RUN_DEFAULT);
  bool ok = big.status == ExchangeStatus::kReply && big.reply.size() == 3000 &&
            big.fragment_size > 0 && big.fragment_size <= 1280 &&
            small.status == ExchangeStatus::kReply && small.reply.size() == 500 &&
            small.fragment_size == 0;
  return ok ? 0 : 1;
}

TEST(IoTest, ReassembledUdpReplyIsReportedWithItsFragmentSize) {
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) _exit(FragmentReportInChild());
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  if (WEXITSTATUS(status) == 77) GTEST_SKIP() << "needs root for a network namespace";
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

// No source port given: the kernel chooses one, and the exchange reports it (getsockname).
TEST(IoTest, UdpExchangeGetsTheReplyFromTheChosenSourcePort) {
  ListenerStats stats;
  ExchangeResult result = EchoOverUdp("hello", 1000, stats);
  EXPECT_EQ(result.status, ExchangeStatus::kReply);
  EXPECT_EQ(result.reply, Bytes(">hello"));
  EXPECT_NE(result.source_port, 0);
  EXPECT_EQ(stats.queries, 1u);
  EXPECT_EQ(stats.replies, 1u);
}

// Source ports given by the caller (the CSPRNG's, in the daemon): the first that binds is the
// one reported, without asking the kernel.
TEST(IoTest, UdpExchangeReportsTheCallersPortThatBound) {
  ListenerStats stats;
  ExchangeResult result;
  std::vector<uint16_t> ports = {static_cast<uint16_t>(20000 + getpid() % 20000),
                                 static_cast<uint16_t>(41000 + getpid() % 20000)};
  RunOnLoop([&](uv_loop_t* loop) -> Task<void> {
    auto listener = UdpListener::Open(loop, Loopback(), EchoHandler(loop), &stats);
    if (!listener) co_return;
    UdpOptions options;
    options.source_ports = ports;
    result = co_await UdpExchange(loop, (*listener)->local(), Bytes("port"), AcceptAll(), options);
    (*listener)->Close();
  });
  EXPECT_EQ(result.status, ExchangeStatus::kReply);
  EXPECT_TRUE(result.source_port == ports[0] || result.source_port == ports[1]) << result.source_port;
}

// A non-blocking UDP client socket connected to `server` (with a receive buffer of
// `receive_buffer` octets when it is not 0).
int ConnectedClient(const Endpoint& server, int receive_buffer = 0) {
  int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
  if (receive_buffer > 0) setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof(receive_buffer));
  sockaddr_storage address;
  socklen_t length = ToSockaddr(server, address);
  connect(fd, reinterpret_cast<sockaddr*>(&address), length);
  return fd;
}

// Reads the datagrams waiting at `fd` into `replies` every 5 ms, until `want` distinct ones
// have come or `waits` rounds have passed.
Task<void> CollectReplies(uv_loop_t* loop, int fd, size_t want, int waits, std::set<std::string>& replies) {
  std::vector<char> buffer(65536);
  for (int wait = 0; wait < waits && replies.size() < want; ++wait) {
    co_await Sleep(loop, 5);
    for (ssize_t n; (n = recv(fd, buffer.data(), buffer.size(), MSG_DONTWAIT)) > 0;) {
      replies.emplace(buffer.data(), static_cast<size_t>(n));
    }
  }
}

// Replies queued for the end of the loop turn: 150 queries sent at once from one socket (more
// than one sendmmsg batch of 64) all get their own reply, each counted once.
TEST(IoTest, UdpListenerSendsEveryQueuedReplyOfATurn) {
  ListenerStats stats;
  std::set<std::string> replies;
  RunOnLoop([&](uv_loop_t* loop) -> Task<void> {
    auto listener = UdpListener::Open(loop, Loopback(), EchoHandler(loop), &stats);
    EXPECT_TRUE(listener.has_value());
    if (!listener) co_return;
    int fd = ConnectedClient((*listener)->local());
    for (int i = 0; i < 150; ++i) {
      std::string query = "q" + std::to_string(i);
      send(fd, query.data(), query.size(), 0);
    }
    co_await CollectReplies(loop, fd, 150, 100, replies);
    close(fd);
    (*listener)->Close();
  });
  EXPECT_EQ(replies.size(), 150u);
  EXPECT_TRUE(replies.contains(">q0"));
  EXPECT_TRUE(replies.contains(">q149"));
  EXPECT_EQ(stats.queries, 150u);
  EXPECT_EQ(stats.replies, 150u);
  EXPECT_EQ(stats.send_failures, 0u);
}

// The listener reads client queries in batches (recvmmsg, kDatagramsPerRead per call): 40
// queries waiting at once, one of them 60,000 octets (almost a whole slot) among small ones,
// are each read whole, once, and answered: no datagram spills into its neighbour's slot or is
// cut short (a cut query is dropped, as UV_UDP_PARTIAL).
TEST(IoTest, UdpListenerTakesABatchOfQueriesOfEverySizeWhole) {
  ListenerStats stats;
  constexpr int kCount = 40;
  auto query_of = [](int i) {
    size_t size = i == 7 ? 60000 : i == 23 ? 1500 : 12 + static_cast<size_t>(i);
    std::string query(size, '\0');
    for (size_t j = 0; j < size; ++j) query[j] = static_cast<char>('a' + (i + j) % 26);
    return query;
  };
  std::set<std::string> replies;
  RunOnLoop([&](uv_loop_t* loop) -> Task<void> {
    auto listener = UdpListener::Open(loop, Loopback(), EchoHandler(loop), &stats);
    EXPECT_TRUE(listener.has_value());
    if (!listener) co_return;
    int fd = ConnectedClient((*listener)->local(), 1 << 20);
    for (int i = 0; i < kCount; ++i) {
      std::string query = query_of(i);
      EXPECT_EQ(send(fd, query.data(), query.size(), 0), static_cast<ssize_t>(query.size()));
    }
    co_await CollectReplies(loop, fd, kCount, 200, replies);
    close(fd);
    (*listener)->Close();
  });
  EXPECT_EQ(replies.size(), static_cast<size_t>(kCount));
  for (int i = 0; i < kCount; ++i) EXPECT_TRUE(replies.contains(">" + query_of(i))) << "query " << i;
  EXPECT_EQ(stats.queries, static_cast<uint64_t>(kCount));
  EXPECT_EQ(stats.replies, static_cast<uint64_t>(kCount));
}

// A reply finished by a timer (here the handler's 100 ms sleep; in the daemon, a resolution
// ending on an upstream timeout) leaves before the loop waits again, not at the next event.
TEST(IoTest, UdpListenerSendsAReplyQueuedFromATimerAtOnce) {
  ListenerStats stats;
  ExchangeResult result = EchoOverUdp("Slow", 3000, stats);
  EXPECT_EQ(result.status, ExchangeStatus::kReply);
  EXPECT_EQ(result.reply, Bytes(">Slow"));
  EXPECT_LT(result.elapsed_ms, 1000u);
}

TEST(IoTest, RefusedDatagramEndsTheExchange) {
  ListenerStats stats;
  ExchangeResult result;
  RunOnLoop([&](uv_loop_t* loop) -> Task<void> {
    auto listener = UdpListener::Open(loop, Loopback(), EchoHandler(loop), &stats);
    if (!listener) co_return;
    result = co_await UdpExchange(loop, (*listener)->local(), Bytes("x"),
                                  [](std::span<const uint8_t>) { return false; }, {});
    (*listener)->Close();
  });
  EXPECT_EQ(result.status, ExchangeStatus::kRejected);
  EXPECT_TRUE(result.reply.empty());
}

// A UDP server that answers one query with each of `replies`, in order, from its one socket.
class ScriptedUdpServer {
 public:
  explicit ScriptedUdpServer(std::vector<std::string> replies) {
    fd_ = socket(AF_INET, SOCK_DGRAM, 0);
    sockaddr_storage address;
    socklen_t length = ToSockaddr(Loopback(), address);
    bind(fd_, reinterpret_cast<sockaddr*>(&address), length);
    sockaddr_storage bound;
    socklen_t bound_length = sizeof(bound);
    getsockname(fd_, reinterpret_cast<sockaddr*>(&bound), &bound_length);
    endpoint_ = FromSockaddr(reinterpret_cast<sockaddr*>(&bound));
    thread_ = std::thread([this, replies = std::move(replies)] {
      timeval timeout{2, 0};
      setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
      char buffer[512];
      sockaddr_storage client;
      socklen_t client_length = sizeof(client);
      if (recvfrom(fd_, buffer, sizeof(buffer), 0, reinterpret_cast<sockaddr*>(&client), &client_length) <= 0) return;
      for (const std::string& reply : replies) {
        sendto(fd_, reply.data(), reply.size(), 0, reinterpret_cast<sockaddr*>(&client), client_length);
      }
    });
  }
  ~ScriptedUdpServer() {
    thread_.join();
    close(fd_);
  }
  Endpoint endpoint() const { return endpoint_; }

 private:
  int fd_ = -1;
  Endpoint endpoint_;
  std::thread thread_;
};

ReplyFilter OnlyGood() {
  return [](std::span<const uint8_t> bytes) { return std::string(bytes.begin(), bytes.end()) == "good"; };
}

// Signed queries (RFC 8945 section 5.4): a forged datagram arriving first is dropped and the
// wait goes on, so the genuine reply behind it is still taken.
TEST(IoTest, KeepWaitingAfterRejectedTakesTheGenuineReplyBehindAForgery) {
  ScriptedUdpServer server({"forged", "good"});
  ExchangeResult result;
  RunOnLoop([&](uv_loop_t* loop) -> Task<void> {
    UdpOptions options;
    options.timeout_ms = 1000;
    options.keep_waiting_after_rejected = true;
    result = co_await UdpExchange(loop, server.endpoint(), Bytes("q"), OnlyGood(), std::move(options));
  });
  EXPECT_EQ(result.status, ExchangeStatus::kReply);
  EXPECT_EQ(std::string(result.reply.begin(), result.reply.end()), "good");
  EXPECT_EQ(result.rejected, 1u);
}

TEST(IoTest, KeepWaitingAfterRejectedEndsRejectedAtTheTimeout) {
  ScriptedUdpServer server({"forged", "forged again"});
  ExchangeResult result;
  RunOnLoop([&](uv_loop_t* loop) -> Task<void> {
    UdpOptions options;
    options.timeout_ms = 200;
    options.keep_waiting_after_rejected = true;
    result = co_await UdpExchange(loop, server.endpoint(), Bytes("q"), OnlyGood(), std::move(options));
  });
  EXPECT_EQ(result.status, ExchangeStatus::kRejected);
  EXPECT_EQ(result.rejected, 2u);
  EXPECT_TRUE(result.reply.empty());
}

TEST(IoTest, WithoutKeepWaitingTheForgeryEndsTheExchange) {
  ScriptedUdpServer server({"forged", "good"});
  ExchangeResult result;
  RunOnLoop([&](uv_loop_t* loop) -> Task<void> {
    result = co_await UdpExchange(loop, server.endpoint(), Bytes("q"), OnlyGood(), {});
  });
  EXPECT_EQ(result.status, ExchangeStatus::kRejected);
}

TEST(IoTest, SilentServerTimesOut) {
  ListenerStats stats;
  ExchangeResult result = EchoOverUdp("N", 150, stats);
  EXPECT_EQ(result.status, ExchangeStatus::kTimeout);
  EXPECT_GE(result.elapsed_ms, 140u);
}

TEST(IoTest, StopTokenCancelsExchangesAtOnce) {
  ListenerStats stats;
  ExchangeResult udp_result, tcp_result, early;
  RunOnLoop([&](uv_loop_t* loop) -> Task<void> {
    auto udp = UdpListener::Open(loop, Loopback(), EchoHandler(loop), &stats);
    if (!udp) co_return;
    auto tcp = TcpListener::Open(loop, (*udp)->local(), EchoHandler(loop), &stats);
    if (!tcp) co_return;
    std::stop_source stop;
    // Stops both exchanges 50 ms in; each would otherwise wait 5 s for a silent server.
    Detach([](uv_loop_t* l, std::stop_source& s) -> Task<void> {
      co_await Sleep(l, 50);
      s.request_stop();
    }(loop, stop));
    UdpOptions options;
    options.timeout_ms = 5000;
    options.stop = stop.get_token();
    udp_result = co_await UdpExchange(loop, (*udp)->local(), Bytes("N"), AcceptAll(), options);
    early = co_await TcpExchange(loop, (*tcp)->local(), Bytes("N"), AcceptAll(), 5000, stop.get_token());
    std::stop_source second;
    Detach([](uv_loop_t* l, std::stop_source& s) -> Task<void> {
      co_await Sleep(l, 50);
      s.request_stop();
    }(loop, second));
    tcp_result = co_await TcpExchange(loop, (*tcp)->local(), Bytes("N"), AcceptAll(), 5000,
                                      second.get_token());
    (*udp)->Close();
    (*tcp)->Close();
  });
  EXPECT_EQ(udp_result.status, ExchangeStatus::kCancelled);
  EXPECT_LT(udp_result.elapsed_ms, 1000u);
  EXPECT_EQ(early.status, ExchangeStatus::kCancelled);  // Already stopped: never starts.
  EXPECT_EQ(tcp_result.status, ExchangeStatus::kCancelled);
  EXPECT_LT(tcp_result.elapsed_ms, 1000u);
}

TEST(IoTest, ClosedUdpPortIsANetworkError) {
  ExchangeResult result;
  RunOnLoop([&](uv_loop_t* loop) -> Task<void> {
    // Bind a port and close it again, so nothing listens there.
    int fd = OpenBoundSocket(Loopback(), SOCK_DGRAM);
    Endpoint dead = BoundAddress(fd);
    close(fd);
    result = co_await UdpExchange(loop, dead, Bytes("x"), AcceptAll(), {});
  });
  EXPECT_EQ(result.status, ExchangeStatus::kNetworkError);
  EXPECT_NE(result.uv_error, 0);
}

TEST(IoTest, TcpExchangeAndRefusedConnection) {
  ListenerStats stats;
  ExchangeResult ok, refused;
  RunOnLoop([&](uv_loop_t* loop) -> Task<void> {
    auto listener = TcpListener::Open(loop, Loopback(), EchoHandler(loop), &stats);
    if (!listener) co_return;
    ok = co_await TcpExchange(loop, (*listener)->local(), Bytes("over tcp"), AcceptAll(), 1000);
    Endpoint where = (*listener)->local();
    (*listener)->Close();
    co_await Sleep(loop, 10);
    refused = co_await TcpExchange(loop, where, Bytes("x"), AcceptAll(), 1000);
  });
  EXPECT_EQ(ok.status, ExchangeStatus::kReply);
  EXPECT_EQ(ok.reply, Bytes(">over tcp"));
  EXPECT_EQ(refused.status, ExchangeStatus::kNetworkError);
  EXPECT_EQ(stats.tcp_connections, 1u);
}

// A blocking client on another thread: sends two framed queries at once, reads two replies.
std::vector<std::string> PipelinedClient(Endpoint server) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_storage address;
  socklen_t length = ToSockaddr(server, address);
  std::vector<std::string> replies;
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), length) != 0) return replies;
  std::string frames = std::string("\0\4Slow", 6) + std::string("\0\4fast", 6);
  if (write(fd, frames.data(), frames.size()) != static_cast<ssize_t>(frames.size())) return replies;
  for (int i = 0; i < 2; ++i) {
    uint8_t prefix[2];
    if (read(fd, prefix, 2) != 2) break;
    std::string body(size_t{prefix[0]} << 8 | prefix[1], '\0');
    size_t got = 0;
    while (got < body.size()) {
      ssize_t n = read(fd, body.data() + got, body.size() - got);
      if (n <= 0) break;
      got += static_cast<size_t>(n);
    }
    replies.push_back(body);
  }
  close(fd);
  return replies;
}

TEST(IoTest, TcpQueriesArePipelinedAndAnsweredOutOfOrder) {
  ListenerStats stats;
  std::vector<std::string> replies;
  RunOnLoop([&](uv_loop_t* loop) -> Task<void> {
    auto listener = TcpListener::Open(loop, Loopback(), EchoHandler(loop), &stats);
    if (!listener) co_return;
    std::atomic<bool> done = false;
    std::thread client([&, server = (*listener)->local()] {
      replies = PipelinedClient(server);
      done = true;
    });
    while (!done) co_await Sleep(loop, 10);
    client.join();
    (*listener)->Close();
  });
  EXPECT_EQ(replies, (std::vector<std::string>{">fast", ">Slow"}));
  EXPECT_EQ(stats.queries, 2u);
}

TEST(IoTest, TcpPoolReusesConnections) {
  ListenerStats stats;
  std::vector<ExchangeResult> results;
  TcpPoolStats pool_stats;
  RunOnLoop([&](uv_loop_t* loop) -> Task<void> {
    auto listener = TcpListener::Open(loop, Loopback(), EchoHandler(loop), &stats);
    if (!listener) co_return;
    TcpPool pool(loop);
    for (const char* q : {"one", "two", "three"}) {
      results.push_back(co_await pool.Exchange((*listener)->local(), Bytes(q), AcceptAll(), 1000));
    }
    EXPECT_EQ(pool.idle_connections(), 1u);
    pool_stats = pool.stats();
    pool.Shutdown();
    EXPECT_EQ(pool.idle_connections(), 0u);
    (*listener)->Close();
  });
  ASSERT_EQ(results.size(), 3u);
  EXPECT_EQ(results[2].reply, Bytes(">three"));
  EXPECT_EQ(stats.tcp_connections, 1u);
  EXPECT_EQ(pool_stats.opened, 1u);
  EXPECT_EQ(pool_stats.reused, 2u);
}

TEST(IoTest, TcpPoolRetiresConnectionsTheServerClosed) {
  ListenerStats stats;
  TcpLimits limits;
  limits.idle_timeout_ms = 50;
  ExchangeResult first, second;
  TcpPoolStats pool_stats;
  RunOnLoop([&](uv_loop_t* loop) -> Task<void> {
    auto listener = TcpListener::Open(loop, Loopback(), EchoHandler(loop), &stats, limits);
    if (!listener) co_return;
    TcpPool pool(loop);
    first = co_await pool.Exchange((*listener)->local(), Bytes("a"), AcceptAll(), 1000);
    co_await Sleep(loop, 200);  // The server closes the idle connection after 50 ms.
    EXPECT_EQ(pool.idle_connections(), 0u);
    second = co_await pool.Exchange((*listener)->local(), Bytes("b"), AcceptAll(), 1000);
    pool_stats = pool.stats();
    (*listener)->Close();
  });
  EXPECT_EQ(first.status, ExchangeStatus::kReply);
  EXPECT_EQ(second.status, ExchangeStatus::kReply);
  EXPECT_EQ(second.reply, Bytes(">b"));
  EXPECT_EQ(pool_stats.opened, 2u);
  EXPECT_EQ(stats.tcp_connections, 2u);
}

// Replies with as many octets as the query's decimal text says, all equal to its first digit.
QueryHandler SizedHandler() {
  return [](std::vector<uint8_t> query, QueryContext) -> Task<std::vector<uint8_t>> {
    size_t size = std::stoul(std::string(query.begin(), query.end()));
    co_return std::vector<uint8_t>(size, query[0]);
  };
}

bool AllEqual(const std::vector<uint8_t>& bytes, char c) {
  return std::all_of(bytes.begin(), bytes.end(), [c](uint8_t b) { return b == c; });
}

// Replies land in the loop's one receive buffer: each result must still get its own bytes,
// exactly as many as arrived, up to the largest message TCP can frame.
TEST(IoTest, RepliesAreCopiedOutOfTheSharedBufferWhole) {
  ListenerStats stats;
  ExchangeResult big, small, tcp;
  RunOnLoop([&](uv_loop_t* loop) -> Task<void> {
    auto udp_listener = UdpListener::Open(loop, Loopback(), SizedHandler(), &stats);
    if (!udp_listener) co_return;
    Endpoint server = (*udp_listener)->local();
    auto tcp_listener = TcpListener::Open(loop, server, SizedHandler(), &stats);
    if (!tcp_listener) co_return;
    bool small_done = false;
    Detach([](uv_loop_t* l, Endpoint to, ExchangeResult& out, bool& done) -> Task<void> {
      out = co_await UdpExchange(l, to, Bytes("300"), AcceptAll(), {});
      done = true;
    }(loop, server, small, small_done));
    big = co_await UdpExchange(loop, server, Bytes("60000"), AcceptAll(), {});
    tcp = co_await TcpExchange(loop, server, Bytes("65535"), AcceptAll(), 1000);
    while (!small_done) co_await Sleep(loop, 1);
    (*udp_listener)->Close();
    (*tcp_listener)->Close();
  });
  ASSERT_EQ(big.reply.size(), 60000u);
  EXPECT_TRUE(AllEqual(big.reply, '6'));
  EXPECT_EQ(big.reply.capacity(), big.reply.size());
  ASSERT_EQ(small.reply.size(), 300u);
  EXPECT_TRUE(AllEqual(small.reply, '3'));
  ASSERT_EQ(tcp.reply.size(), 65535u);
  EXPECT_TRUE(AllEqual(tcp.reply, '6'));
}

// Echoes like EchoHandler and records the address each query came from.
QueryHandler RecordingHandler(uv_loop_t* loop, std::vector<IpAddress>& peers) {
  return [loop, &peers](std::vector<uint8_t> query, QueryContext context) {
    peers.push_back(context.client.address);
    return EchoHandler(loop)(std::move(query), context);
  };
}

TEST(IoTest, ExchangesLeaveFromTheChosenSourceAddress) {
  ListenerStats stats;
  std::vector<IpAddress> peers;
  ExchangeResult udp, tcp, plain;
  const IpAddress source = IpAddress::V4({127, 0, 0, 2});
  RunOnLoop([&](uv_loop_t* loop) -> Task<void> {
    auto udp_listener = UdpListener::Open(loop, Loopback(), RecordingHandler(loop, peers), &stats);
    if (!udp_listener) co_return;
    Endpoint server = (*udp_listener)->local();
    auto tcp_listener = TcpListener::Open(loop, server, RecordingHandler(loop, peers), &stats);
    if (!tcp_listener) co_return;
    UdpOptions options;
    options.source_ports = {0};
    options.source_address = source;
    udp = co_await UdpExchange(loop, server, Bytes("u"), AcceptAll(), options);
    tcp = co_await TcpExchange(loop, server, Bytes("t"), AcceptAll(), 1000, {}, source);
    plain = co_await UdpExchange(loop, server, Bytes("p"), AcceptAll(), {});
    (*udp_listener)->Close();
    (*tcp_listener)->Close();
  });
  EXPECT_EQ(udp.reply, Bytes(">u"));
  EXPECT_NE(udp.source_port, 0);
  EXPECT_EQ(tcp.reply, Bytes(">t"));
  EXPECT_EQ(plain.reply, Bytes(">p"));
  // The kernel's own choice towards 127.0.0.1 is 127.0.0.1.
  EXPECT_EQ(peers, (std::vector<IpAddress>{source, source, IpAddress::V4({127, 0, 0, 1})}));
}

TEST(IoTest, SourceAddressOfTheOtherFamilyIsANetworkError) {
  ListenerStats stats;
  ExchangeResult udp, tcp;
  std::array<uint8_t, 16> v6_loopback{};
  v6_loopback[15] = 1;
  RunOnLoop([&](uv_loop_t* loop) -> Task<void> {
    auto listener = UdpListener::Open(loop, Loopback(), EchoHandler(loop), &stats);
    if (!listener) co_return;
    UdpOptions options;
    options.source_address = IpAddress::V6(v6_loopback);
    udp = co_await UdpExchange(loop, (*listener)->local(), Bytes("x"), AcceptAll(), options);
    tcp = co_await TcpExchange(loop, (*listener)->local(), Bytes("x"), AcceptAll(), 1000, {},
                               IpAddress::V6(v6_loopback));
    (*listener)->Close();
  });
  EXPECT_EQ(udp.status, ExchangeStatus::kNetworkError);
  EXPECT_EQ(udp.uv_error, UV_EAFNOSUPPORT);
  EXPECT_EQ(tcp.status, ExchangeStatus::kNetworkError);
  EXPECT_EQ(tcp.uv_error, UV_EAFNOSUPPORT);
  EXPECT_EQ(stats.queries, 0u);
}

TEST(IoTest, TcpPoolReusesAConnectionOnlyForTheSameSource) {
  ListenerStats stats;
  std::vector<IpAddress> peers;
  TcpPoolStats pool_stats;
  const IpAddress two = IpAddress::V4({127, 0, 0, 2}), three = IpAddress::V4({127, 0, 0, 3});
  RunOnLoop([&](uv_loop_t* loop) -> Task<void> {
    auto listener = TcpListener::Open(loop, Loopback(), RecordingHandler(loop, peers), &stats);
    if (!listener) co_return;
    TcpPool pool(loop);
    for (const IpAddress& source : {two, two, three}) {
      ExchangeResult r = co_await pool.Exchange((*listener)->local(), Bytes("q"), AcceptAll(),
                                                1000, {}, source);
      EXPECT_EQ(r.status, ExchangeStatus::kReply);
    }
    pool_stats = pool.stats();
    pool.Shutdown();
    (*listener)->Close();
  });
  EXPECT_EQ(peers, (std::vector<IpAddress>{two, two, three}));
  EXPECT_EQ(pool_stats.opened, 2u);
  EXPECT_EQ(pool_stats.reused, 1u);
}

TEST(IoTest, TooManyTcpClientsAreTurnedAway) {
  ListenerStats stats;
  TcpLimits limits;
  limits.max_clients = 0;
  ExchangeResult result;
  RunOnLoop([&](uv_loop_t* loop) -> Task<void> {
    auto listener = TcpListener::Open(loop, Loopback(), EchoHandler(loop), &stats, limits);
    if (!listener) co_return;
    result = co_await TcpExchange(loop, (*listener)->local(), Bytes("x"), AcceptAll(), 1000);
    (*listener)->Close();
  });
  EXPECT_EQ(result.status, ExchangeStatus::kNetworkError);
  EXPECT_EQ(stats.tcp_refused, 1u);
}

}  // namespace
}  // namespace redoubt::io

namespace redoubt::io {
namespace {

// A long computation that yields after every step lets a timer that became due run before it
// ends (the KeyTrap defence: cheap work is not held up behind expensive work).
TEST(LoopYielderTest, OtherWorkRunsBetweenYields) {
  uv_loop_t loop;
  uv_loop_init(&loop);
  LoopYielder yielder(&loop);
  int steps = 0, steps_when_timer_ran = -1;
  Detach([](LoopYielder& y, int& steps) -> Task<void> {
    for (int i = 0; i < 100; ++i) {
      ++steps;
      co_await y.Yield();
    }
  }(yielder, steps));
  uv_timer_t timer;
  uv_timer_init(&loop, &timer);
  struct Seen { int* steps; int* at; } seen{&steps, &steps_when_timer_ran};
  timer.data = &seen;
  uv_timer_start(&timer, [](uv_timer_t* t) {
    auto* s = static_cast<Seen*>(t->data);
    *s->at = *s->steps;
    uv_close(reinterpret_cast<uv_handle_t*>(t), nullptr);
  }, 0, 0);
  uv_run(&loop, UV_RUN_DEFAULT);
  EXPECT_EQ(steps, 100);
  EXPECT_GE(steps_when_timer_ran, 1);
  EXPECT_LT(steps_when_timer_ran, 100);
  yielder.Close();
  uv_run(&loop, UV_RUN_DEFAULT);
  EXPECT_EQ(uv_loop_close(&loop), 0);
}

// Yielders take turns in the order they yielded; Close resumes whoever still waits.
TEST(LoopYielderTest, WaitersTakeTurnsAndCloseReleasesThem) {
  uv_loop_t loop;
  uv_loop_init(&loop);
  LoopYielder yielder(&loop);
  std::string order;
  auto worker = [](LoopYielder& y, std::string& out, char name) -> Task<void> {
    for (int i = 0; i < 3; ++i) {
      out += name;
      co_await y.Yield();
    }
  };
  Detach(worker(yielder, order, 'a'));
  Detach(worker(yielder, order, 'b'));
  uv_run(&loop, UV_RUN_DEFAULT);
  EXPECT_EQ(order, "ababab");
  bool finished = false;
  Detach([](LoopYielder& y, bool& done) -> Task<void> {
    co_await y.Yield();
    done = true;
  }(yielder, finished));
  EXPECT_FALSE(finished);
  yielder.Close();  // Shutting down: the waiter goes on at once.
  EXPECT_TRUE(finished);
  uv_run(&loop, UV_RUN_DEFAULT);
  EXPECT_EQ(uv_loop_close(&loop), 0);
}

}  // namespace
}  // namespace redoubt::io
