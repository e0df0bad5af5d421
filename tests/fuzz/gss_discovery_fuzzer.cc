// libFuzzer target: a discovery reply for a gss-tsig forward zone (resolver/forwarder/
// gss_servers.h), unsigned data anyone on the path may forge (RFC 5178 section 1). The reply is
// read for NS and SRV hosts and for each host's addresses, as GssServerDirectory does.
//
// Input: one octet (bit 0: SRV of _dns._tcp.corp.example., else NS of corp.example.), then the
// reply message.
//
// Invariants (a violation traps): nothing crashes or reads outside the input; at most
// kMaxDiscoveredHosts hosts, no host twice with one port, no SRV host "."; at most
// kMaxAddressesPerHost addresses per host, none twice; the TTL kept never grows.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>

#include "net/dns/message_view.h"
#include "resolver/forwarder/gss_servers.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace redoubt;
  if (size < 1) return 0;
  bool srv = (data[0] & 1) != 0;
  auto view = dns::MessageView::Parse(std::span<const uint8_t>(data + 1, size - 1));
  if (!view) return 0;
  static const dns::Name kZone = *dns::Name::FromText("corp.example.");
  static const dns::Name kSrv = *dns::Name::FromText("_dns._tcp.corp.example.");
  uint32_t ttl = 3600;
  auto hosts = resolver::DiscoveredHosts(*view, srv ? kSrv : kZone, srv ? dns::RrType::SRV : dns::RrType::NS, ttl);
  if (hosts.size() > resolver::kMaxDiscoveredHosts || ttl > 3600) __builtin_trap();
  for (size_t i = 0; i < hosts.size(); ++i) {
    if (srv && hosts[i].host.IsRoot()) __builtin_trap();
    for (size_t j = i + 1; j < hosts.size(); ++j) {
      if (hosts[i].host == hosts[j].host && hosts[i].port == hosts[j].port) __builtin_trap();
    }
    uint32_t before = ttl;
    auto addresses = resolver::AddressesOf(*view, hosts[i].host, ttl);
    if (addresses.size() > resolver::kMaxAddressesPerHost || ttl > before) __builtin_trap();
    for (size_t a = 0; a < addresses.size(); ++a) {
      if (std::count(addresses.begin(), addresses.end(), addresses[a]) != 1) __builtin_trap();
    }
    (void)resolver::GssHostText(hosts[i].host);
  }
  return 0;
}
