// The rows of the settings table (settings_table.h). The help texts are docs/config.md's
// "meaning" cells word for word: edit a row here and paste the table settings_table_test prints
// into docs/config.md, or that test fails.
#include "resolver/config/settings_table.h"

#include "resolver/config/setting_values.h"

// The rows live beside their composite values' renderers (setting_values.h), whose names they
// use unqualified.
namespace redoubt::resolver::setting_values {
namespace {

constexpr SettingReload kLive = SettingReload::kLive;
constexpr SettingReload kRestart = SettingReload::kRestart;

// cache.max-size's ceiling: 16 TiB, far above any LMDB map a resolver needs, and small enough
// that no unit multiplies past 64 bits.
constexpr uint64_t kMaxCacheSize = 1ull << 44;

// Listeners, workers, root hints and trust anchors.
std::vector<SettingDefinition> ServiceAndTrustSettings() {
  return {
      {"listen", SettingType::kAddressList, "`[\"127.0.0.1:53\", \"[::1]:53\"]`",
       0, 0, {}, kRestart, "",
       "addresses to answer on, UDP and TCP",
       Show(ShowListen)},
      {"workers", SettingType::kCount, "`auto`",
       1, 256, {"auto"}, kRestart, "",
       "worker threads, `auto` = one per CPU core",
       Show(ShowWorkers)},
      {"root-hints", SettingType::kPath, "built-in IANA hints",
       0, 0, {}, kLive, "",
       "a zone file with the root's NS and addresses (the lab's `root.hints`, a private root)",
       Text(&Config::root_hints)},
      {"trust-anchors", SettingType::kPathList, "none",
       0, 0, {}, kLive, "",
       "files with DS or DNSKEY (zone key) records, TTLs optional (the lab's `root.ds`, "
         "Debian's `/usr/share/dns/root.ds`); the algorithm may be a number or its mnemonic (`8` "
         "or `RSASHA256`, `13` or `ECDSAP256SHA256`, RFC 4034 sections 2.2 and 5.3); checked at "
         "start-up, added to the root anchors of `builtin-root-anchor` (a record given twice counts once); the "
         "validator starts every chain of trust from the closest anchor ([dnssec.md](dnssec.md))",
       Texts(&Config::trust_anchors)},
      {"managed-trust-anchors", SettingType::kPathList, "none",
       0, 0, {}, kRestart, "",
       "anchor files (DS or DNSKEY records, as for `trust-anchors`) that redoubt keeps current by "
         "itself across KSK rollovers (RFC 5011: a new key is trusted once it has been published "
         "for the 30-day hold-down, a revoked key is dropped). The state is written beside each "
         "file as `PATH.state` (its directory must be writable by `user`); each zone named here "
         "takes its anchors from this file alone, replacing `builtin-root-anchor` and "
         "`trust-anchors` for that zone ([dnssec.md](dnssec.md#rfc-5011-automated-trust-anchor-rollover))",
       Texts(&Config::managed_trust_anchors)},
      {"legacy-trust-anchors", SettingType::kPathList, "none",
       0, 0, {}, kLive, "",
       "files of KEY records (zone keys holding a key: flags 256, algorithm RSAMD5 1, DSA 3, "
         "RSASHA1 5 or a modern one), the statically configured keys RFC 2065 chains of KEY and "
         "SIG start from; used only where the modern chain ends insecure at or above them "
         "([dnssec.md](dnssec.md#rfc-2065-zones-key-sig-nxt)); checked at start-up",
       Texts(&Config::legacy_trust_anchors)},
      {"builtin-root-anchor", SettingType::kBool, "`true`",
       0, 0, {}, kLive, "",
       "include the root's anchors: the DS or DNSKEY records of Debian's "
         "`/usr/share/dns/root.key` (package dns-root-data, which the distribution keeps current "
         "across root KSK rolls) when that file is there and holds root anchors only, else the "
         "compiled-in ones (the DS of KSK-2017 and KSK-2024, RFC 7958); a damaged file is passed "
         "over with a warning, never a failed start. The start-up log names the source. `false` "
         "leaves only the anchors of `trust-anchors`, and with no files there are none (allowed: "
         "then no answer can be proved secure)",
       Flag(&Config::builtin_root_anchor)},
      {"validation", SettingType::kBool, "`true`",
       0, 0, {}, kLive, "",
       "DNSSEC validation (RFC 4035 section 5, [dnssec.md](dnssec.md)): AD on secure answers "
         "for clients that set DO or AD, SERVFAIL with an Extended DNS Error for bogus ones. "
         "`false` leaves every answer unvalidated: no AD, bogus data served",
       Flag(&Config::validation)},
      {"negative-trust-anchors", SettingType::kNameList, "none",
       0, 0, {}, kLive, "",
       "list of zone names (RFC 7646) below which nothing is validated: answers there are "
         "insecure (no AD), even when their signatures are broken. For a zone whose operator "
         "broke DNSSEC, until they fix it",
       Show(ShowNegativeTrustAnchors)},
  };
}

// DNSSEC validation (continued) and how upstream servers are reached.
std::vector<SettingDefinition> ValidationAndUpstreamSettings() {
  return {
      {"aggressive-nsec", SettingType::kBool, "`true`",
       0, 0, {}, kLive, "",
       "aggressive use of the DNSSEC-validated cache (RFC 8198): a question whose name or type "
         "is denied by NSEC or NSEC3 records already in the cache (kept from earlier validated "
         "NXDOMAIN and NODATA answers) is answered NXDOMAIN or NODATA at once, with no upstream "
         "query, as secure (AD), with the SOA and proof records (with their RRSIGs) for DO=1 "
         "clients; EDE 29 \"Synthesized\" says so. Only records of a zone the validator currently "
         "knows to be secure, judged secure when stored and still within their TTL, are used; the "
         "answer's TTL is the least of what remains of theirs (at most the SOA TTL, the SOA "
         "MINIMUM and the NSEC TTL, RFC 9077). Never from an NSEC3 opt-out span (that proves only "
         "an insecure answer), never for a client that set CD (it is resolved as usual), never "
         "with `validation: false` or without the cache (`cache.enabled: false`). `false` asks "
         "the servers every time",
       Flag(&Config::aggressive_nsec)},
      {"bogus-ttl", SettingType::kSeconds, "`60`",
       0, 300, {}, kLive, "",
       "seconds a bogus answer is remembered: the same question within that time "
         "gets the same SERVFAIL and EDE without any upstream query (Unbound `val-bogus-ttl`, RFC "
         "9520)",
       Num<&Config::bogus_ttl>()},
      {"allow-loopback-upstreams", SettingType::kBool, "`false`",
       0, 0, {}, kLive, "",
       "query servers on 127.0.0.0/8 and ::1; only for labs and tests",
       Flag(&Config::allow_loopback_upstreams)},
      {"do-ip4", SettingType::kBool, "`true`",
       0, 0, {}, kLive, "",
       "send queries to authorities (and forwarders) over IPv4",
       Flag(&Config::do_ip4)},
      {"do-ip6", SettingType::kBool, "`true`",
       0, 0, {}, kLive, "",
       "send queries to authorities (and forwarders) over IPv6; `do-ip4` and `do-ip6` both "
         "`false` is an error",
       Flag(&Config::do_ip6)},
      {"outgoing-interface", SettingType::kAddressList, "none: the kernel chooses",
       0, 0, {}, kLive, "",
       "list of IP addresses (no port, such as `[192.0.2.7, \"2001:db8::53\"]`) to send "
         "upstream queries from; anything else is an error",
       Show(ShowOutgoingInterfaces)},
      {"access-control.allow", SettingType::kPrefixList, "`[127.0.0.0/8, \"::1/128\"]`",
       0, 0, {}, kLive, "",
       "client prefixes that may recurse; everyone else gets REFUSED",
       Show(ShowAccessAllow)},
  };
}

// The LMDB answer cache (cache/).
std::vector<SettingDefinition> CacheSettings() {
  return {
      {"cache.enabled", SettingType::kBool, "`true`",
       0, 0, {}, kRestart, "",
       "keep answers in the LMDB cache (shared by the workers, kept across restarts)",
       Flag(&Config::cache_enabled)},
      {"cache.directory", SettingType::kPath, "`/var/cache/redoubt`",
       0, 0, {}, kRestart, "",
       "where the LMDB cache lives (`data.mdb`, `lock.mdb`; a damaged or foreign `data.mdb` is "
         "renamed `data.mdb.bad-<time>` and a new one started)",
       Text(&Config::cache_directory)},
      {"cache.max-size", SettingType::kSize, "`512M`",
       1, kMaxCacheSize, {}, kRestart, "",
       "the LMDB map size: the cache never grows past it; from 75% full down to 60% the runs of "
         "entries that expire first are evicted (a sweep in key order; `data.mdb` is a sparse file of this size)",
       Num<&Config::cache_max_size>()},
      {"cache.packet-cache-size", SettingType::kSize, "`4M`",
       0, 1ull << 30, {}, kLive, "",
       "each worker's packet cache: the replies it built for plain queries from the answer cache "
         "(a name's second query: admission on second use), answered again as "
         "bytes (TTLs counted down) without reading LMDB, until their smallest TTL runs out or a "
         "flush; the least recently used go first. `0` is off; off too without `cache.enabled` "
         "and with `log-queries`",
       Num<&Config::packet_cache_size>()},
      {"cache.min-ttl", SettingType::kSeconds, "`0`",
       0, 86400, {}, kLive, "",
       "raise shorter TTLs of positive answers to this, never past a signature's expiry; with "
         "`0` an answer whose TTL is 0 is used once and not kept. Negative answers without an SOA "
         "have no TTL source and are never kept (RFC 2308 section 5)",
       Num<&Config::cache_min_ttl>()},
      {"cache.max-ttl", SettingType::kSeconds, "`86400`",
       1, 604800, {}, kLive, "",
       "cap on every TTL served from the cache (at least 1: `cache.enabled: false` keeps nothing)",
       Num<&Config::cache_max_ttl>()},
      {"cache.max-negative-ttl", SettingType::kSeconds, "`3600`",
       0, 86400, {}, kLive, "",
       "cap on NXDOMAIN and NODATA answers (RFC 2308 section 5)",
       Num<&Config::cache_max_negative_ttl>()},
      {"cache.serve-stale", SettingType::kSeconds, "`0`",
       0, 604800, {}, kLive, "",
       "RFC 8767: seconds an expired answer is kept to be served (TTL 30, EDE 3 \"Stale "
         "Answer\") when every upstream fails; 0 is off",
       Num<&Config::serve_stale>()},
  };
}

// Forwarded and mirrored zones, and the TSIG keys that sign their traffic.
std::vector<SettingDefinition> ZoneSettings() {
  return {
      {"forward-zones", SettingType::kMappingList, "none",
       0, 0, {}, kLive, "",
       "list of `{name: ZONE, servers: [ADDRESS, ...]}` or `{name: ZONE, servers: [...], "
         "tsig-key: KEY}`: zones sent to those servers instead of iterated; a name may appear once",
       Show(ShowForwardZones)},
      {"forward-zones.tsig-key", SettingType::kName, "none",
       0, 0, {}, kLive, "",
       "the name of a `tsig-keys` key the zone's servers require (compared as a DNS name: `fwd` "
         "and `FWD.` are one key); a name `tsig-keys` does not define is an error, wherever in "
         "the file `tsig-keys` stands. Every query to the zone's servers is signed with it, and "
         "only replies whose TSIG verifies are taken ([tsig.md](tsig.md))",
       Show(ShowForwardZoneKeys)},
      {"forward-zones.gss-tsig", SettingType::kMapping, "none",
       0, 0, {}, kLive, "",
       "GSS-TSIG instead of a key (RFC 3645, RFC 5178): `{client-keytab or credential-cache, "
         "client-principal, realm, mechanism: spnego\\|kerberos, servers: [{host, address}], "
         "discover: {from: [ADDRESS], srv: NAME}, host-based: [HOST], key-lifetime: 60..86400}`. "
         "A context is negotiated with each server by TKEY and signs every query; a server must "
         "prove the domain-based principal `DNS/host/zone@REALM`, or be listed (under `servers` "
         "or `host-based`) to be taken with `DNS/host@REALM`. Exclusive with `tsig-key`; "
         "`servers` may then be omitted. Host and zone names may be UTF-8 (kept as A-labels) "
         "([gss-tsig.md](gss-tsig.md))",
       Show(ShowForwardZoneGss)},
      {"mirror-zones", SettingType::kMappingList, "none",
       0, 0, {}, kRestart, "",
       "list of `{name: ZONE, primaries: [ADDRESS, ...]}` or `{..., tsig-key: KEY}`: zones kept "
         "as a whole local copy by zone transfer (AXFR, then IXFR on the SOA timers) from the "
         "primaries in order, answered from the copy, and kept in `<cache directory>/mirrors` "
         "across restarts; `tsig-key` (a `tsig-keys` name) signs every transfer and requires "
         "every message to verify; NOTIFY is taken from the primaries only, signed with that key "
         "when there is one ([mirror.md](mirror.md))",
       Show(ShowMirrorZones, SameMirrorZones)},
      {"tsig-keys", SettingType::kMappingList, "none",
       0, 0, {}, kRestart, "a key mirror-zones uses",
       "list of TSIG keys (RFC 8945), each `{name: NAME, algorithm: ALG, secret: BASE64}`, "
         "`{name: NAME, algorithm: ALG, secret-file: PATH}` or `{key-file: PATH}` (a BIND key "
         "file, as `tsig-keygen` writes it; it may hold several keys). Loaded and checked at "
         "start-up; used by the forward zones that name them ([TSIG keys](#tsig-keys-tsig-keys), "
         "[tsig.md](tsig.md))",
       Show(ShowTsigKeys, SameMirrorKeys)},
  };
}

// What goes on the wire, and the log.
std::vector<SettingDefinition> ProtocolAndLoggingSettings() {
  return {
      {"qname-minimisation", SettingType::kWord, "`relaxed`",
       0, 0, {"off", "relaxed", "strict"}, kLive, "",
       "`off`, `relaxed` (fall back to the full name on NXDOMAIN or odd replies) or `strict` "
         "(RFC 9156, RFC 8020)",
       Choice<&Config::qname_minimisation>()},
      {"edns-buffer-size", SettingType::kOctets, "`1232`",
       512, 4096, {}, kLive, "",
       "EDNS UDP size advertised and largest UDP reply",
       Num<&Config::edns_buffer_size>()},
      {"minimal-responses", SettingType::kBool, "`true`",
       0, 0, {}, kLive, "",
       "leave out authority and additional records a reply does not need (negative answers keep "
         "their SOA, and DO=1 clients the NSEC/NSEC3 proofs); `true` matches Unbound's current "
         "default (`minimal-responses: yes`). `false` is accepted but changes nothing yet: adding "
         "the zone's NS set and glue is planned",
       Flag(&Config::minimal_responses)},
      {"root-key-sentinel", SettingType::kBool, "`true`",
       0, 0, {}, kLive, "",
       "answer RFC 8509 root key sentinel queries: an A/AAAA query for "
         "`root-key-sentinel-is-ta-NNNNN.…` whose answer validates as secure gets SERVFAIL unless "
         "NNNNN (five digits) is the key tag of a root trust anchor, and "
         "`root-key-sentinel-not-ta-NNNNN.…` gets SERVFAIL when it is; lets measurement sites see "
         "which root KSK users' resolvers trust. Unbound and BIND have it on by default. Ignored "
         "with `validation: false` ([dnssec.md](dnssec.md))",
       Flag(&Config::root_key_sentinel)},
      {"trust-anchor-signaling", SettingType::kBool, "`true`",
       0, 0, {}, kLive, "",
       "RFC 8145 key tag queries: each DNSKEY query for a zone that has trust anchors (the root) "
         "goes out together with the query `_ta-XXXX[-YYYY…].<zone>` type NULL to the same server, "
         "naming the anchors' key tags (four hex digits each, ascending), so that the zone's "
         "operators can see which keys resolvers trust during a rollover; its answer is ignored, "
         "and waited for at most 0.5 s. Sent over plain UDP only (not to TSIG or GSS-TSIG "
         "forwarders). Unbound (`trust-anchor-signaling`), BIND (`trust-anchor-telemetry`) and "
         "Knot Resolver send it by default. Ignored with `validation: false`. Counted by "
         "`redoubt_key_tag_queries_total` ([dnssec.md](dnssec.md))",
       Flag(&Config::trust_anchor_signaling)},
      {"checksum", SettingType::kBool, "`true`",
       0, 0, {}, kLive, "",
       "send a CHECKSUM option with a fresh nonce on every upstream EDNS query over UDP and "
         "apply the checks of [fragment-defence.md](fragment-defence.md) (reassembled replies are "
         "checked either way)",
       Flag(&Config::checksum)},
      {"checksum-option-code", SettingType::kNumber, "`65434`",
       1, 65535, {}, kLive, "",
       "EDNS option code of CHECKSUM (draft-muks-dnsop-dns-message-checksums), also the code "
         "recognised in clients' queries",
       Num<&Config::checksum_option_code>()},
      {"log-level", SettingType::kWord, "`info`",
       0, 0, {"error", "warning", "info", "debug"}, kLive, "",
       "`error`, `warning`, `info` or `debug`: each level logs what the ones before it do and "
         "more",
       Choice<&Config::log_level>()},
      {"log-queries", SettingType::kBool, "`false`",
       0, 0, {}, kLive, "",
       "one log line per client query: the client, the question, the rcode, the upstream "
         "queries it caused and the time it took",
       Flag(&Config::log_queries)},
      {"log-format", SettingType::kWord, "`text`",
       0, 0, {"text", "json"}, kLive, "",
       "`text`: lines `redoubt: MESSAGE` on standard error; `json`: one JSON object per line, "
         "`{\"ts\":\"2026-12-02T20:01:40.123Z\",\"level\":\"info\",\"msg\":\"...\"}` (`ts` RFC "
         "3339 in UTC with milliseconds; `level` `error`, `warning`, `info` or `debug`; `msg` "
         "with quotes, backslashes and control bytes escaped and bytes that are not UTF-8 "
         "replaced by U+FFFD). Lines written before the file is read (a configuration error) are "
         "text ([operations.md](operations.md#running-as-a-service))",
       Choice<&Config::log_format>()},
  };
}

// The process: its account, its metrics endpoint, its control channel.
std::vector<SettingDefinition> ProcessSettings() {
  return {
      {"user", SettingType::kWord, "none: no switch",
       0, 0, {}, kRestart, "",
       "the account redoubt switches to when started as root, once the listeners, the metrics "
         "endpoint and the cache are open: supplementary groups, then real, effective and saved "
         "group and user IDs, then a check that root cannot be taken back (setuid(0) must fail). "
         "The cache (and `mirrors/`) is opened with that user's IDs, so its files belong to it; a "
         "`cache.directory` or cache file the user cannot write, or an unknown user, stops the "
         "start with exit status 1 and a message naming them (redoubt never changes ownership "
         "itself). Not root: nothing to switch (a note, or a warning when running as another "
         "user). Root without `user`: one warning. Under systemd leave it out and let `User=` do "
         "it ([operations.md](operations.md#running-as-a-service))",
       Text(&Config::user)},
      {"metrics.listen", SettingType::kAddress, "none: off",
       0, 0, {}, kRestart, "",
       "`ADDRESS:PORT` (the port written out, such as `127.0.0.1:9153` or `\"[::1]:9153\"`) "
         "where an HTTP listener serves Prometheus metrics on `/metrics`, liveness on `/health` "
         "and readiness on `/ready` ([metrics.md](metrics.md)); plain HTTP without "
         "authentication, so keep it on loopback or a management network",
       Show(ShowMetricsListen)},
      {"control.socket", SettingType::kPath, "`/run/redoubt/control.sock`",
       0, 0, {}, kRestart, "",
       "absolute path of the Unix socket on which `redoubt-control` talks to the daemon (mode "
         "0660, owned by the account redoubt runs as); `\"\"` turns the channel off. The "
         "default's directory is created when missing, and when the default cannot be used the "
         "daemon starts without the channel and warns; a path set here must work "
         "([control.md](control.md))",
       Text(&Config::control_socket)},
  };
}

// limits: the work one client query may cause (QueryLimits, ValidationLimits).
std::vector<SettingDefinition> LimitSettings() {
  return {
      {"limits.upstream-queries", SettingType::kCount, "`200`",
       1, 10000, {}, kLive, "",
       "queries sent for one client query, all restarts included",
       Num<&Config::limits, &QueryLimits::upstream_queries>()},
      {"limits.queries-per-name", SettingType::kCount, "`50`",
       1, 10000, {}, kLive, "",
       "queries for one name (counted again after each CNAME/DNAME hop)",
       Num<&Config::limits, &QueryLimits::queries_per_name>()},
      {"limits.cname-hops", SettingType::kCount, "`11`",
       0, 100, {}, kLive, "",
       "CNAME/DNAME restarts",
       Num<&Config::limits, &QueryLimits::cname_hops>()},
      {"limits.dependency-depth", SettingType::kCount, "`7`",
       1, 100, {}, kLive, "",
       "nested sub-resolutions (NS addresses, DS, DNSKEY)",
       Num<&Config::limits, &QueryLimits::dependency_depth>()},
      {"limits.referrals", SettingType::kCount, "`130`",
       1, 10000, {}, kLive, "",
       "referrals followed",
       Num<&Config::limits, &QueryLimits::referrals>()},
      {"limits.ns-per-delegation", SettingType::kCount, "`13`",
       1, 100, {}, kLive, "",
       "NS names considered at one zone cut",
       Num<&Config::limits, &QueryLimits::ns_per_delegation>()},
      {"limits.ns-address-lookups", SettingType::kCount, "`10`",
       0, 100, {}, kLive, "",
       "sub-queries for NS addresses (and no more after 5 have failed)",
       Num<&Config::limits, &QueryLimits::ns_address_lookups>()},
      {"limits.deadline-ms", SettingType::kMilliseconds, "`10000`",
       100, 600000, {}, kLive, "",
       "the whole client query",
       Num<&Config::limits, &QueryLimits::deadline_ms>()},
      {"limits.signature-checks", SettingType::kCount, "`32`",
       1, 10000, {}, kLive, "",
       "DNSSEC signature verifications for one client query and all its sub-queries (KeyTrap, "
         "CVE-2023-50387; Knot 32, PowerDNS 30); then SERVFAIL with EDE 6 and no retry elsewhere",
       Num<&Config::validation_limits, &ValidationLimits::signature_checks>()},
      {"limits.signatures-per-rrset", SettingType::kCount, "`8`",
       1, 1000, {}, kLive, "",
       "verifications for one RRset (Unbound 8); more signatures than that is bogus",
       Num<&Config::validation_limits, &ValidationLimits::signatures_per_rrset>()},
      {"limits.key-tag-collisions", SettingType::kCount, "`4`",
       1, 100, {}, kLive, "",
       "DNSKEYs tried for one RRSIG key tag, and per DS",
       Num<&Config::validation_limits, &ValidationLimits::key_tag_collisions>()},
      {"limits.nsec3-hashes", SettingType::kCount, "`150`",
       1, 100000, {}, kLive, "",
       "NSEC3 hash computations for one client query (CVE-2023-50868)",
       Num<&Config::validation_limits, &ValidationLimits::nsec3_hashes>()},
      {"limits.nsec3-iterations", SettingType::kCount, "`50`",
       0, 2500, {}, kLive, "",
       "NSEC3 proofs with more iterations are not checked: the answer is insecure with EDE 27 "
         "(RFC 9276 section 3.2)",
       Num<&Config::validation_limits, &ValidationLimits::nsec3_iterations>()},
  };
}

std::vector<SettingDefinition> BuildTable() {
  std::vector<SettingDefinition> table;
  for (auto part : {ServiceAndTrustSettings, ValidationAndUpstreamSettings, CacheSettings, ZoneSettings,
                    ProtocolAndLoggingSettings, ProcessSettings, LimitSettings}) {
    for (SettingDefinition& setting : part()) table.push_back(std::move(setting));
  }
  return table;
}

}  // namespace
}  // namespace redoubt::resolver::setting_values

namespace redoubt::resolver {

const std::vector<SettingDefinition>& SettingsTable() {
  static const std::vector<SettingDefinition> table = setting_values::BuildTable();
  return table;
}

const SettingDefinition* FindSetting(std::string_view name) {
  for (const SettingDefinition& setting : SettingsTable()) {
    if (setting.name == name) return &setting;
  }
  return nullptr;
}

}  // namespace redoubt::resolver
