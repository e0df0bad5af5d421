// For the upstream's tests: a fake server on 127.0.0.1 (UDP and TCP on one port, the real
// listeners of net/io) asked by a real NetworkUpstream on a fresh libuv loop.
#pragma once

#include <uv.h>

#include <functional>
#include <memory>
#include <vector>

#include "net/io/listener.h"
#include "resolver/upstream/upstream.h"

namespace redoubt::resolver::testing {

// The server's reply to a query (empty: none), given whether it came over TCP and from where.
using FakeServerReply = std::function<std::vector<uint8_t>(std::vector<uint8_t> query, io::QueryContext)>;

// Asks www.example.test. A `count` times, with `ask`, of a server answering with `reply`, and
// returns the upstream's replies in order. `stats` receives the upstream's counters.
inline std::vector<UpstreamReply> AskLoopbackServer(FakeServerReply reply, const NetworkUpstreamOptions& options,
                                                    UpstreamStats& stats, int count, AskOptions ask) {
  std::vector<UpstreamReply> replies;
  uv_loop_t loop;
  uv_loop_init(&loop);
  Detach([](uv_loop_t* l, FakeServerReply respond, UpstreamStats& upstream_stats, int n,
            NetworkUpstreamOptions upstream_options, AskOptions ask_options,
            std::vector<UpstreamReply>& out) -> Task<void> {
    io::ListenerStats listener_stats;
    io::QueryHandler handler = [&respond](std::vector<uint8_t> q, io::QueryContext c)
        -> Task<std::vector<uint8_t>> { co_return respond(std::move(q), c); };
    // The kernel's free UDP port may be taken for TCP (another test's connection): a few tries.
    Endpoint any{IpAddress::V4({127, 0, 0, 1}), 0};
    std::unique_ptr<io::UdpListener> udp;
    std::unique_ptr<io::TcpListener> tcp;
    for (int attempt = 0; attempt < 20 && !tcp; ++attempt) {
      auto opened_udp = io::UdpListener::Open(l, any, handler, &listener_stats);
      if (!opened_udp) continue;
      auto opened_tcp = io::TcpListener::Open(l, (*opened_udp)->local(), handler, &listener_stats);
      if (!opened_tcp) {
        (*opened_udp)->Close();
        continue;
      }
      udp = std::move(*opened_udp);
      tcp = std::move(*opened_tcp);
    }
    if (!tcp) co_return;
    NetworkUpstream upstream(l, &upstream_stats, upstream_options);
    for (int i = 0; i < n; ++i) {
      dns::Question question{*dns::Name::FromText("www.example.test."), dns::RrType::A, dns::RrClass::IN};
      out.push_back(co_await upstream.Ask(udp->local(), std::move(question), ask_options));
    }
    upstream.Shutdown();
    udp->Close();
    tcp->Close();
  }(&loop, std::move(reply), stats, count, options, std::move(ask), replies));
  uv_run(&loop, UV_RUN_DEFAULT);
  uv_loop_close(&loop);
  return replies;
}

}  // namespace redoubt::resolver::testing
