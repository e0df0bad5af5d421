// Forward zones: names under a configured zone are sent with RD set to that zone's upstream
// servers (Unbound's forward-zone, BIND's forwarders) instead of being iterated. This is the
// room where keys attach to a forward zone: a zone with `tsig-key` has every query to its servers
// signed and only verified replies taken (the upstream does the TSIG work, RFC 8945), and a zone
// with `gss-tsig` has its servers, configured or discovered, authenticated by a negotiated
// GSS-TSIG context (RFC 3645, RFC 5178; gss_servers.h). The pipeline asks Covers() to route a name here; the forwarder knows nothing of
// the iterator or the pipeline.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "net/base/clock.h"
#include "resolver/config/config.h"
#include "resolver/forwarder/gss_servers.h"
#include "resolver/query/stages.h"
#include "resolver/query/upstream.h"

namespace redoubt::resolver {

struct ForwarderOptions {
  uint32_t timeout_ms = 2000;  // Per exchange; never past the request's deadline.
};

class Forwarder final : public NameSource {
 public:
  Forwarder(Upstream& upstream, const Clock& clock, std::vector<ForwardZone> zones,
            ForwarderOptions options = {});

  // The forward zone with the longest name at or above `name`, or null (RFC 1034 section 4.3.2
  // longest match, as Unbound picks its forward-zone).
  const ForwardZone* ZoneFor(const dns::Name& name) const;
  bool Covers(const dns::Name& name) const { return ZoneFor(name) != nullptr; }

  // Asks the zone's servers in order, RD set, until one gives a usable reply (an answer, a
  // negative answer, or a CNAME/DNAME to follow); REFUSED, SERVFAIL, referrals and silence move
  // on to the next. Fails with EDE 22 (No Reachable Authority) when none answers (its text
  // carries the TSIG reason when a keyed server's replies were refused), and with
  // EDE 0 when `question` is not in a forward zone.
  Task<NameStep> ResolveName(const RequestContext& context, dns::Question question) override;

  bool empty() const noexcept { return zones_.empty(); }

 private:
  // Asks `servers` in order, RD set, until one gives a usable reply; `failure` keeps the last
  // TSIG or GSS-TSIG reason a reply was refused.
  Task<std::optional<NameStep>> TryServers(const ForwardZone& zone, const std::vector<GssCandidate>& servers,
                                           const RequestContext& context, const dns::Question& question,
                                           std::string& failure);

  Upstream& upstream_;
  const Clock& clock_;
  std::vector<ForwardZone> zones_;
  ForwarderOptions options_;
  GssServerDirectory gss_servers_;
};

}  // namespace redoubt::resolver
