// Asking one authoritative (or forwarding) server one question, as the iterator needs it. The
// interface lets the iterator's tests use a fake network; NetworkUpstream is the real one:
// a random ID and source port from the CSPRNG for every query, 0x20 case randomisation, EDNS
// with a 1232-octet buffer, and a reply accepted only when it matches ID and question exactly
// (RFC 5452). A truncated reply, or a datagram that does not match, moves the exchange to TCP,
// on a pooled connection when one is open (RFC 7766 sections 5 and 6.2.1; security.md
// section 5: "ignore packet, retry over TCP once"). Per-server fallbacks, remembered for the
// worker's lifetime: a server whose TCP reply shows it does not preserve the question's case is
// asked without 0x20 from then on (Knot's approach), and one that answers an EDNS query with
// FORMERR is asked without EDNS (RFC 6891 section 7).
//
// Fragment defence (specs/checksum.md, security.md A5/A6): every EDNS query over UDP carries a
// CHECKSUM option with a fresh nonce; a reply is judged by JudgeUdpReply (checksum_policy.h):
// a wrong nonce or digest, a capable server's reply without the option (a downgrade), or a
// reassembled reply that cannot be verified is dropped, counted and fetched again over TCP.
// A server becomes "capable" with its first verified digest and stops being so only when a TCP
// reply (which an off-path attacker cannot forge) to a query with the option comes without it.
#pragma once

#include <uv.h>

#include <cstdint>
#include <functional>
#include <set>
#include <stop_token>
#include <vector>

#include "crypto/tsig.h"
#include "net/base/clock.h"
#include "net/base/counter.h"
#include "net/base/endpoint.h"
#include "net/base/task.h"
#include "net/dns/edns.h"
#include "net/dns/message_view.h"
#include "net/io/exchange.h"
#include "net/io/tcp_pool.h"
#include "net/io/udp_poller.h"
#include "resolver/metrics/latency_histogram.h"
#include "resolver/query/upstream.h"
#include "resolver/upstream/checksum_policy.h"
#include "resolver/upstream/gss_keys.h"
#include "resolver/upstream/key_tag_signal.h"
#include "resolver/upstream/server_flags.h"

