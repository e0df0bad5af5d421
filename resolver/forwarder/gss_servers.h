// The servers of a forward zone with gss-tsig (RFC 3645; RFC 5178; docs/gss-tsig.md): the ones
// the configuration names, then the ones insecure discovery finds. Discovery asks the
// configured `discover.from` servers, unsigned, for the zone's NS records (or the SRV records
// of `discover.srv`) and for the addresses of the hosts they name. That data may be forged;
// RFC 5178 makes it safe to use, because each server found is used only after it
// authenticates with the domain-based name DNS@zone@host, or with the host-based DNS@host when
// the host is allow-listed (the upstream enforces this: AskOptions::gss).
//
// Discovered servers are remembered for the smallest TTL seen (at least 60 s, at most one
// hour); a discovery that finds nothing is tried again after 30 s. At most 8 hosts and 2
// addresses per host are kept.
#pragma once

#include <map>
#include <optional>
#include <vector>

#include "net/base/clock.h"
#include "net/base/endpoint.h"
#include "net/base/task.h"
#include "net/dns/message_view.h"
#include "resolver/config/config.h"
#include "resolver/query/request_context.h"
#include "resolver/query/upstream.h"

namespace redoubt::resolver {

// One server to ask, and the GSS target it must authenticate as.
struct GssCandidate {
  Endpoint server;
  GssTarget target;
  friend bool operator==(const GssCandidate&, const GssCandidate&) = default;
};

inline constexpr size_t kMaxDiscoveredHosts = 8;
inline constexpr size_t kMaxAddressesPerHost = 2;

// A host as a GSS target name holds it: the name in lower case without the final dot (DNS
// names on the wire are already A-labels, RFC 5890 section 2.3.2.1).
std::string GssHostText(const dns::Name& name);

// The hosts (and ports) a discovery reply names for `owner` (RFC 1035 section 3.3.11 NS: port
// 53; RFC 2782 SRV: its port, "." meaning no service), in reply order, duplicates dropped, at
// most kMaxDiscoveredHosts; `min_ttl` lowered to the smallest TTL used.
struct DiscoveredHost {
  dns::Name host;
  uint16_t port = 53;
};
std::vector<DiscoveredHost> DiscoveredHosts(const dns::MessageView& reply, const dns::Name& owner,
                                            dns::RrType type, uint32_t& min_ttl);
// The A and AAAA addresses a reply gives for `host` in any section (glue included), at most
// kMaxAddressesPerHost, `min_ttl` lowered likewise.
std::vector<IpAddress> AddressesOf(const dns::MessageView& reply, const dns::Name& host,
                                   uint32_t& min_ttl);

class GssServerDirectory {
 public:
  GssServerDirectory(Upstream& upstream, const Clock& clock) : upstream_(upstream), clock_(clock) {}

  // The servers the configuration lists for `zone` (which must have gss_tsig), allow-listed:
  // the operator's word authorises them (RFC 5178 section 7).
  static std::vector<GssCandidate> Configured(const ForwardZone& zone);
  // The servers discovery finds for `zone` (none without discover), remembered as the file
  // comment says. Its queries count against the request's budget and deadline.
  Task<std::vector<GssCandidate>> Discovered(const ForwardZone& zone, const RequestContext& context,
                                             uint32_t timeout_ms);

 private:
  struct Discovery {
    std::vector<GssCandidate> servers;
    MonoTime refresh_at{};
  };
  Task<Discovery> Discover(const ForwardZone& zone, const RequestContext& context, uint32_t timeout_ms);
  // Asks the discovery sources in turn; the first parsed reply.
  Task<std::optional<std::vector<uint8_t>>> AskSources(const GssDiscovery& discovery, dns::Question question,
                                                       const RequestContext& context, uint32_t timeout_ms);

  Upstream& upstream_;
  const Clock& clock_;
  std::map<std::string, Discovery> discovered_;  // By zone, as GssHostText spells it.
};

}  // namespace redoubt::resolver
