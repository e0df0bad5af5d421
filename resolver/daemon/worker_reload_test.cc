// Worker::SwapEngine (issue #16, reload) on a started worker over loopback: a client query in
// flight when the engine is swapped finishes on the old engine (its answer comes from the old
// forward server), the next query goes to the new one, and the old engine is retired once idle.
// The forward servers are plain UDP sockets in the test that answer when told to.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <future>
#include <optional>
#include <thread>

#include "resolver/daemon/root_hints.h"
#include "resolver/daemon/worker.h"

namespace redoubt::resolver {
namespace {

// A bound loopback UDP socket: a fake forward server, or the test's client.
class UdpSocket {
 public:
  UdpSocket() {
    fd_ = socket(AF_INET, SOCK_DGRAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address);
    socklen_t length = sizeof address;
    getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length);
    port_ = ntohs(address.sin_port);
  }
  ~UdpSocket() { close(fd_); }
  uint16_t port() const { return port_; }

  // The next datagram within `timeout_ms`, and who sent it; nullopt on timeout.
  std::optional<std::vector<uint8_t>> Receive(int timeout_ms, sockaddr_in* from = nullptr) {
    pollfd ready{fd_, POLLIN, 0};
    if (poll(&ready, 1, timeout_ms) != 1) return std::nullopt;
    std::vector<uint8_t> buffer(4096);
    sockaddr_in sender{};
    socklen_t length = sizeof sender;
    ssize_t got = recvfrom(fd_, buffer.data(), buffer.size(), 0, reinterpret_cast<sockaddr*>(&sender), &length);
    if (got < 0) return std::nullopt;
    buffer.resize(static_cast<size_t>(got));
    if (from != nullptr) *from = sender;
    return buffer;
  }
  void SendTo(const std::vector<uint8_t>& bytes, const sockaddr_in& to) {
    sendto(fd_, bytes.data(), bytes.size(), 0, reinterpret_cast<const sockaddr*>(&to), sizeof to);
  }
  void SendTo(const std::vector<uint8_t>& bytes, uint16_t port) {
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    to.sin_port = htons(port);
    SendTo(bytes, to);
  }

 private:
  int fd_ = -1;
  uint16_t port_ = 0;
};

// A query for `name` A (labels given without dots), RD set, no EDNS.
std::vector<uint8_t> Query(uint16_t id, const std::vector<std::string>& labels) {
  std::vector<uint8_t> q{static_cast<uint8_t>(id >> 8), static_cast<uint8_t>(id), 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0};
  for (const std::string& label : labels) {
    q.push_back(static_cast<uint8_t>(label.size()));
    q.insert(q.end(), label.begin(), label.end());
  }
  q.insert(q.end(), {0, 0, 1, 0, 1});
  return q;
}

// The reply a forward server gives `query`: its header and question (as sent, 0x20 case kept),
// then one A record `last_octet` of 192.0.2.0/24; the query's EDNS record is left out.
std::vector<uint8_t> Answer(const std::vector<uint8_t>& query, uint8_t last_octet) {
  size_t end = 12;
  while (end < query.size() && query[end] != 0) end += query[end] + 1;
  end += 5;  // The root label, QTYPE, QCLASS.
  std::vector<uint8_t> reply(query.begin(), query.begin() + static_cast<long>(end));
  reply[2] = 0x85;  // QR, AA, RD.
  reply[3] = 0x80;  // RA.
  reply[7] = 1;     // ANCOUNT.
  reply[10] = reply[11] = 0;
  reply.insert(reply.end(), {0xC0, 0x0C, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 192, 0, 2, last_octet});
  return reply;
}

class WorkerReloadTest : public ::testing::Test {
 protected:
  std::shared_ptr<const Config> ConfigForwardingTo(uint16_t server_port) {
    Config config = Config::Defaults();
    config.listen = {*Endpoint::Parse("127.0.0.1:" + std::to_string(listen_port_), 53)};
    config.validation = false;
    config.checksum = false;
    config.allow_loopback_upstreams = true;
    ForwardZone zone;
    zone.name = *dns::Name::FromText("lab.test.");
    zone.servers = {*Endpoint::Parse("127.0.0.1:" + std::to_string(server_port), 53)};
    config.forward_zones = {zone};
    return std::make_shared<const Config>(std::move(config));
  }