namespace redoubt::resolver {

// Counters of the real upstream side, exported by the metrics layer.
struct UpstreamStats {
  Counter udp_queries;
  Counter tcp_queries;
  Counter truncated;       // TC replies retried over TCP.
  Counter mismatched;      // Datagrams refused (ID, question, case, malformed).
  Counter timeouts;
  Counter network_errors;
  Counter case_fallbacks;  // Servers found not to echo 0x20 case (asked plainly since).
  Counter edns_fallbacks;  // Servers answering EDNS with FORMERR (asked without since).
  // Fragment defence (specs/checksum.md, security.md A5/A6).
  Counter tcp_retries;               // UDP exchanges finished over TCP, for any reason.
  Counter checksum_verified;         // UDP replies whose nonce and digest matched.
  Counter checksum_nonce_mismatch;   // Dropped: the nonce was not ours.
  Counter checksum_digest_mismatch;  // Dropped: a forged fragment or altered reply.
  Counter checksum_downgrades;       // Dropped: a capable server's reply without the option.
  Counter fragmented;                // UDP replies the kernel reassembled from fragments.
  Counter fragmented_dropped;        // Of those, dropped for want of a verified digest.
  Counter fragmented_to_validate;    // Of those, given out unverified for DNSSEC to judge.
  // TSIG towards keyed forwarders (RFC 8945; security.md D).
  Counter tsig_signed;         // Queries sent signed (each retry counts).
  Counter tsig_verified;       // Replies whose TSIG verified.
  Counter tsig_unsigned;       // Dropped: no TSIG in the reply (D2).
  Counter tsig_bad_mac;        // Dropped: the MAC did not verify (D3, D9).
  Counter tsig_bad_key;        // Dropped: another key name or algorithm (D4).
  Counter tsig_bad_time;       // Dropped: time signed outside the fudge (D5).
  Counter tsig_malformed;      // Dropped: misplaced, too long, too short or malformed (D7, D8, D10).
  Counter tsig_server_errors;  // The server answered BADSIG, BADKEY, BADTIME or BADTRUNC (D6).
  Counter tsig_badtrunc_retries;  // Asked again with the full MAC after BADTRUNC (RFC 8945 5.2.2.1).
  GssStats gss;                   // GSS-TSIG contexts (RFC 3645, RFC 5178).
  Counter key_tag_signals;        // RFC 8145 key tag queries sent beside DNSKEY queries.
  // Per UDP or TCP exchange that got a reply the filter took (ours by ID and question; over TCP
  // including the connection's set-up when it was new): from sending to receiving.
  LatencyHistogram rtt;
};

struct NetworkUpstreamOptions {
  uint16_t edns_buffer_size = 1232;
  bool randomize_case = true;  // 0x20 (draft-vixie-dnsext-dns0x20).
  // A CHECKSUM option with a fresh 64-bit nonce on every EDNS query over UDP
  // (draft-muks-dnsop-dns-message-checksums-01; specs/checksum.md section 6).
  bool checksum = true;
  uint16_t checksum_option_code = 65434;
  // Servers known to speak CHECKSUM, shared by the workers; null: this upstream's own set.
  SharedServerFlags* checksum_capable = nullptr;
  // Local addresses to query from (config `outgoing-interface`): each query, and its TCP
  // retry, leaves from one of the server's family picked at random, which adds the source
  // address to what a forger must guess (RFC 5452 section 4.5); none of that family: the
  // kernel chooses. Each must be assigned to this host, or queries from it fail as network
  // errors. (The "= {}" keeps brace-initialisers listing the fields above free of
  // -Wmissing-field-initializers.)
  std::vector<IpAddress> outgoing_interfaces = {};
  // The TSIG keys forward zones name (AskOptions::tsig_key), and the wall clock their time
  // checks use (null: the real clock).
  std::vector<crypto::TsigKey> tsig_keys = {};
  const Clock* clock = nullptr;
  // The forward zones with gss-tsig (AskOptions::gss), and how to make Kerberos initiators
  // (null: MIT krb5).
  std::vector<GssZoneSettings> gss_zones = {};
  GssInitiatorFactory gss_factory = nullptr;
  // Where GSS-TSIG logs contexts established and negotiations refused (null: nowhere).
  std::function<void(const std::string&)> log = nullptr;
  // RFC 8145 section 5 (config `trust-anchor-signaling`): the trust-anchor zones and their
  // anchors' key tags. A plain DNSKEY query for one of these zones goes out together with that
  // zone's key tag query to the same server (key_tag_signal.h); empty: no key tag queries.
  std::vector<KeyTagSignal> key_tag_signals = {};
};

class NetworkUpstream final : public Upstream {
 public:
  NetworkUpstream(uv_loop_t* loop, UpstreamStats* stats, const NetworkUpstreamOptions& options = {});
  Task<UpstreamReply> Ask(Endpoint server, dns::Question question, AskOptions options) override;
  // Closes pooled TCP connections and keeps no more (worker shutdown).
  void Shutdown() {
    tcp_pool_.Shutdown();
    udp_poller_.Shutdown();
  }
  // Deletes the GSS-TSIG contexts at their servers (TKEY mode 5), before Shutdown.
  Task<void> DeleteGssContexts(uint32_t timeout_ms);
  size_t gss_contexts() const { return gss_keys_ ? gss_keys_->established() : 0; }
  const io::TcpPoolStats& tcp_pool_stats() const { return tcp_pool_.stats(); }

