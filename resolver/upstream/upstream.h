// Asking one authoritative (or forwarding) server one question, as the iterator needs it. The
// interface lets the iterator's tests use a fake network; NetworkUpstream is the real one:
// a random ID and source port from the CSPRNG for every query, 0x20 case randomisation, EDNS
// with a 1232-octet buffer, and a reply accepted only when it matches ID and question exactly
// (RFC 5452). A truncated reply, or a datagram that does not match, moves the exchange to TCP
// (RFC 7766 section 5; security.md section 5: "ignore packet, retry over TCP once").
#pragma once

#include <uv.h>

#include <cstdint>
#include <vector>

#include "net/base/endpoint.h"
#include "net/base/task.h"
#include "net/dns/message_view.h"

namespace redoubt::resolver {

struct UpstreamReply {
  enum class Status : uint8_t { kReply, kTimeout, kNetworkError, kBadReply };
  Status status = Status::kNetworkError;
  std::vector<uint8_t> wire;  // The reply message (status kReply).
  uint32_t rtt_ms = 0;
  bool over_tcp = false;
};

struct AskOptions {
  uint32_t timeout_ms = 1000;
  bool recursion_desired = false;  // True towards forwarders.
};

class Upstream {
 public:
  virtual ~Upstream() = default;
  // Sends `question` to `server`; the reply's question is the one asked (case aside).
  virtual Task<UpstreamReply> Ask(Endpoint server, dns::Question question, AskOptions options) = 0;
};

// Counters of the real upstream side, exported by the metrics layer.
struct UpstreamStats {
  uint64_t udp_queries = 0;
  uint64_t tcp_queries = 0;
  uint64_t truncated = 0;        // TC replies retried over TCP.
  uint64_t mismatched = 0;       // Datagrams refused (ID, question, case, malformed).
  uint64_t timeouts = 0;
  uint64_t network_errors = 0;
};

struct NetworkUpstreamOptions {
  uint16_t edns_buffer_size = 1232;
  bool randomize_case = true;  // 0x20 (draft-vixie-dnsext-dns0x20).
};

class NetworkUpstream final : public Upstream {
 public:
  NetworkUpstream(uv_loop_t* loop, UpstreamStats* stats, const NetworkUpstreamOptions& options = {});
  Task<UpstreamReply> Ask(Endpoint server, dns::Question question, AskOptions options) override;

 private:
  uv_loop_t* loop_;
  UpstreamStats* stats_;
  NetworkUpstreamOptions options_;
};

}  // namespace redoubt::resolver
