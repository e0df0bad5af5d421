// redoubt's configuration: every setting with its default, so the daemon runs with no file at
// all, and a strict YAML loader. Unknown keys, duplicate keys, wrong types and bad values are
// errors naming file:line and the reason (docs/config.md is the reference).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "net/base/endpoint.h"
#include "net/base/result.h"
#include "net/dns/name.h"
#include "resolver/config/gss_tsig_config.h"
#include "resolver/config/tsig_keys.h"
#include "resolver/query/query_budget.h"
#include "resolver/query/validation_budget.h"

namespace redoubt::resolver {

// An address prefix such as 127.0.0.0/8 or ::1/128 (RFC 4632 section 3.1, RFC 4291 2.3).
struct Prefix {
  IpAddress network;
  unsigned length = 0;
  // Parses "addr/len" or a bare address (a host prefix). Fails with kSyntax, or
  // kInvalidArgument when bits beyond the length are set.
  static Result<Prefix> Parse(std::string_view text);
  bool Contains(const IpAddress& address) const noexcept { return address.InPrefix(network, length); }
  friend bool operator==(const Prefix&, const Prefix&) = default;
};

// A zone sent to listed upstream servers instead of iterated.
struct ForwardZone {
  dns::Name name;
  std::vector<Endpoint> servers;
  // The key of Config::tsig_keys these servers require (RFC 8945 section 5.1, issue #14); the
  // loader has checked that it exists. Every query to these servers is signed with it, and only
  // replies whose TSIG verifies are taken (NetworkUpstream).
  std::optional<dns::Name> tsig_key = std::nullopt;
  // GSS-TSIG instead (RFC 3645, issue #15): a context negotiated with each server by TKEY signs
  // every query; `servers` may then be empty when gss_tsig discovers them.
  std::optional<GssTsigConfig> gss_tsig = std::nullopt;
};

// A zone kept as a whole local copy by zone transfer and answered from it (RFC 8806 for the
// root; docs/mirror.md): AXFR, then IXFR on the SOA timers (RFC 1995, RFC 5936), over TCP from
// the primaries in order; NOTIFY (RFC 1996) accepted only from them. With `tsig_key` every
// transfer, SOA query and NOTIFY must be signed with that key (RFC 8945 section 5.3.1).
struct MirrorZoneConfig {
  dns::Name name;
  std::vector<Endpoint> primaries;
  std::optional<dns::Name> tsig_key = std::nullopt;
};

enum class QnameMinimisation : uint8_t { kOff, kRelaxed, kStrict };

// How much the daemon logs, least to most: each level includes the ones before it.
enum class LogLevel : uint8_t { kError, kWarning, kInfo, kDebug };
// How log lines look on stderr: "redoubt: MESSAGE", or one JSON object per line
// (resolver/daemon/log.h).
enum class LogFormat : uint8_t { kText, kJson };

struct Config {
  std::vector<Endpoint> listen;          // Default: 127.0.0.1:53 and [::1]:53.
  unsigned workers = 0;                  // 0: one per CPU core ("auto").
  std::string root_hints;                // Empty: the built-in IANA hints.
  std::vector<std::string> trust_anchors;  // DS/DNSKEY files, added to the built-in anchors.
  bool builtin_root_anchor = true;         // Include the compiled-in root DS (RFC 7958).
  // RFC 5011: anchor files whose keys redoubt maintains itself (state in PATH.state); each
  // zone they name takes its anchors from them alone (resolver/daemon/anchor_maintainer.h).
  std::vector<std::string> managed_trust_anchors;
  std::vector<std::string> legacy_trust_anchors;  // Zone files of KEY records: RFC 2065 trust
                                                  // points (docs/dnssec.md, legacy section).
  bool validation = true;                  // DNSSEC validation (RFC 4035 section 5).
  std::vector<dns::Name> negative_trust_anchors;  // RFC 7646: zones not validated.
  bool aggressive_nsec = true;             // RFC 8198: NXDOMAIN/NODATA from cached secure NSEC/NSEC3.
  uint32_t bogus_ttl = 60;                 // Seconds a bogus answer is remembered (RFC 9520).
  ValidationLimits validation_limits;      // KeyTrap limits (security.md B3).
  bool allow_loopback_upstreams = false;   // Query servers on 127/8 and ::1 (labs, tests).
  bool do_ip4 = true;                      // Query authorities over IPv4; not both false.
  bool do_ip6 = true;                      // Query authorities over IPv6.
  std::vector<IpAddress> outgoing_interfaces;  // Upstream source addresses; empty: the kernel's.
  std::vector<Prefix> access_allow;      // Default: 127.0.0.0/8 and ::1/128.
  bool cache_enabled = true;              // The LMDB answer cache (cache/).
  std::string cache_directory = "/var/cache/redoubt";
  uint64_t cache_max_size = 512ull << 20;
  uint64_t packet_cache_size = 4ull << 20;  // Per worker (resolver/server/packet_cache.h); 0: off.
  uint32_t cache_min_ttl = 0;             // cache/ttl_policy.h TtlBounds.
  uint32_t cache_max_ttl = 86400;
  uint32_t cache_max_negative_ttl = 3600;  // RFC 2308 section 5.
  uint32_t serve_stale = 0;               // RFC 8767 window in seconds; 0: off.
  std::vector<ForwardZone> forward_zones;
  std::vector<TsigKeyConfig> tsig_keys;   // RFC 8945 keys, each name once (tsig_keys.h).
  std::vector<MirrorZoneConfig> mirror_zones;   // Kept in <cache directory>/mirrors (LMDB).
  QnameMinimisation qname_minimisation = QnameMinimisation::kRelaxed;
  uint16_t edns_buffer_size = 1232;      // DNS flag day 2020.
  bool minimal_responses = true;          // No authority/additional data unless required.
  bool root_key_sentinel = true;          // RFC 8509 answers (Unbound and BIND: on by default).
  bool trust_anchor_signaling = true;     // RFC 8145 key tag queries (Unbound: on by default).
  bool checksum = true;                   // CHECKSUM on upstream UDP queries (specs/checksum.md).
  uint16_t checksum_option_code = 65434;  // specs/checksum.md: configurable, private range.
  QueryLimits limits;
  LogLevel log_level = LogLevel::kInfo;
  bool log_queries = false;               // One line per client query.
  LogFormat log_format = LogFormat::kText;
  // The account to switch to once the listeners, the metrics endpoint and the cache are open,
  // when started as root (resolver/daemon/service.h); empty: no switch.
  std::string user;
  std::optional<Endpoint> metrics_listen;  // Prometheus /metrics, /health, /ready; unset: off.
  // The control channel's Unix socket (docs/control.md); empty: none. When it is the default
  // (not written in the file) and cannot be created or another daemon holds it, the daemon
  // goes on without one and says so; a written path must work.
  std::string control_socket = "/run/redoubt/control.sock";
  bool control_socket_configured = false;

  // What the loader found legal but unwise ("file:line: reason"), for the daemon to log at
  // start-up and --check-config to print: TSIG secrets others may read, short or MD5 keys.
  std::vector<std::string> warnings;

  // The built-in defaults (what an empty file or no file gives).
  static Config Defaults();
  // The tsig_keys entry named `name` (compared as DNS names), or null.
  const TsigKeyConfig* FindTsigKey(const dns::Name& name) const;
};

// Why a configuration could not be loaded: "<file>:<line>: <reason>".
struct ConfigError {
  std::string file;
  size_t line = 0;
  std::string reason;
  std::string ToString() const { return file + ":" + std::to_string(line) + ": " + reason; }
};

// Reads a YAML configuration file; missing keys keep their defaults.
Result<Config, ConfigError> LoadConfigFile(const std::string& path);
// The same for text in memory; `display_name` is used in errors.
Result<Config, ConfigError> LoadConfigText(std::string_view text, const std::string& display_name);

}  // namespace redoubt::resolver
