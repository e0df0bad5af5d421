// For the upstream's tests: a fake server on 127.0.0.1 (UDP and TCP on one port, the real
// listeners of net/io) asked by a real NetworkUpstream on a fresh libuv loop.
#pragma once

#include <uv.h>

#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "net/io/listener.h"
#include "resolver/upstream/upstream.h"

namespace redoubt::resolver::testing {

// The server's reply to a query (empty: none), given whether it came over TCP and from where.
using FakeServerReply = std::function<std::vector<uint8_t>(std::vector<uint8_t> query, io::QueryContext)>;

// A UDP and a TCP listener on one free port of 127.0.0.1, both answering with `handler`; null
// listeners when no port could be had. The kernel's free UDP port may be taken for TCP (another
// test's connection): a few tries.
struct LoopbackServer {
  std::unique_ptr<io::UdpListener> udp;
  std::unique_ptr<io::TcpListener> tcp;
  void Close() {
    if (udp) udp->Close();
    if (tcp) tcp->Close();
  }
};
inline LoopbackServer OpenLoopbackServer(uv_loop_t* loop, const io::QueryHandler& handler,
                                         io::ListenerStats* stats) {
  Endpoint any{IpAddress::V4({127, 0, 0, 1}), 0};
  LoopbackServer server;
  for (int attempt = 0; attempt < 20 && !server.tcp; ++attempt) {
    auto opened_udp = io::UdpListener::Open(loop, any, handler, stats);
    if (!opened_udp) continue;
    auto opened_tcp = io::TcpListener::Open(loop, (*opened_udp)->local(), handler, stats);
    if (!opened_tcp) {
      (*opened_udp)->Close();
      continue;
    }
    server.udp = std::move(*opened_udp);
    server.tcp = std::move(*opened_tcp);
  }
  return server;
}

// Asks www.example.test. A `count` times, with `ask`, of a server answering with `reply`, and
// returns the upstream's replies in order. `stats` receives the upstream's counters.
// `question`: what is asked (default www.example.test. IN A).
inline std::vector<UpstreamReply> AskLoopbackServer(FakeServerReply reply, const NetworkUpstreamOptions& options,
                                                    UpstreamStats& stats, int count, AskOptions ask,
                                                    std::optional<dns::Question> question = std::nullopt) {
  if (!question) question = dns::Question{*dns::Name::FromText("www.example.test."), dns::RrType::A, dns::RrClass::IN};
  std::vector<UpstreamReply> replies;
  uv_loop_t loop;
  uv_loop_init(&loop);
  Detach([](uv_loop_t* l, FakeServerReply respond, UpstreamStats& upstream_stats, int n,
            NetworkUpstreamOptions upstream_options, AskOptions ask_options, dns::Question asked,
            std::vector<UpstreamReply>& out) -> Task<void> {
    io::ListenerStats listener_stats;
    io::QueryHandler handler = [&respond](std::vector<uint8_t> q, io::QueryContext c)
        -> Task<std::vector<uint8_t>> { co_return respond(std::move(q), c); };
    LoopbackServer server = OpenLoopbackServer(l, handler, &listener_stats);
    if (!server.tcp) co_return;
    NetworkUpstream upstream(l, &upstream_stats, upstream_options);
    for (int i = 0; i < n; ++i) {
      dns::Question question = asked;
      out.push_back(co_await upstream.Ask(server.udp->local(), std::move(question), ask_options));
    }
    upstream.Shutdown();
    server.Close();
  }(&loop, std::move(reply), stats, count, options, std::move(ask), *question, replies));
  uv_run(&loop, UV_RUN_DEFAULT);
  uv_loop_close(&loop);
  return replies;
}

}  // namespace redoubt::resolver::testing
