// The upstream seam: asking one authoritative (or forwarding) server one question. The iterator
// and the forwarder see only this interface, so neither depends on libuv; NetworkUpstream
// (resolver/upstream/upstream.h) is the real one, testing::FakeNetwork the iterator's fake.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <stop_token>
#include <vector>

#include "net/base/endpoint.h"
#include "net/base/task.h"
#include "net/dns/message_view.h"

namespace redoubt::resolver {

struct UpstreamReply {
  enum class Status : uint8_t { kReply, kTimeout, kNetworkError, kBadReply, kCancelled };
  Status status = Status::kNetworkError;
  std::vector<uint8_t> wire;  // The reply message (status kReply).
  uint32_t rtt_ms = 0;
  bool over_tcp = false;
  // A UDP reply the kernel reassembled from fragments with no CHECKSUM to verify it, given out
  // only under AskOptions::accept_unverified_fragments: usable only if it validates as Secure.
  bool unverified_fragments = false;
  // Why an exchange under AskOptions::tsig_key failed (RFC 8945 section 5.3: the reply was
  // unsigned, did not verify, or the server answered with a TSIG error), for the Extended DNS
  // Error text; empty otherwise. Such a reply is never given out.
  std::string tsig_failure = {};
  // The upstream's own parse of `wire`, when it made one (a plain UDP reply, parsed to match it
  // to the query): `parsed.For(wire)` spares the caller a second parse. Never set for a reply
  // that is not given out.
  dns::CarriedView parsed = {};
};

// A server reached with GSS-TSIG (RFC 3645): which forward zone's settings apply, and the host
// name the server must authenticate as. The upstream negotiates a context first with the
// domain-based name DNS@zone@host (RFC 5178), and falls back to the host-based DNS@host only
// when `host_based_allowed` says local policy authorises that host for the zone (RFC 5178
// section 7).
struct GssTarget {
  dns::Name zone;
  std::string host;  // A-labels, lower case, no final dot.
  bool host_based_allowed = false;
  friend bool operator==(const GssTarget&, const GssTarget&) = default;
};

struct AskOptions {
  uint32_t timeout_ms = 1000;      // Never past the request's deadline (RequestContext).
  bool recursion_desired = false;  // True towards forwarders.
  std::stop_token stop;            // Cancels the exchange (shutdown).
  // DO in the query's OPT (RFC 3225; RFC 4035 section 4.1: a security-aware resolver sets it,
  // so RRSIGs and NSEC/NSEC3 proofs come back for the validator and for DO=1 clients).
  bool dnssec_ok = true;
  // The fragment defence's second arm (docs/fragment-defence.md): a reassembled UDP reply that
  // cannot be verified is given out (marked) instead of being fetched again over TCP, because
  // the validator will accept it only if every RRset in it is Secure.
  bool accept_unverified_fragments = false;
  // The TSIG key (RFC 8945) the server requires, by name; the upstream holds the keys. The
  // query, and every retry of it, goes out signed with it or not at all, and only a reply whose
  // TSIG verifies is given out (forward zones with `tsig-key`).
  std::optional<dns::Name> tsig_key = {};
  // GSS-TSIG instead of a configured key (forward zones with `gss-tsig`): the query goes out
  // signed with a context negotiated for this target, under the same rules as tsig_key.
  std::optional<GssTarget> gss = {};
};

class Upstream {
 public:
  virtual ~Upstream() = default;
  // Sends `question` to `server`; the reply's question is the one asked (case aside).
  virtual Task<UpstreamReply> Ask(Endpoint server, dns::Question question, AskOptions options) = 0;
};

}  // namespace redoubt::resolver
