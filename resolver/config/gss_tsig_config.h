// A forward zone's GSS-TSIG settings (RFC 3645; RFC 5178 for authorising servers; issue #15;
// docs/gss-tsig.md): the Kerberos credentials redoubt authenticates with, the servers it may
// negotiate a context with, how more are discovered, and which may serve the zone with a
// host-based name only. Read from the `gss-tsig:` mapping of a forward-zones entry.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "net/base/endpoint.h"
#include "net/base/result.h"
#include "net/dns/name.h"

namespace YAML {
class Node;
}

namespace redoubt::resolver {

// A server named for its Kerberos identity: the host part of its GSS target name and where it
// listens.
struct GssServer {
  std::string host;  // A-labels, lower case, no final dot (crypto::NormaliseGssHostName).
  Endpoint address;
  friend bool operator==(const GssServer&, const GssServer&) = default;
};

// Insecure discovery (RFC 5178 section 1): the zone's NS records, or the SRV records of
// `srv`, and their addresses, asked unsigned of `from`. Each server found is used only after it
// proves the domain-based name DNS@zone@host, or a host-based one the allow-list permits.
struct GssDiscovery {
  std::vector<Endpoint> from;
  std::optional<dns::Name> srv = std::nullopt;
  friend bool operator==(const GssDiscovery&, const GssDiscovery&) = default;
};

struct GssTsigConfig {
  // Initiator credentials (specs/gss-tsig.md section 2.4): a client keytab, a credential
  // cache, or neither (the process default: KRB5CCNAME, KRB5_CLIENT_KTNAME).
  std::string client_keytab;
  std::string credential_cache;
  std::string client_principal;  // Empty: the keytab's or cache's default.
  std::string realm;             // Of the servers' principals; empty: the default realm.
  bool spnego = true;            // SPNEGO (RFC 4178) or bare Kerberos (RFC 3645 section 9).
  std::vector<GssServer> servers;
  std::optional<GssDiscovery> discover = std::nullopt;
  // Hosts that may serve the zone after authenticating with the host-based name DNS@host
  // (RFC 5178 section 7: the separate authorisation a host-based name needs). The servers
  // listed under `servers` are authorised by being listed.
  std::vector<std::string> host_based;
  uint32_t key_lifetime = 3600;  // Seconds asked for in TKEY (RFC 2930 section 2.3).
  friend bool operator==(const GssTsigConfig&, const GssTsigConfig&) = default;
};

// Why a gss-tsig mapping was refused, and the line of the offending node (1-based).
struct GssConfigProblem {
  size_t line = 0;
  std::string reason;
};

// Reads a `gss-tsig:` mapping: client-keytab, credential-cache, client-principal, realm,
// mechanism (spnego or kerberos), servers ([{host, address}]), discover ({from: [ADDRESS],
// srv: NAME}), host-based ([HOST]), key-lifetime (60 to 86400 s). Host names are converted to
// A-labels (RFC 5178 section 5); at least one server or a discover source is required, and a
// client keytab and a credential cache are exclusive.
Result<GssTsigConfig, GssConfigProblem> ReadGssTsigConfig(const YAML::Node& node);

}  // namespace redoubt::resolver