  void SetUp() override {
    // A port free for UDP and TCP both (released at once: a small race, loopback only).
    for (int attempt = 0; attempt < 20 && listen_port_ == 0; ++attempt) {
      UdpSocket probe;
      int tcp = socket(AF_INET, SOCK_STREAM, 0);
      sockaddr_in address{};
      address.sin_family = AF_INET;
      address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      address.sin_port = htons(probe.port());
      if (bind(tcp, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0) listen_port_ = probe.port();
      close(tcp);
    }
    ASSERT_NE(listen_port_, 0) << "no loopback port free for both UDP and TCP";
  }

  uint16_t listen_port_ = 0;
  UdpSocket old_server_, new_server_, client_;
  std::shared_ptr<const TrustAnchorStore> anchors_ = std::make_shared<const TrustAnchorStore>();
  SharedServerFlags checksum_capable_;
};

TEST_F(WorkerReloadTest, QueryInFlightFinishesOnTheOldEngineAndNewQueriesUseTheNewOne) {
  Worker worker(ConfigForwardingTo(old_server_.port()), *LoadRootHints(""), &checksum_capable_, nullptr, anchors_);
  ASSERT_TRUE(worker.Start());
  client_.SendTo(Query(0x1111, {"a", "lab", "test"}), listen_port_);
  sockaddr_in old_engine{};
  auto forwarded = old_server_.Receive(2000, &old_engine);
  ASSERT_TRUE(forwarded.has_value()) << "the first query never reached the old forward server";

  // The query is in flight on the old engine (its server has not answered): swap.
  std::future<void> swapped = worker.SwapEngine(ConfigForwardingTo(new_server_.port()), anchors_, *LoadRootHints(""));
  ASSERT_EQ(swapped.wait_for(std::chrono::seconds(2)), std::future_status::ready);

  client_.SendTo(Query(0x2222, {"b", "lab", "test"}), listen_port_);
  sockaddr_in new_engine{};
  auto second = new_server_.Receive(2000, &new_engine);
  ASSERT_TRUE(second.has_value()) << "the query after the swap did not go to the new forward server";
  EXPECT_FALSE(old_server_.Receive(100).has_value()) << "the old forward server was asked again";
  // The reload waits for this before its last cache flush: not while the old query is open.
  std::future<void> drained = worker.WhenDrained();
  EXPECT_EQ(drained.wait_for(std::chrono::milliseconds(200)), std::future_status::timeout);

  old_server_.SendTo(Answer(*forwarded, 1), old_engine);  // The old engine's exchange takes it.
  new_server_.SendTo(Answer(*second, 2), new_engine);
  for (int i = 0; i < 2; ++i) {
    auto reply = client_.Receive(2000);
    ASSERT_TRUE(reply.has_value()) << "reply " << i << " missing";
    ASSERT_GE(reply->size(), 12u);
    uint16_t id = static_cast<uint16_t>((*reply)[0] << 8 | (*reply)[1]);
    EXPECT_EQ((*reply)[3] & 0x0F, 0) << "rcode of reply " << std::hex << id;
    EXPECT_EQ(reply->back(), id == 0x1111 ? 1 : 2) << "reply " << std::hex << id << " from the wrong engine";
  }
  ASSERT_EQ(drained.wait_for(std::chrono::seconds(2)), std::future_status::ready);
  drained.get();  // Kept, not broken: the old engine's last query ended.
  EXPECT_EQ(worker.WhenDrained().wait_for(std::chrono::seconds(2)), std::future_status::ready);
  worker.Stop();
  EXPECT_EQ(worker.draining_engines(), 0u) << "the old engine was not retired once idle";
  EXPECT_EQ(worker.stranded_queries(), 0u);
}

// A listen address whose UDP port is taken (here by the fake server's socket) while its TCP
// port is free: Start() must fail naming it, not wait for ever on the TCP listener it opened.
TEST_F(WorkerReloadTest, StartOnAHalfTakenPortFailsInsteadOfHanging) {
  listen_port_ = old_server_.port();
  Worker worker(ConfigForwardingTo(new_server_.port()), *LoadRootHints(""), &checksum_capable_, nullptr, anchors_);
  std::promise<Result<void, std::string>> outcome;
  std::future<Result<void, std::string>> started = outcome.get_future();
  std::thread starter([&] { outcome.set_value(worker.Start()); });
  if (started.wait_for(std::chrono::seconds(10)) != std::future_status::ready) {
    ADD_FAILURE() << "Worker::Start() hung on a half-taken port";
    std::_Exit(1);  // The thread cannot be stopped; fail loudly rather than hang the suite.
  }
  starter.join();
  Result<void, std::string> result = started.get();
  ASSERT_FALSE(result.has_value());
  EXPECT_NE(result.error().find("cannot listen on 127.0.0.1:" + std::to_string(listen_port_)), std::string::npos)
      << result.error();
}

// Worker::Fetch (the RFC 5011 refresher's fetch): resolved by the current engine's pipeline,
// counted in flight on it like a client query (a swap's drain waits for it).
TEST_F(WorkerReloadTest, FetchResolvesThroughTheEngineAndHoldsItsDrain) {
  Worker worker(ConfigForwardingTo(old_server_.port()), *LoadRootHints(""), &checksum_capable_, nullptr, anchors_);
  ASSERT_TRUE(worker.Start());
  std::future<Resolution> fetched = worker.Fetch(dns::Question{*dns::Name::FromText("f.lab.test."), dns::RrType::A});
  sockaddr_in from{};
  auto forwarded = old_server_.Receive(2000, &from);
  ASSERT_TRUE(forwarded.has_value()) << "the fetch never reached the forward server";
  std::future<void> swapped = worker.SwapEngine(ConfigForwardingTo(new_server_.port()), anchors_, *LoadRootHints(""));
  ASSERT_EQ(swapped.wait_for(std::chrono::seconds(2)), std::future_status::ready);
  std::future<void> drained = worker.WhenDrained();
  EXPECT_EQ(drained.wait_for(std::chrono::milliseconds(200)), std::future_status::timeout)
      << "the old engine was let go while the fetch was open";

  old_server_.SendTo(Answer(*forwarded, 7), from);
  ASSERT_EQ(fetched.wait_for(std::chrono::seconds(2)), std::future_status::ready);
  Resolution resolution = fetched.get();
  EXPECT_EQ(resolution.rcode, dns::Rcode::NOERROR);
  ASSERT_EQ(resolution.answer.size(), 1u);
  EXPECT_EQ(resolution.answer[0].rdatas, (std::vector<std::vector<uint8_t>>{{192, 0, 2, 7}}));
  EXPECT_EQ(drained.wait_for(std::chrono::seconds(2)), std::future_status::ready);
  worker.Stop();
  EXPECT_EQ(worker.stranded_queries(), 0u);
  std::future<Resolution> after_stop = worker.Fetch(dns::Question{*dns::Name::FromText("g.lab.test."), dns::RrType::A});
  ASSERT_EQ(after_stop.wait_for(std::chrono::seconds(1)), std::future_status::ready);
  EXPECT_THROW(after_stop.get(), std::future_error);
}

TEST_F(WorkerReloadTest, SwapOnAStoppedWorkerReportsABrokenPromise) {
  Worker worker(ConfigForwardingTo(old_server_.port()), *LoadRootHints(""), &checksum_capable_, nullptr, anchors_);
  ASSERT_TRUE(worker.Start());
  worker.Stop();
  std::future<void> swapped = worker.SwapEngine(ConfigForwardingTo(new_server_.port()), anchors_, *LoadRootHints(""));
  ASSERT_EQ(swapped.wait_for(std::chrono::seconds(1)), std::future_status::ready);
  EXPECT_THROW(swapped.get(), std::future_error);
}

}  // namespace
}  // namespace redoubt::resolver
