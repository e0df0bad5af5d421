#include "resolver/forwarder/forwarder.h"

#include <algorithm>

namespace redoubt::resolver {
namespace {

// A forwarder's reply that ends the question; anything else means "ask the next one".
bool Usable(const ClassifiedReply& reply) {
  return reply.kind != ReplyKind::kReferral && reply.kind != ReplyKind::kLame &&
         reply.kind != ReplyKind::kServerError;
}

}  // namespace

Forwarder::Forwarder(Upstream& upstream, const Clock& clock, std::vector<ForwardZone> zones,
                     ForwarderOptions options)
    : upstream_(upstream), clock_(clock), zones_(std::move(zones)), options_(options),
      gss_servers_(upstream, clock) {}

const ForwardZone* Forwarder::ZoneFor(const dns::Name& name) const {
  const ForwardZone* best = nullptr;
  for (const ForwardZone& zone : zones_) {
    if (name.IsSubdomainOf(zone.name) &&
        (best == nullptr || zone.name.LabelCount() > best->name.LabelCount())) {
      best = &zone;
    }
  }
  return best;
}

Task<std::optional<NameStep>> Forwarder::TryServers(const ForwardZone& zone,
                                                    const std::vector<GssCandidate>& servers,
                                                    const RequestContext& context, const dns::Question& question,
                                                    std::string& failure) {
  for (const GssCandidate& candidate : servers) {
    uint32_t remaining = context.RemainingMs(clock_.Now());
    if (remaining == 0 || context.stop().stop_requested()) break;
    if (!context.budget().TryUpstreamQuery()) break;
    // Named, not braced inside co_await: see the note on temporaries in iterator.cc.
    AskOptions ask{std::min(options_.timeout_ms, remaining), true, context.stop()};
    ask.tsig_key = zone.tsig_key;
    if (zone.gss_tsig) ask.gss = candidate.target;
    UpstreamReply reply = co_await upstream_.Ask(candidate.server, question, std::move(ask));
    if (!reply.tsig_failure.empty()) failure = std::move(reply.tsig_failure);
    if (reply.status != UpstreamReply::Status::kReply) continue;
    auto view = dns::MessageView::Parse(reply.wire);
    if (!view) continue;
    // A forwarder speaks for every name it is asked: the root is its bailiwick, as in
    // Unbound's scrubber for forward zones; records unrelated to the question still go.
    auto classified = ClassifyReply(*view, question, dns::Name::Root());
    if (!classified || !Usable(*classified)) continue;
    NameStep step;
    step.ok = true;
    step.reply = std::move(*classified);
    co_return step;
  }
  co_return std::nullopt;
}

Task<NameStep> Forwarder::ResolveName(const RequestContext& context, dns::Question question) {
  const ForwardZone* zone = ZoneFor(question.qname);
  if (zone == nullptr) co_return FailedStep(dns::EdeCode::kOther, "not in a forward zone");
  std::string failure;  // The last reason a keyed server's reply was refused.
  std::vector<GssCandidate> servers;
  if (zone->gss_tsig) {
    servers = GssServerDirectory::Configured(*zone);
  } else {
    for (const Endpoint& server : zone->servers) servers.push_back({server, GssTarget{}});
  }
  std::optional<NameStep> step = co_await TryServers(*zone, servers, context, question, failure);
  if (step) co_return std::move(*step);
  if (zone->gss_tsig && zone->gss_tsig->discover) {
    // Only when the listed servers did not answer: discovery, then the servers it found that
    // were not tried already.
    std::vector<GssCandidate> found = co_await gss_servers_.Discovered(*zone, context, options_.timeout_ms);
    std::erase_if(found, [&](const GssCandidate& c) {
      return std::find(servers.begin(), servers.end(), c) != servers.end();
    });
    if (found.empty() && failure.empty()) failure = "GSS-TSIG: discovery found no server";
    step = co_await TryServers(*zone, found, context, question, failure);
    if (step) co_return std::move(*step);
  }
  // RFC 8945 section 5.3: nothing unsigned or unverified is taken; the EDE says why.
  co_return FailedStep(dns::EdeCode::kNoReachableAuthority,
                       "no forwarder for " + zone->name.ToText() + " answered" +
                           (failure.empty() ? "" : ": " + failure));
}

}  // namespace redoubt::resolver
