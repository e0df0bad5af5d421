#include "resolver/forwarder/gss_servers.h"

#include <algorithm>
#include <chrono>

namespace redoubt::resolver {
namespace {

constexpr uint32_t kMinDiscoveryTtl = 60;
constexpr uint32_t kMaxDiscoveryTtl = 3600;
constexpr uint32_t kRetryEmptyDiscovery = 30;

bool Allowed(const GssTsigConfig& gss, const std::string& host) {
  return std::find(gss.host_based.begin(), gss.host_based.end(), host) != gss.host_based.end();
}

void AddOnce(std::vector<GssCandidate>& list, GssCandidate candidate) {
  if (std::find(list.begin(), list.end(), candidate) == list.end()) list.push_back(std::move(candidate));
}

}  // namespace

std::string GssHostText(const dns::Name& name) {
  std::string text = name.ToText();
  if (text.ends_with('.')) text.pop_back();
  for (char& c : text) c = static_cast<char>(dns::AsciiLower(static_cast<uint8_t>(c)));
  return text;
}

std::vector<DiscoveredHost> DiscoveredHosts(const dns::MessageView& reply, const dns::Name& owner,
                                            dns::RrType type, uint32_t& min_ttl) {
  std::vector<DiscoveredHost> hosts;
  for (const dns::RecordView& record : reply.section(dns::Section::kAnswer)) {
    if (record.type != type || record.klass != dns::RrClass::IN || !(record.owner == owner)) continue;
    auto rdata = reply.TypedRdata(record);
    if (!rdata) continue;
    DiscoveredHost host;
    if (const auto* ns = std::get_if<dns::rdata::NS>(&*rdata)) {
      host.host = ns->target;
    } else if (const auto* srv = std::get_if<dns::rdata::SRV>(&*rdata)) {
      if (srv->target.IsRoot()) continue;  // RFC 2782: "." means the service is not offered.
      host.host = srv->target;
      host.port = srv->port;
    } else {
      continue;
    }
    bool seen = std::any_of(hosts.begin(), hosts.end(), [&](const DiscoveredHost& h) {
      return h.host == host.host && h.port == host.port;
    });
    if (seen) continue;
    min_ttl = std::min(min_ttl, record.ttl);
    hosts.push_back(std::move(host));
    if (hosts.size() == kMaxDiscoveredHosts) break;
  }
  return hosts;
}

std::vector<IpAddress> AddressesOf(const dns::MessageView& reply, const dns::Name& host,
                                   uint32_t& min_ttl) {
  std::vector<IpAddress> addresses;
  for (const dns::RecordView& record : reply.records()) {
    if (record.klass != dns::RrClass::IN || !(record.owner == host)) continue;
    if (record.type != dns::RrType::A && record.type != dns::RrType::AAAA) continue;
    auto rdata = reply.TypedRdata(record);
    if (!rdata) continue;
    IpAddress address;
    if (const auto* a = std::get_if<dns::rdata::A>(&*rdata)) {
      address = IpAddress::V4(a->address.bytes);
    } else if (const auto* aaaa = std::get_if<dns::rdata::AAAA>(&*rdata)) {
      address = IpAddress::V6(aaaa->address.bytes);
    } else {
      continue;
    }
    if (std::find(addresses.begin(), addresses.end(), address) != addresses.end()) continue;
    min_ttl = std::min(min_ttl, record.ttl);
    addresses.push_back(address);
    if (addresses.size() == kMaxAddressesPerHost) break;
  }
  return addresses;
}

std::vector<GssCandidate> GssServerDirectory::Configured(const ForwardZone& zone) {
  std::vector<GssCandidate> candidates;
  for (const GssServer& server : zone.gss_tsig->servers) {
    AddOnce(candidates, {server.address, GssTarget{zone.name, server.host, true}});
  }
  return candidates;
}

Task<std::vector<GssCandidate>> GssServerDirectory::Discovered(const ForwardZone& zone,
                                                              const RequestContext& context,
                                                              uint32_t timeout_ms) {
  if (!zone.gss_tsig->discover) co_return std::vector<GssCandidate>{};
  std::string key = GssHostText(zone.name);
  auto found = discovered_.find(key);
  if (found == discovered_.end() || clock_.Now() >= found->second.refresh_at) {
    Discovery fresh = co_await Discover(zone, context, timeout_ms);
    found = discovered_.insert_or_assign(key, std::move(fresh)).first;
  }
  co_return found->second.servers;
}

Task<GssServerDirectory::Discovery> GssServerDirectory::Discover(const ForwardZone& zone,
                                                                  const RequestContext& context,
                                                                  uint32_t timeout_ms) {
  const GssTsigConfig& gss = *zone.gss_tsig;
  const GssDiscovery& discovery = *gss.discover;
  dns::RrType type = discovery.srv ? dns::RrType::SRV : dns::RrType::NS;
  dns::Name owner = discovery.srv ? *discovery.srv : zone.name;
  Discovery result;
  uint32_t ttl = kMaxDiscoveryTtl;
  // Named, never a temporary inside co_await (the GCC 12 coroutine note in iterator.cc).
  dns::Question servers_question{owner, type, dns::RrClass::IN};
  auto wire = co_await AskSources(discovery, servers_question, context, timeout_ms);
  std::vector<DiscoveredHost> hosts;
  std::optional<dns::MessageView> servers_reply;  // Reads *wire, which outlives it.
  if (wire) {
    auto view = dns::MessageView::Parse(*wire);
    if (view) {
      hosts = DiscoveredHosts(*view, owner, type, ttl);
      servers_reply = std::move(*view);
    }
  }
  for (const DiscoveredHost& host : hosts) {
    std::vector<IpAddress> addresses;
    if (servers_reply) addresses = AddressesOf(*servers_reply, host.host, ttl);  // Glue.
    for (dns::RrType address_type : {dns::RrType::A, dns::RrType::AAAA}) {
      if (addresses.size() >= kMaxAddressesPerHost) break;
      dns::Question address_question{host.host, address_type, dns::RrClass::IN};
      auto reply = co_await AskSources(discovery, address_question, context, timeout_ms);
      if (!reply) continue;
      auto view = dns::MessageView::Parse(*reply);
      if (!view) continue;
      for (const IpAddress& address : AddressesOf(*view, host.host, ttl)) {
        if (addresses.size() < kMaxAddressesPerHost &&
            std::find(addresses.begin(), addresses.end(), address) == addresses.end()) {
          addresses.push_back(address);
        }
      }
    }
    std::string text = GssHostText(host.host);
    for (const IpAddress& address : addresses) {
      AddOnce(result.servers, {Endpoint{address, host.port}, GssTarget{zone.name, text, Allowed(gss, text)}});
    }
  }
  uint32_t keep = result.servers.empty() ? kRetryEmptyDiscovery : std::clamp(ttl, kMinDiscoveryTtl, kMaxDiscoveryTtl);
  result.refresh_at = clock_.Now() + std::chrono::seconds(keep);
  co_return result;
}

Task<std::optional<std::vector<uint8_t>>> GssServerDirectory::AskSources(const GssDiscovery& discovery,
                                                                        dns::Question question,
                                                                        const RequestContext& context,
                                                                        uint32_t timeout_ms) {
  for (const Endpoint& source : discovery.from) {
    uint32_t remaining = context.RemainingMs(clock_.Now());
    if (remaining == 0 || context.stop().stop_requested()) break;
    if (!context.budget().TryUpstreamQuery()) break;
    AskOptions ask{std::min(timeout_ms, remaining), true, context.stop()};
    ask.dnssec_ok = false;
    UpstreamReply reply = co_await upstream_.Ask(source, question, std::move(ask));
    if (reply.status != UpstreamReply::Status::kReply) continue;
    auto view = dns::MessageView::Parse(reply.wire);
    if (!view || view->header().rcode != static_cast<uint8_t>(dns::Rcode::NOERROR)) continue;
    co_return std::move(reply.wire);
  }
  co_return std::nullopt;
}

}  // namespace redoubt::resolver