 private:
  struct Sent;
  // The plain (unsigned) exchange: UDP with CHECKSUM, EDNS fallback, TCP retry.
  Task<UpstreamReply> AskPlain(Endpoint server, dns::Question question, AskOptions options);
  // RFC 8145 section 5.3: `signal` (a key tag query) to `server`, one UDP try of at most
  // kKeyTagSignalTimeoutMs; the reply, or its absence, changes nothing.
  Task<UpstreamReply> SendKeyTagSignal(Endpoint server, dns::Question signal, AskOptions options);
  // What OverUdp's match filter learnt from its one parse of the reply it accepted.
  struct MatchedReply {
    // The CHECKSUM verdict (plain queries with a nonce only; otherwise empty).
    std::optional<crypto::ChecksumVerdict> verdict;
    dns::CarriedView view;  // The parse, reading the exchange result's reply.
  };
  // With `matched`, what the filter learnt of the accepted reply is left there (unsigned
  // queries only; otherwise it stays empty).
  Task<io::ExchangeResult> OverUdp(const Endpoint& server, const Sent& sent, uint32_t timeout_ms,
                                   std::stop_token stop, MatchedReply* matched = nullptr);
  Task<UpstreamReply> OverTcp(Endpoint server, const Sent& sent, uint32_t timeout_ms,
                              std::stop_token stop);
  // What the signed UDP exchange's filter found: the accepted reply's verification, or why
  // the last refused one was refused.
  struct SignedUdpOutcome {
    crypto::TsigVerification accepted;
    std::string last_refusal;
  };
  Task<io::ExchangeResult> OverSignedUdp(const Endpoint& server, const Sent& sent,
                                         const crypto::TsigKey& key, std::vector<uint8_t> request_mac,
                                         uint32_t timeout_ms, std::stop_token stop,
                                         std::shared_ptr<SignedUdpOutcome> outcome);
  // Ask under AskOptions::tsig_key: signed, verified, TCP at once after a bad reply.
  Task<UpstreamReply> AskSigned(Endpoint server, dns::Question question, AskOptions options);
  // What a signed exchange learnt besides its reply.
  struct SignedNotes {
    bool badkey = false;  // The server answered BADKEY over TCP: it does not know the key.
  };
  Task<UpstreamReply> AskSignedWith(Endpoint server, dns::Question question, AskOptions options,
                                    const crypto::TsigKey& key, SignedNotes* notes);
  // Ask under AskOptions::gss: a negotiated context's key, renegotiated once after BADKEY.
  Task<UpstreamReply> AskGss(Endpoint server, dns::Question question, AskOptions options);
  // The sent query's CHECKSUM option, when the query carries one.
  std::optional<dns::EdnsOption> NewChecksumOption(Sent& sent, bool edns);
  Sent NewSent(const Endpoint& server, const dns::Question& question);
  // Signs `unsigned_wire` with `key` into sent.wire; returns the request MAC, or nothing.
  std::optional<std::vector<uint8_t>> SignInto(Sent& sent, const std::vector<uint8_t>& unsigned_wire,
                                               const crypto::TsigKey& key, size_t mac_length = 0);
  // What a refused signed TCP reply was: a signed BADTRUNC, or a FORMERR.
  struct SignedTcpOutcome {
    bool badtrunc = false;
    bool formerr = false;
    bool badkey = false;
  };
  Task<UpstreamReply> SignedOverTcp(Endpoint server, Sent& sent, const std::vector<uint8_t>& unsigned_wire,
                                    const crypto::TsigKey& key, size_t mac_length, uint32_t timeout_ms,
                                    std::stop_token stop, SignedTcpOutcome* outcome);
  int64_t WallSeconds() const;

  uv_loop_t* loop_;
  UpstreamStats* stats_;
  NetworkUpstreamOptions options_;
  // Judges a UDP reply's CHECKSUM and fragmentation (counted; the kind of reply the caller
  // takes under `accept_unverified_fragments` is counted as given out, not dropped).
  // `judged`: the verdict OverUdp's filter already reached for this reply; without it the
  // reply is parsed again (CheckReply).
  ChecksumOutcome JudgeUdp(const Endpoint& server, const Sent& sent, const io::ExchangeResult& udp,
                           bool accept_unverified_fragments,
                           std::optional<crypto::ChecksumVerdict> judged = std::nullopt);
  void NoteTcpReply(const Endpoint& server, const Sent& sent, const UpstreamReply& reply);
  // The candidate source ports of a UDP exchange: none when the poller reuses sockets (the
  // kernel then picks each port from a range as wide as ours: udp_poller.h), else eight from
  // the CSPRNG in 1024-65535 (RFC 5452 section 9.2).
  std::vector<uint16_t> SourcePorts() const;

  std::set<IpAddress> no_case_, no_edns_;
  SharedServerFlags own_checksum_capable_;
  SharedServerFlags* checksum_capable_;
  io::TcpPool tcp_pool_;  // TCP connections to servers, reused (RFC 7766 section 6.2.1).
  // One epoll set for the UDP exchanges' sockets, which it reuses when the kernel's port range
  // is 1024-65535 (SocketReuse::kWhenPortRangeIsWidest).
  io::UdpPoller udp_poller_;
  std::unique_ptr<GssKeyRing> gss_keys_;  // Null without gss_zones.
};

}  // namespace redoubt::resolver
