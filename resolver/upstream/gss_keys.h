// GSS-TSIG keys towards forward-zone servers (RFC 3645; specs/gss-tsig.md; docs/gss-tsig.md):
// one security context per (server, target) per worker, negotiated by TKEY mode 3 over TCP
// (RFC 3645 section 3.1.1), reused until shortly before its Kerberos ticket ends, forgotten
// when the server says BADKEY, and deleted with TKEY mode 5 at shutdown (RFC 2930 section 4.1).
//
// Authorisation (RFC 5178): a context is first negotiated for the domain-based name
// DNS@zone@host (the principal DNS/host/zone@REALM, RFC 5179), which only a server the KDC
// administrator authorised for the zone can accept. Only when that fails, and the target says
// the host is separately authorised (RFC 5178 section 7: listed in the configuration), the
// host-based DNS@host is tried. Anything else is refused, logged once per failure window, and
// counted.
//
// Every GSS call that may reach the KDC runs on the libuv thread pool; the loop never waits on
// it. A worker's contexts are used on its loop thread only. Concurrent requests for a key that
// is being negotiated wait for that negotiation rather than start their own.
#pragma once

#include <uv.h>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <stop_token>
#include <string>
#include <vector>

#include "crypto/gss_context.h"
#include "crypto/tsig.h"
#include "net/base/clock.h"
#include "net/base/counter.h"
#include "net/base/endpoint.h"
#include "net/base/result.h"
#include "net/base/task.h"
#include "net/base/wait_list.h"
#include "resolver/query/upstream.h"

namespace redoubt::resolver {

// A forward zone's GSS-TSIG settings as the upstream needs them (from config's GssTsigConfig).
struct GssZoneSettings {
  dns::Name zone;
  crypto::GssCredentials credentials;
  std::string realm;  // Of the servers' principals; empty: the default realm.
  crypto::GssMechanism mechanism = crypto::GssMechanism::kSpnego;
  uint32_t key_lifetime = 3600;  // Asked for in TKEY (RFC 2930 section 2.3).
};

// Counters of GSS-TSIG (exported by the metrics layer).
struct GssStats {
  Counter negotiations;          // Contexts established.
  Counter negotiation_failures;  // Negotiations that failed (KDC, principal, server, TKEY).
  Counter unauthorised;          // Servers refused: no domain-based key, host not allowed (RFC 5178).
  Counter host_based;            // Contexts established with a host-based name (allow-listed).
  Counter renegotiations;        // Contexts dropped after BADKEY or near their end, and renewed.
  Counter deletions;             // Contexts deleted at their server (TKEY mode 5, answer verified):
                                 // at shutdown and when a renewed context replaces one.
};

// Makes a Kerberos initiator (crypto::NewKerberosInitiator; tests substitute a scripted one).
using GssInitiatorFactory = std::function<Result<std::unique_ptr<crypto::GssInitiator>, std::string>(
    const crypto::GssCredentials&, const std::string& principal, crypto::GssMechanism)>;

class GssKeyRing {
 public:
  // `log` receives one line per context established and per negotiation refused (null:
  // nothing is logged). Lines name servers, principals and GSS status texts, never tokens.
  GssKeyRing(uv_loop_t* loop, std::vector<GssZoneSettings> zones, GssStats* stats,
             const Clock* clock, GssInitiatorFactory factory = nullptr,
             std::function<void(const std::string&)> log = nullptr);
  ~GssKeyRing();
  GssKeyRing(const GssKeyRing&) = delete;
  GssKeyRing& operator=(const GssKeyRing&) = delete;

  // A key for `target` at `server`: a live context (valid for more than a minute yet: its
  // lifetime is the Kerberos ticket's, at most the zone's key_lifetime), or a new one
  // negotiated now within `timeout_ms` per exchange; a replaced one is deleted at the server. Fails with an operator-readable
  // reason (never a token or key): unknown zone, KDC or credential trouble, TKEY error,
  // unauthorised server. A failure is remembered for 10 seconds, so that a refused or
  // unreachable server is not negotiated with on every query.
  Task<Result<crypto::TsigKey, std::string>> KeyFor(Endpoint server, GssTarget target,
                                                    uint32_t timeout_ms, std::stop_token stop);
  // Drops the context for `target` at `server` (the server answered BADKEY: it forgot it).
  void Forget(const Endpoint& server, const GssTarget& target);
  // Deletes every established context at its server with TKEY mode 5, signed with it (best
  // effort, `timeout_ms` each), then forgets them all.
  Task<void> Shutdown(uint32_t timeout_ms);

  size_t established() const;

 private:
  struct Entry;
  struct Attempt;
  struct NegotiatedKey {
    crypto::TsigKey key;
    uint32_t lifetime = 0;  // Seconds the context stays valid (its Kerberos ticket).
    std::string principal;  // The server's principal it authenticated as.
  };
  Entry& EntryFor(const Endpoint& server, const GssTarget& target);
  const GssZoneSettings* ZoneSettings(const dns::Name& zone) const;
  // Negotiates with `principal`; the key, or why not.
  Task<Result<NegotiatedKey, std::string>> Negotiate(const Endpoint& server, const GssTarget& target,
                                          const GssZoneSettings& zone, std::string principal,
                                          uint32_t timeout_ms, std::stop_token stop);
  // Domain-based, then host-based when allowed (RFC 5178 section 7).
  Task<Result<NegotiatedKey, std::string>> Authenticate(const Endpoint& server, const GssTarget& target,
                                                          uint32_t timeout_ms, std::stop_token stop);
  uint64_t Now() const;
  // Sends a TKEY mode 5 deletion of `key` to `server`, signed with it (RFC 2930 section 4.1);
  // true, and counted, when the server's signed answer verifies.
  Task<bool> DeleteAtServer(Endpoint server, crypto::TsigKey key, uint32_t timeout_ms);
  Task<void> DeleteInBackground(Endpoint server, crypto::TsigKey key);

  uv_loop_t* loop_;
  std::vector<GssZoneSettings> zones_;
  GssStats* stats_;
  const Clock* clock_;
  GssInitiatorFactory factory_;
  std::function<void(const std::string&)> log_;
  std::map<std::string, std::unique_ptr<Entry>> entries_;
};

}  // namespace redoubt::resolver
