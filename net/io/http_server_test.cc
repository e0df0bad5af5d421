#include "net/io/http_server.h"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <chrono>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>

#include "net/io/address.h"

namespace redoubt::io {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

Endpoint AnyLoopbackPort() { return Endpoint{IpAddress::V4({127, 0, 0, 1}), 0}; }

HttpResponse TestHandler(const HttpRequest& request) {
  HttpResponse response;
  if (request.target == "/metrics") {
    response.body = "up 1\n";
  } else if (request.target == "/big") {
    response.body.assign(16 << 20, 'x');
  } else if (request.target == "/throw") {
    throw std::runtime_error("handler bug");
  } else {
    response.status = 404;
    response.body = "not found\n";
  }
  return response;
}

std::unique_ptr<HttpServer> StartServer(HttpServerOptions options = {}) {
  auto server = HttpServer::Start(AnyLoopbackPort(), TestHandler, options);
  if (!server) ADD_FAILURE() << server.error();
  return server ? std::move(server).value() : nullptr;
}

// A blocking client socket connected to `server`, reads timing out after 5 s.
int Connect(const Endpoint& server) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  timeval timeout{5, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  sockaddr_storage address;
  socklen_t length = ToSockaddr(server, address);
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), length) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

bool SendAll(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

// Everything until EOF, an error or the 5 s read timeout.
std::string ReadAll(int fd) {
  std::string out;
  char buf[4096];
  ssize_t n;
  while ((n = recv(fd, buf, sizeof buf, 0)) > 0) out.append(buf, static_cast<size_t>(n));
  return out;
}

std::string Exchange(const Endpoint& server, std::string_view request) {
  int fd = Connect(server);
  if (fd < 0) return "";
  std::string response = SendAll(fd, request) ? ReadAll(fd) : "";
  close(fd);
  return response;
}

std::string Body(const std::string& response) {
  size_t end = response.find("\r\n\r\n");
  return end == std::string::npos ? "" : response.substr(end + 4);
}

// Waits up to 3 s for `condition`.
template <class F>
bool Eventually(F condition) {
  for (auto until = Clock::now() + 3s; Clock::now() < until; std::this_thread::sleep_for(5ms)) {
    if (condition()) return true;
  }
  return condition();
}

constexpr std::string_view kGetMetrics = "GET /metrics HTTP/1.1\r\nHost: a\r\n\r\n";

TEST(HttpServerTest, GetReturnsTheHandlersBodyWithItsLength) {
  auto server = StartServer();
  ASSERT_NE(server, nullptr);
  EXPECT_NE(server->local().port, 0);
  std::string response = Exchange(server->local(), kGetMetrics);
  EXPECT_EQ(response.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << response;
  EXPECT_NE(response.find("\r\nContent-Length: 5\r\n"), std::string::npos);
  EXPECT_NE(response.find("\r\nConnection: close\r\n"), std::string::npos);
  EXPECT_NE(response.find("\r\nDate: "), std::string::npos);
  EXPECT_EQ(Body(response), "up 1\n");
  EXPECT_EQ(server->stats().requests, 1u);
}

TEST(HttpServerTest, HeadHasTheLengthButNoBody) {
  auto server = StartServer();
  ASSERT_NE(server, nullptr);
  std::string response = Exchange(server->local(), "HEAD /metrics HTTP/1.0\r\n\r\n");
  EXPECT_EQ(response.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << response;
  EXPECT_NE(response.find("\r\nContent-Length: 5\r\n"), std::string::npos);
  EXPECT_TRUE(response.ends_with("\r\n\r\n")) << response;
}

TEST(HttpServerTest, UnknownPathIsTheHandlersNotFound) {
  auto server = StartServer();
  ASSERT_NE(server, nullptr);
  std::string response = Exchange(server->local(), "GET /nope HTTP/1.1\r\nHost: a\r\n\r\n");
  EXPECT_EQ(response.rfind("HTTP/1.1 404 Not Found\r\n", 0), 0u) << response;
  EXPECT_EQ(Body(response), "not found\n");
}

TEST(HttpServerTest, PostIsRefusedWith405AndAllow) {
  auto server = StartServer();
  ASSERT_NE(server, nullptr);
  std::string response = Exchange(server->local(), "POST /metrics HTTP/1.1\r\nHost: a\r\n\r\n");
  EXPECT_EQ(response.rfind("HTTP/1.1 405 Method Not Allowed\r\n", 0), 0u) << response;
  EXPECT_NE(response.find("\r\nAllow: GET, HEAD\r\n"), std::string::npos);
}

TEST(HttpServerTest, GarbageGets400) {
  auto server = StartServer();
  ASSERT_NE(server, nullptr);
  std::string response = Exchange(server->local(), "hello there\r\n\r\n");
  EXPECT_EQ(response.rfind("HTTP/1.1 400 Bad Request\r\n", 0), 0u) << response;
  EXPECT_EQ(server->stats().bad_requests, 1u);
}

TEST(HttpServerTest, TlsClientHelloGets400AtOnceNotAfterTheTimeout) {
  auto server = StartServer();
  ASSERT_NE(server, nullptr);
  // The first octets of a TLS 1.2 ClientHello record: no line end ever comes.
  const std::string hello("\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03", 11);
  auto start = Clock::now();
  std::string response = Exchange(server->local(), hello);
  EXPECT_EQ(response.rfind("HTTP/1.1 400 Bad Request\r\n", 0), 0u) << response;
  EXPECT_LT(Clock::now() - start, 1s);
}

TEST(HttpServerTest, SmugglingAttemptGets400) {
  auto server = StartServer();
  ASSERT_NE(server, nullptr);
  std::string response = Exchange(server->local(),
      "GET /metrics HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\n"
      "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
  EXPECT_EQ(response.rfind("HTTP/1.1 400 Bad Request\r\n", 0), 0u) << response;
}

TEST(HttpServerTest, TwentyKilobyteHeaderGets431NotAReset) {
  auto server = StartServer();
  ASSERT_NE(server, nullptr);
  std::string request = "GET /metrics HTTP/1.1\r\nHost: a\r\nX-Pad: " + std::string(20000, 'a') +
                        "\r\n\r\n";
  std::string response = Exchange(server->local(), request);
  EXPECT_EQ(response.rfind("HTTP/1.1 431 Request Header Fields Too Large\r\n", 0), 0u)
      << response;
}

TEST(HttpServerTest, SlowlorisGets408AfterTheTimeout) {
  auto server = StartServer({.request_timeout_ms = 200});
  ASSERT_NE(server, nullptr);
  int fd = Connect(server->local());
  ASSERT_GE(fd, 0);
  auto start = Clock::now();
  ASSERT_TRUE(SendAll(fd, "GET /metr"));
  std::string response = ReadAll(fd);
  auto elapsed = Clock::now() - start;
  close(fd);
  EXPECT_EQ(response.rfind("HTTP/1.1 408 Request Timeout\r\n", 0), 0u) << response;
  EXPECT_GE(elapsed, 150ms);
  EXPECT_LT(elapsed, 3s);
  EXPECT_EQ(server->stats().timeouts, 1u);
}

TEST(HttpServerTest, PeerThatDoesNotReadIsClosedAfterTheTimeout) {
  auto server = StartServer({.request_timeout_ms = 200});
  ASSERT_NE(server, nullptr);
  int fd = Connect(server->local());
  ASSERT_GE(fd, 0);
  ASSERT_TRUE(SendAll(fd, "GET /big HTTP/1.1\r\nHost: a\r\n\r\n"));
  // 16 MiB do not fit in the socket buffers: the write stays pending until the timer ends it.
  EXPECT_TRUE(Eventually([&] { return server->stats().timeouts == 1u; }));
  close(fd);
  EXPECT_EQ(Body(Exchange(server->local(), kGetMetrics)), "up 1\n");  // Still serving.
}

TEST(HttpServerTest, HandlerExceptionGets500) {
  auto server = StartServer();
  ASSERT_NE(server, nullptr);
  std::string response = Exchange(server->local(), "GET /throw HTTP/1.1\r\nHost: a\r\n\r\n");
  EXPECT_EQ(response.rfind("HTTP/1.1 500 Internal Server Error\r\n", 0), 0u) << response;
}

TEST(HttpServerTest, RequestSplitAcrossManyWritesIsServed) {
  auto server = StartServer();
  ASSERT_NE(server, nullptr);
  int fd = Connect(server->local());
  ASSERT_GE(fd, 0);
  for (char c : kGetMetrics) {
    ASSERT_TRUE(SendAll(fd, std::string_view(&c, 1)));
    std::this_thread::sleep_for(1ms);
  }
  std::string response = ReadAll(fd);
  close(fd);
  EXPECT_EQ(Body(response), "up 1\n") << response;
}

TEST(HttpServerTest, HundredSequentialRequests) {
  auto server = StartServer();
  ASSERT_NE(server, nullptr);
  int ok = 0;
  for (int i = 0; i < 100; ++i) ok += Body(Exchange(server->local(), kGetMetrics)) == "up 1\n";
  EXPECT_EQ(ok, 100);
  EXPECT_EQ(server->stats().requests, 100u);
}

TEST(HttpServerTest, ConnectionsBeyondTheLimitAreClosedAtOnce) {
  auto server = StartServer({.max_connections = 2});
  ASSERT_NE(server, nullptr);
  int a = Connect(server->local());
  int b = Connect(server->local());
  int c = Connect(server->local());
  ASSERT_TRUE(a >= 0 && b >= 0 && c >= 0);
  auto start = Clock::now();
  EXPECT_EQ(ReadAll(c), "");  // EOF (or a reset) at once, not after the request timeout.
  EXPECT_LT(Clock::now() - start, 2s);
  EXPECT_EQ(server->stats().refused_connections, 1u);
  close(c);
  close(a);
  // Once the server has seen `a` go, its slot serves again.
  EXPECT_TRUE(Eventually([&] { return Body(Exchange(server->local(), kGetMetrics)) == "up 1\n"; }));
  close(b);
}

TEST(HttpServerTest, StopWhileAClientIsConnectedReturnsPromptly) {
  auto server = StartServer();
  ASSERT_NE(server, nullptr);
  int fd = Connect(server->local());
  ASSERT_GE(fd, 0);
  ASSERT_TRUE(SendAll(fd, "GET /metrics HTTP/1.1\r\n"));
  std::this_thread::sleep_for(20ms);
  auto start = Clock::now();
  server->Stop();
  EXPECT_LT(Clock::now() - start, 1s);
  EXPECT_EQ(ReadAll(fd), "");  // Closed without an answer.
  close(fd);
  server->Stop();  // Idempotent.
  EXPECT_LT(Connect(server->local()), 0);
}

TEST(HttpServerTest, PortInUseNamesTheAddress) {
  auto first = StartServer();
  ASSERT_NE(first, nullptr);
  auto second = HttpServer::Start(first->local(), TestHandler);
  ASSERT_FALSE(second.has_value());
  EXPECT_NE(second.error().find(first->local().ToString()), std::string::npos) << second.error();
  EXPECT_NE(second.error().find("address already in use"), std::string::npos) << second.error();
}

}  // namespace
}  // namespace redoubt::io
