// The client-facing side: turns a stub's query into the reply it gets (RFC 1034 section 4.3.2,
// RFC 6891, RFC 8914). Malformed queries get FORMERR (or nothing when even the header is
// unreadable), responses are never answered, other opcodes get NOTIMP, clients outside the
// access list and queries without RD get REFUSED (security.md section 5), and everything else
// goes to the pipeline with a RequestContext carrying the client's DO and CD bits and EDNS
// size. Replies set RA, echo RD and CD, never set AA, answer EDNS with redoubt's buffer size and
// the client's DO bit (RFC 3225), carry an Extended DNS Error on failure, hold DNSSEC records
// only for DO=1 clients (client_answer.h, RFC 4035 section 3.2.1), and are truncated (TC) to
// what the client can take over UDP. QTYPE=ANY over UDP gets the synthesised HINFO of RFC 8482
// section 4.2 (over TCP it is resolved and answered with what the authorities give);
// QTYPE=RRSIG is resolved and answered with the signatures as data, never validated. A query with a CHECKSUM option gets it back with its nonce and
// a SHA-256 digest over the whole reply; a query with several gets FORMERR (specs/checksum.md
// section 7, -02 text). An upstream's options are never carried onward: replies are built
// from the resolution's records.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <stop_token>
#include <string>
#include <vector>

#include "net/base/counter.h"
#include "net/base/task.h"
#include "net/io/listener.h"
#include "resolver/config/config.h"
#include "resolver/metrics/latency_histogram.h"
#include "resolver/pipeline/pipeline.h"
#include "resolver/server/packet_cache.h"

namespace redoubt::resolver {

struct ResponderStats {
  Counter queries;
  Counter udp_queries;       // Of `queries`, by the transport they came over.
  Counter tcp_queries;
  Counter dropped;           // Unreadable, or a response rather than a query.
  Counter formerr;
  Counter refused;
  Counter notimp;
  Counter noerror;
  Counter nxdomain;
  Counter servfail;
  Counter truncated;
  Counter checksum_replies;  // Replies sealed with a CHECKSUM digest.
  Counter any_synthesised;   // QTYPE=ANY over UDP answered with RFC 8482 HINFO.
  Counter notifies;          // NOTIFY messages handed to ResponderOptions::on_notify.
  PacketCacheStats packet_cache;  // The packet cache's lookups (packet_cache.h).
  // From Answer() being called with the query to the reply being handed back to the listener,
  // for every query answered with an rcode (resolved or refused; not dropped ones, FORMERR
  // or NOTIFY).
  LatencyHistogram duration;
};

// Answers a NOTIFY (RFC 1996) from `source`: the reply to send, empty for none.
using NotifyHandler =
    std::function<std::vector<uint8_t>(std::span<const uint8_t> request, const IpAddress& source)>;

struct ResponderOptions {
  std::vector<Prefix> allow;         // Who may recurse.
  uint16_t edns_buffer_size = 1232;  // Offered to clients; also the largest UDP reply.
  uint16_t checksum_option_code = 65434;
  // Unbound's minimal-responses. With `true` replies hold only the answer and the records that
  // prove it; with `false` a positive answer also carries the answering zone's NS RRset in the
  // authority section when its server sent one (not for answers from the cache).
  bool minimal_responses = true;
  // RFC 8509: answer root-key-sentinel-is-ta/not-ta queries (resolver/query/root_key_sentinel.h)
  // against the key tags of the root's trust anchors. Off when not validating.
  bool root_key_sentinel = false;
  std::vector<uint16_t> root_anchor_key_tags;
  // One line per client query (client, question, rcode, upstream queries, time) to `log`.
  bool log_queries = false;
  std::function<void(const std::string&)> log;
  // NOTIFY (opcode 4) goes here before any other check (mirrored zones: resolver/mirror/notify.h
  // decides, from the zone's primaries and key, not from `allow`); unset, it gets NOTIMP like
  // any opcode but QUERY.
  NotifyHandler on_notify;
  // The packet cache (packet_cache.h): its size in bytes, and the answer cache's generation
  // (cache::LmdbCache::generation), which every flush bumps. Off when either is 0 or unset, and
  // with `log_queries` (every query is then resolved through the pipeline and logged).
  size_t packet_cache_bytes = 0;
  std::function<uint64_t()> cache_generation;
};

class Responder {
 public:
  // `stop` is passed to every resolution (the worker's shutdown signal).
  Responder(Pipeline& pipeline, ResponderOptions options, ResponderStats* stats,
            std::stop_token stop = {});
  // The reply to `query` from the client in `context`; empty means send nothing.
  Task<std::vector<uint8_t>> Answer(std::vector<uint8_t> query, io::QueryContext context);
  // The cache-hit path without a coroutine (a listener's io::FastQueryHandler): when `query` is
  // a plain query (ParseCacheableQuery) from an allowed client and the packet cache holds its
  // reply, writes it into `out` (reused), counts it as Answer() would, and returns true.
  // Otherwise returns false having counted nothing: the caller then calls Answer() with
  // context.fast_declined set, so the packet cache is not asked twice.
  bool AnswerFromCache(std::span<const uint8_t> query, const io::QueryContext& context, std::vector<uint8_t>& out);

  struct ParsedQuery;  // A query as read (internal).

 private:
  uint16_t Refusal(const ParsedQuery& query, const io::QueryContext& context) const;
  // RFC 8509 section 3.2: a secure answer to a sentinel name becomes SERVFAIL when the key tag
  // does (not-ta) or does not (is-ta) belong to a root trust anchor.
  void ApplyRootKeySentinel(const dns::Question& question, Resolution& resolution) const;
  void LogQuery(const io::QueryContext& context, const dns::Question& question,
                const Resolution& resolution, MonoTime started) const;
  // Records the time since `started` in stats_->duration.
  void ObserveDuration(MonoTime started) const;

  // Counts a reply from the packet cache (rcode, duration) as Answer() counts its replies.
  void CountCachedReply(std::span<const uint8_t> reply, MonoTime started) const;

  Pipeline& pipeline_;
  ResponderOptions options_;
  ResponderStats* stats_;
  std::stop_token stop_;
  std::optional<PacketCache> packets_;  // Set when ResponderOptions turn it on.
};

}  // namespace redoubt::resolver
