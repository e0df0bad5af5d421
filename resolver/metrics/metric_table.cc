#include "resolver/metrics/metric_table.h"

#include <algorithm>

#include "net/dns/types.h"
#include "resolver/metrics/metric_readers.h"

namespace redoubt::resolver {
namespace {

using metric_readers::Read;
using W = WorkerCounters;

std::string RcodeLabel(dns::Rcode rcode) { return dns::RcodeToText(rcode); }

std::vector<MetricDefinition> ClientMetrics() {
  constexpr auto R = &W::responder;
  using S = ResponderStats;
  return {
      {"redoubt_build_info", MetricKind::kInfo, "The daemon's version; always 1.", "version", {}},
      {"redoubt_start_time_seconds", MetricKind::kGauge,
       "Unix time the daemon started, in seconds.", "", {{"", nullptr, metric_readers::StartTime}}},
      {"redoubt_reloads_total", MetricKind::kCounter,
       "Reloads asked for (redoubt-control reload, SIGHUP): applied, refused (a changed setting "
       "needs a restart) or failed (no configuration file, or an error in it).", "result",
       {{"ok", nullptr, metric_readers::ReloadCounter<&ReloadStats::ok>},
        {"refused", nullptr, metric_readers::ReloadCounter<&ReloadStats::refused>},
        {"failed", nullptr, metric_readers::ReloadCounter<&ReloadStats::failed>}}},
      {"redoubt_trust_anchor_refreshes_total", MetricKind::kCounter,
       "RFC 5011 refreshes of the managed-trust-anchors zones' DNSKEY RRsets: validated (signed by "
       "a trusted key), refused (no trusted key signed it, or a replay) or failed (no RRset came).",
       "result",
       {{"validated", nullptr, metric_readers::AnchorRefreshCounter<&AnchorRefreshStats::validated>},
        {"refused", nullptr, metric_readers::AnchorRefreshCounter<&AnchorRefreshStats::refused>},
        {"failed", nullptr, metric_readers::AnchorRefreshCounter<&AnchorRefreshStats::failed>}}},
      {"redoubt_trust_anchor_swaps_total", MetricKind::kCounter,
       "Times RFC 5011 maintenance changed the trusted keys of a managed zone (a key became "
       "trusted or was revoked) and swapped the new anchors in.", "",
       {{"", nullptr, metric_readers::AnchorRefreshCounter<&AnchorRefreshStats::swaps>}}},
      {"redoubt_queries_total", MetricKind::kCounter,
       "Client queries received, readable or not, by the transport they came over.", "transport",
       {{"udp", Read<R, &S::udp_queries>}, {"tcp", Read<R, &S::tcp_queries>}}},
      {"redoubt_responses_total", MetricKind::kCounter,
       "Client queries answered, by the reply's rcode (SERVFAIL includes every other failure of "
       "resolution; FORMERR includes BADVERS).", "rcode",
       {{RcodeLabel(dns::Rcode::NOERROR), Read<R, &S::noerror>},
        {RcodeLabel(dns::Rcode::NXDOMAIN), Read<R, &S::nxdomain>},
        {RcodeLabel(dns::Rcode::SERVFAIL), Read<R, &S::servfail>},
        {RcodeLabel(dns::Rcode::REFUSED), Read<R, &S::refused>},
        {RcodeLabel(dns::Rcode::FORMERR), Read<R, &S::formerr>},
        {RcodeLabel(dns::Rcode::NOTIMP), Read<R, &S::notimp>}}},
      {"redoubt_response_duration_seconds", MetricKind::kHistogram,
       "Time from a client query's arrival to its reply, for queries answered with an rcode.", "",
       {}, metric_readers::ResponseDuration},
      {"redoubt_queries_dropped_total", MetricKind::kCounter,
       "Client messages dropped unanswered: unreadable, or a response rather than a query.", "",
       {{"", Read<R, &S::dropped>}}},
      {"redoubt_responses_truncated_total", MetricKind::kCounter,
       "Replies sent with TC set (too large for the client's UDP size).", "",
       {{"", Read<R, &S::truncated>}}},
      {"redoubt_checksum_sealed_replies_total", MetricKind::kCounter,
       "Client replies sealed with a CHECKSUM digest at the client's request.", "",
       {{"", Read<R, &S::checksum_replies>}}},
      {"redoubt_any_synthesised_total", MetricKind::kCounter,
       "QTYPE=ANY queries over UDP answered with the RFC 8482 HINFO record.", "",
       {{"", Read<R, &S::any_synthesised>}}},
      {"redoubt_notifies_total", MetricKind::kCounter,
       "NOTIFY messages received for mirrored zones.", "", {{"", Read<R, &S::notifies>}}},
  };
}

std::vector<MetricDefinition> ListenerMetrics() {
  constexpr auto L = &W::listener;
  using S = io::ListenerStats;
  return {
      {"redoubt_udp_send_failures_total", MetricKind::kCounter,
       "UDP replies the kernel would not take.", "", {{"", Read<L, &S::send_failures>}}},
      {"redoubt_tcp_connections_total", MetricKind::kCounter,
       "Client TCP connections accepted, by what became of them at once (refused: too many "
       "clients).", "result",
       {{"accepted", Read<L, &S::tcp_connections>}, {"refused", Read<L, &S::tcp_refused>}}},
      {"redoubt_tcp_bad_frames_total", MetricKind::kCounter,
       "Client TCP connections closed for a malformed length-prefixed frame.", "",
       {{"", Read<L, &S::tcp_bad_frames>}}},
  };
}

std::vector<MetricDefinition> UpstreamMetrics() {
  constexpr auto U = &W::upstream;
  using S = UpstreamStats;
  return {
      {"redoubt_upstream_queries_total", MetricKind::kCounter,
       "Queries sent to authoritative servers and forwarders, by transport (each retry counts).",
       "transport", {{"udp", Read<U, &S::udp_queries>}, {"tcp", Read<U, &S::tcp_queries>}}},
      {"redoubt_upstream_rtt_seconds", MetricKind::kHistogram,
       "Round trip of upstream exchanges that got a reply (TCP: including a new connection's "
       "set-up).", "", {}, metric_readers::UpstreamRtt},
      {"redoubt_upstream_timeouts_total", MetricKind::kCounter,
       "Upstream exchanges that got no reply in time.", "", {{"", Read<U, &S::timeouts>}}},
      {"redoubt_upstream_network_errors_total", MetricKind::kCounter,
       "Upstream exchanges that failed at the socket (unreachable, refused, reset).", "",
       {{"", Read<U, &S::network_errors>}}},
      {"redoubt_upstream_mismatched_total", MetricKind::kCounter,
       "Upstream replies refused as not ours (ID, question, 0x20 case) or malformed.", "",
       {{"", Read<U, &S::mismatched>}}},
      {"redoubt_upstream_truncated_total", MetricKind::kCounter,
       "Upstream UDP replies with TC set, asked again over TCP.", "",
       {{"", Read<U, &S::truncated>}}},
      {"redoubt_upstream_tcp_retries_total", MetricKind::kCounter,
       "Upstream UDP exchanges finished over TCP, for any reason (TC, mismatch, CHECKSUM).", "",
       {{"", Read<U, &S::tcp_retries>}}},
      {"redoubt_upstream_fallbacks_total", MetricKind::kCounter,
       "Servers found not to echo 0x20 case (case) or to refuse EDNS (edns), asked plainly since.",
       "kind", {{"case", Read<U, &S::case_fallbacks>}, {"edns", Read<U, &S::edns_fallbacks>}}},
      {"redoubt_key_tag_queries_total", MetricKind::kCounter,
       "RFC 8145 key tag queries sent beside DNSKEY queries for trust-anchor zones.", "",
       {{"", Read<U, &S::key_tag_signals>}}},
      {"redoubt_checksum_total", MetricKind::kCounter,
       "Upstream UDP replies checked against the CHECKSUM option, by outcome (all but verified "
       "are dropped).", "result",
       {{"verified", Read<U, &S::checksum_verified>},
        {"digest_mismatch", Read<U, &S::checksum_digest_mismatch>},
        {"nonce_mismatch", Read<U, &S::checksum_nonce_mismatch>},
        {"downgrade", Read<U, &S::checksum_downgrades>}}},
      {"redoubt_fragmented_replies_total", MetricKind::kCounter,
       "Upstream UDP replies the kernel reassembled from IP fragments.", "",
       {{"", Read<U, &S::fragmented>}}},
      {"redoubt_fragmented_unverified_total", MetricKind::kCounter,
       "Reassembled upstream replies without a verified digest, by what was done with them.",
       "outcome", {{"dropped", Read<U, &S::fragmented_dropped>},
                   {"left_to_dnssec", Read<U, &S::fragmented_to_validate>}}},
  };
}

std::vector<MetricDefinition> TsigMetrics() {
  constexpr auto U = &W::upstream;
  constexpr auto G = &UpstreamStats::gss;
  using S = UpstreamStats;
  using Gss = GssStats;
  return {
      {"redoubt_tsig_signed_queries_total", MetricKind::kCounter,
       "Queries to keyed forwarders sent signed with TSIG (each retry counts).", "",
       {{"", Read<U, &S::tsig_signed>}}},
      {"redoubt_tsig_replies_total", MetricKind::kCounter,
       "TSIG-checked upstream replies, by verdict (all but verified are dropped).", "result",
       {{"verified", Read<U, &S::tsig_verified>}, {"unsigned", Read<U, &S::tsig_unsigned>},
        {"bad_mac", Read<U, &S::tsig_bad_mac>}, {"bad_key", Read<U, &S::tsig_bad_key>},
        {"bad_time", Read<U, &S::tsig_bad_time>}, {"malformed", Read<U, &S::tsig_malformed>},
        {"server_error", Read<U, &S::tsig_server_errors>}}},
      {"redoubt_tsig_badtrunc_retries_total", MetricKind::kCounter,
       "Signed queries asked again with the full MAC after BADTRUNC.", "",
       {{"", Read<U, &S::tsig_badtrunc_retries>}}},
      {"redoubt_gss_tsig_contexts_total", MetricKind::kCounter,
       "GSS-TSIG security contexts established, renewed, and deleted at their server.", "event",
       {{"established", Read<U, G, &Gss::negotiations>},
        {"renewed", Read<U, G, &Gss::renegotiations>},
        {"deleted", Read<U, G, &Gss::deletions>}}},
      {"redoubt_gss_tsig_host_based_total", MetricKind::kCounter,
       "GSS-TSIG contexts established with an allow-listed host-based principal.", "",
       {{"", Read<U, G, &Gss::host_based>}}},
      {"redoubt_gss_tsig_refused_total", MetricKind::kCounter,
       "GSS-TSIG negotiations refused: the server's principal not allowed (unauthorised) or the "
       "negotiation failed (failed).", "reason",
       {{"unauthorised", Read<U, G, &Gss::unauthorised>},
        {"failed", Read<U, G, &Gss::negotiation_failures>}}},
  };
}

}  // namespace

std::string_view MetricKindName(MetricKind kind) {
  switch (kind) {
    case MetricKind::kCounter: return "counter";
    case MetricKind::kGauge: return "gauge";
    case MetricKind::kHistogram: return "histogram";
    case MetricKind::kInfo: return "info";
  }
  return "untyped";
}

std::string_view BuildVersion() { return REDOUBT_VERSION; }

namespace {

// A table cell: '|' escaped so that it does not end the cell.
std::string Cell(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '|') out += '\\';
    out += c;
  }
  return out;
}

