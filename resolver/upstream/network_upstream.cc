#include <array>

#include "crypto/random.h"
#include "net/dns/message_builder.h"
#include "net/dns/reply_match.h"
#include "net/io/exchange.h"
#include "resolver/upstream/upstream.h"

namespace redoubt::resolver {
namespace {

using Status = UpstreamReply::Status;

std::vector<uint16_t> RandomSourcePorts() {
  std::vector<uint16_t> ports(8);
  for (uint16_t& port : ports) port = static_cast<uint16_t>(crypto::RandomInRange(1024, 65535));
  return ports;
}

// Accepts a message only if it parses and answers exactly the query sent.
io::ReplyFilter MatchFilter(dns::SentQuery sent) {
  return [sent](std::span<const uint8_t> bytes) {
    auto view = dns::MessageView::Parse(bytes);
    return view && dns::MatchReply(*view, sent) == dns::ReplyMatch::kMatch;
  };
}

bool Truncated(const std::vector<uint8_t>& wire) { return wire.size() >= 3 && (wire[2] & 0x02); }

UpstreamReply FromExchange(io::ExchangeResult result, bool tcp, UpstreamStats* stats) {
  UpstreamReply reply;
  reply.rtt_ms = result.elapsed_ms;
  reply.over_tcp = tcp;
  switch (result.status) {
    case io::ExchangeStatus::kReply:
      reply.status = Status::kReply;
      reply.wire = std::move(result.reply);
      break;
    case io::ExchangeStatus::kTimeout:
      ++stats->timeouts;
      reply.status = Status::kTimeout;
      break;
    case io::ExchangeStatus::kRejected:
      ++stats->mismatched;
      reply.status = Status::kBadReply;
      break;
    case io::ExchangeStatus::kNetworkError:
      ++stats->network_errors;
      reply.status = Status::kNetworkError;
      break;
  }
  return reply;
}

}  // namespace

NetworkUpstream::NetworkUpstream(uv_loop_t* loop, UpstreamStats* stats,
                                 const NetworkUpstreamOptions& options)
    : loop_(loop), stats_(stats), options_(options) {}

Task<UpstreamReply> NetworkUpstream::Ask(Endpoint server, dns::Question question,
                                         AskOptions options) {
  dns::SentQuery sent{crypto::RandomU16(), question};
  if (options_.randomize_case) {
    std::array<uint8_t, 32> bits;
    crypto::RandomBytes(bits);
    sent.question.qname = dns::RandomizeCase(question.qname, bits);
  }
  dns::QueryOptions query_options;
  query_options.id = sent.id;
  query_options.recursion_desired = options.recursion_desired;
  query_options.udp_size = options_.edns_buffer_size;
  auto query = dns::BuildQuery(sent.question.qname, question.qtype, question.qclass, query_options);
  if (!query) co_return UpstreamReply{};
  ++stats_->udp_queries;
  io::UdpOptions udp{options.timeout_ms, RandomSourcePorts()};
  io::ExchangeResult udp_result =
      co_await io::UdpExchange(loop_, server, *query, MatchFilter(sent), std::move(udp));
  bool retry_tcp = udp_result.status == io::ExchangeStatus::kRejected ||
                   (udp_result.status == io::ExchangeStatus::kReply && Truncated(udp_result.reply));
  if (!retry_tcp) co_return FromExchange(std::move(udp_result), false, stats_);
  if (udp_result.status == io::ExchangeStatus::kRejected) {
    ++stats_->mismatched;
  } else {
    ++stats_->truncated;
  }
  ++stats_->tcp_queries;
  io::ExchangeResult tcp_result = co_await io::TcpExchange(
      loop_, server, *query, MatchFilter(sent), options.timeout_ms * 2);
  UpstreamReply reply = FromExchange(std::move(tcp_result), true, stats_);
  reply.rtt_ms += udp_result.elapsed_ms;
  co_return reply;
}

}  // namespace redoubt::resolver
