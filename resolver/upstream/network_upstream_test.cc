#include "resolver/upstream/upstream.h"

#include <gtest/gtest.h>

#include <functional>

#include "net/dns/edns.h"
#include "net/dns/message_builder.h"
#include "net/io/listener.h"

namespace redoubt::resolver {
namespace {

using dns::Name;
using dns::RrType;

// What the fake server saw of each query, and how it misbehaves.
struct FakeServer {
  enum class Mode { kGood, kLowercaseQuestion, kFormErrOnEdns, kWrongIdOverUdp, kTruncateUdp };
  Mode mode = Mode::kGood;
  std::vector<std::string> seen;  // "udp|tcp qname edns|plain"
};

std::vector<uint8_t> Reply(FakeServer& server, std::vector<uint8_t> query, bool tcp) {
  auto view = dns::MessageView::Parse(query);
  if (!view || view->questions().size() != 1) return {};
  const dns::Question& q = view->questions().front();
  bool edns = view->opt() != nullptr;
  server.seen.push_back(std::string(tcp ? "tcp " : "udp ") + q.qname.ToText() + (edns ? " edns" : " plain"));
  dns::MessageBuilder builder(65535);
  builder.header().id = view->header().id;
  builder.header().qr = true;
  builder.header().aa = true;
  using Mode = FakeServer::Mode;
  if (server.mode == Mode::kWrongIdOverUdp && !tcp) builder.header().id ^= 1;
  if (server.mode == Mode::kTruncateUdp && !tcp) builder.header().tc = true;
  bool formerr = server.mode == Mode::kFormErrOnEdns && edns;
  if (formerr) builder.header().rcode = 1;
  Name qname = server.mode == Mode::kLowercaseQuestion ? q.qname.ToLower() : q.qname;
  (void)builder.AddQuestion(qname, q.qtype, q.qclass);
  if (!formerr) {
    const std::vector<uint8_t> address = {192, 0, 2, 1};
    (void)builder.AddRecord(dns::Section::kAnswer, qname, RrType::A, dns::RrClass::IN, 60, address);
  }
  auto wire = std::move(builder).Finish();
  return wire ? *wire : std::vector<uint8_t>{};
}

class NetworkUpstreamTest : public ::testing::Test {
 protected:
  // Asks `count` questions of a fake server in `mode`; returns the replies.
  std::vector<UpstreamReply> AskServer(FakeServer::Mode mode, int count) {
    server_.mode = mode;
    std::vector<UpstreamReply> replies;
    uv_loop_t loop;
    uv_loop_init(&loop);
    Detach([](uv_loop_t* l, FakeServer& server, UpstreamStats& stats, int n,
              std::vector<UpstreamReply>& out) -> Task<void> {
      io::ListenerStats listener_stats;
      io::QueryHandler handler = [&server](std::vector<uint8_t> q, io::QueryContext c)
          -> Task<std::vector<uint8_t>> { co_return Reply(server, std::move(q), c.tcp); };
      Endpoint any{IpAddress::V4({127, 0, 0, 1}), 0};
      auto udp = io::UdpListener::Open(l, any, handler, &listener_stats);
      if (!udp) co_return;
      auto tcp = io::TcpListener::Open(l, (*udp)->local(), handler, &listener_stats);
      if (!tcp) co_return;
      NetworkUpstream upstream(l, &stats);
      for (int i = 0; i < n; ++i) {
        out.push_back(co_await upstream.Ask((*udp)->local(),
                                            {*Name::FromText("www.example.test."), RrType::A,
                                             dns::RrClass::IN},
                                            {1000, false, {}}));
      }
      (*udp)->Close();
      (*tcp)->Close();
    }(&loop, server_, stats_, count, replies));
    uv_run(&loop, UV_RUN_DEFAULT);
    uv_loop_close(&loop);
    return replies;
  }

  FakeServer server_;
  UpstreamStats stats_;
};

TEST_F(NetworkUpstreamTest, GoodServerAnswersOverUdpWithRandomCase) {
  auto replies = AskServer(FakeServer::Mode::kGood, 2);
  ASSERT_EQ(replies.size(), 2u);
  for (const auto& r : replies) {
    EXPECT_EQ(r.status, UpstreamReply::Status::kReply);
    EXPECT_FALSE(r.over_tcp);
  }
  ASSERT_EQ(server_.seen.size(), 2u);
  EXPECT_TRUE(server_.seen[0].starts_with("udp ") && server_.seen[0].ends_with(" edns"));
  // 0x20: 14 letters in random case; the two queries differ (odds of a clash: 2^-14).
  EXPECT_NE(server_.seen[0], server_.seen[1]);
  EXPECT_EQ(stats_.udp_queries, 2u);
  EXPECT_EQ(stats_.tcp_queries, 0u);
}

TEST_F(NetworkUpstreamTest, ServerThatLowercasesTheQuestionGetsPlainQueriesAfterOneTcpRetry) {
  auto replies = AskServer(FakeServer::Mode::kLowercaseQuestion, 3);
  ASSERT_EQ(replies.size(), 3u);
  EXPECT_TRUE(replies[0].over_tcp);
  EXPECT_EQ(replies[0].status, UpstreamReply::Status::kReply);
  EXPECT_FALSE(replies[1].over_tcp);
  EXPECT_EQ(replies[2].status, UpstreamReply::Status::kReply);
  EXPECT_EQ(stats_.case_fallbacks, 1u);
  EXPECT_EQ(server_.seen.back(), "udp www.example.test. edns");
}

TEST_F(NetworkUpstreamTest, FormErrToEdnsFallsBackToPlainQueries) {
  auto replies = AskServer(FakeServer::Mode::kFormErrOnEdns, 2);
  ASSERT_EQ(replies.size(), 2u);
  EXPECT_EQ(replies[0].status, UpstreamReply::Status::kReply);
  EXPECT_EQ(stats_.edns_fallbacks, 1u);
  ASSERT_GE(server_.seen.size(), 3u);
  EXPECT_TRUE(server_.seen[0].ends_with(" edns"));
  EXPECT_TRUE(server_.seen[1].ends_with(" plain"));
  EXPECT_TRUE(server_.seen.back().ends_with(" plain"));  // Remembered for the next query.
}

TEST_F(NetworkUpstreamTest, MismatchedDatagramMovesTheExchangeToTcp) {
  auto replies = AskServer(FakeServer::Mode::kWrongIdOverUdp, 1);
  ASSERT_EQ(replies.size(), 1u);
  EXPECT_EQ(replies[0].status, UpstreamReply::Status::kReply);
  EXPECT_TRUE(replies[0].over_tcp);
  EXPECT_EQ(stats_.mismatched, 1u);
}

TEST_F(NetworkUpstreamTest, TruncatedReplyIsFetchedOverTcp) {
  auto replies = AskServer(FakeServer::Mode::kTruncateUdp, 1);
  ASSERT_EQ(replies.size(), 1u);
  EXPECT_TRUE(replies[0].over_tcp);
  EXPECT_EQ(stats_.truncated, 1u);
  auto view = dns::MessageView::Parse(replies[0].wire);
  ASSERT_TRUE(view.has_value());
  EXPECT_FALSE(view->header().tc);
}

}  // namespace
}  // namespace redoubt::resolver