// `label="v1|v2"` (escaped), the label's bare name when its values are not fixed (info), or
// nothing.
std::string LabelsCell(const MetricDefinition& definition) {
  if (definition.label.empty()) return "";
  if (definition.kind == MetricKind::kInfo) return "`" + std::string(definition.label) + "`";
  std::string values;
  for (const MetricSeries& series : definition.series) {
    values += (values.empty() ? "" : "|") + series.label_value;
  }
  return "`" + std::string(definition.label) + "=\"" + Cell(values) + "\"`";
}

}  // namespace

std::string MetricsMarkdownTable() {
  std::string out = "| name | type | labels | help |\n|---|---|---|---|\n";
  for (const MetricDefinition& definition : MetricTable()) {
    out += "| `" + std::string(definition.name) + "` | " +
           std::string(MetricKindName(definition.kind)) + " | " + LabelsCell(definition) +
           " | " + Cell(definition.help) + " |\n";
  }
  return out;
}

const std::vector<MetricDefinition>& MetricTable() {
  static const std::vector<MetricDefinition> table = [] {
    std::vector<MetricDefinition> all;
    for (auto part : {ClientMetrics(), ListenerMetrics(), UpstreamMetrics(), TsigMetrics(),
                      metric_readers::ResolutionMetrics()}) {
      for (auto& definition : part) all.push_back(std::move(definition));
    }
    return all;
  }();
  return table;
}

}  // namespace redoubt::resolver
