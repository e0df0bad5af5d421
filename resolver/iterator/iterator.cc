#include "resolver/iterator/iterator.h"

#include <algorithm>
#include <map>

#include "crypto/random.h"
#include "resolver/iterator/qname_minimisation.h"

namespace redoubt::resolver {

struct Iterator::Attempt {
  bool ok = false;
  bool unverified_fragments = false;  // UpstreamReply::unverified_fragments of the reply kept.
  std::optional<IpAddress> server;     // Who sent it.
  ClassifiedReply reply;
  std::vector<uint8_t> wire;
  dns::EdeCode ede = dns::EdeCode::kNoReachableAuthority;
  std::string why;
};

// A note on temporaries: GCC 12 may destroy a braced temporary of a class type twice when it
// appears inside a co_await expression (a std::stop_token inside one freed its shared state
// early). Arguments of class type to awaited calls are therefore named locals, moved in.

namespace {

// True for the kinds of reply that end the resolution of a name here (RFC 1034 section 5.3.3).
bool EndsTheName(ReplyKind kind) {
  return kind == ReplyKind::kAnswer || kind == ReplyKind::kCname || kind == ReplyKind::kNxDomain ||
         kind == ReplyKind::kNoData;
}

using dns::EdeCode;
using dns::Name;
using dns::RrType;

std::vector<IpAddress> AddressesIn(const std::vector<dns::RRset>& rrsets, const Name* owner) {
  std::vector<IpAddress> out;
  for (const dns::RRset& set : rrsets) {
    if (owner != nullptr && !(set.owner == *owner)) continue;
    for (const auto& rdata : set.rdatas) {
      if (auto address = AddressFromRdata(set.type, rdata)) out.push_back(*address);
    }
  }
  return out;
}

std::vector<NameServer> ServersOf(const dns::RRset& ns, const std::vector<dns::RRset>& glue) {
  std::vector<NameServer> servers;
  for (const auto& rdata : ns.rdatas) {
    auto name = Name::FromWire(rdata);
    if (!name) continue;
    NameServer server{*name, AddressesIn(glue, &*name), false};
    servers.push_back(std::move(server));
  }
  return servers;
}

uint32_t RandomBelow(uint32_t n) { return n == 0 ? 0 : static_cast<uint32_t>(crypto::RandomInRange(0, n - 1)); }

// True when `parent_side` names an address that `asked` did not (the parent's glue differs
// from what the child's own records or a lookup gave).
bool HasUntriedAddress(const Delegation& parent_side, const Delegation& asked) {
  for (const NameServer& server : parent_side.servers) {
    for (const IpAddress& address : server.addresses) {
      bool known = std::any_of(asked.servers.begin(), asked.servers.end(), [&](const NameServer& s) {
        return std::find(s.addresses.begin(), s.addresses.end(), address) != s.addresses.end();
      });
      if (!known) return true;
    }
  }
  return false;
}

bool SameServerNames(const Delegation& a, const Delegation& b) {
  if (a.servers.size() != b.servers.size()) return false;
  return std::all_of(a.servers.begin(), a.servers.end(), [&](const NameServer& s) {
    return std::any_of(b.servers.begin(), b.servers.end(),
                       [&](const NameServer& t) { return t.name == s.name; });
  });
}

MinimisedOutcome OutcomeOf(ReplyKind kind) {
  if (kind == ReplyKind::kNxDomain) return MinimisedOutcome::kNxDomain;
  if (kind == ReplyKind::kCname) return MinimisedOutcome::kUnexpected;
  return MinimisedOutcome::kExists;
}

// Why a zone's servers gave no usable answer (built only when that is so).
std::string NoServerAnswered(const dns::Name& zone) { return "no server of " + zone.ToText() + " answered"; }

}  // namespace

Delegation DelegationFromReferral(const ClassifiedReply& referral) {
  Delegation delegation{referral.delegation, {}};
  if (referral.ns) delegation.servers = ServersOf(*referral.ns, referral.glue);
  return delegation;
}

Iterator::Iterator(Upstream& upstream, DelegationCache& cache, const Clock& clock,
                   IteratorOptions options)
    : upstream_(upstream), cache_(cache), clock_(clock), options_(std::move(options)) {}

// The zone's own NS set, when its authoritative reply carried one with a usable address and it
// names other servers than the cut in use, becomes the working copy of the cut; the parent's
// glue stays behind it (DelegationCache::ParentSide) for when every child address fails.
void Iterator::AdoptChildSide(const Delegation& cut, const ClassifiedReply& reply) {
  if (!reply.zone_ns || !(reply.zone_ns->owner == cut.zone)) return;
  Delegation child{cut.zone, ServersOf(*reply.zone_ns, reply.zone_ns_glue)};
  bool reachable = std::any_of(child.servers.begin(), child.servers.end(), [&](const NameServer& s) {
    return std::any_of(s.addresses.begin(), s.addresses.end(),
                       [&](const IpAddress& a) { return Usable(a); });
  });
  if (!reachable || SameServerNames(child, cut)) return;
  cache_.SetChildSide(std::move(child));
}

bool Iterator::Usable(const IpAddress& address) const {
  return UsableServerAddress(address, options_.allow_loopback_upstreams, options_.do_ip4,
                             options_.do_ip6);
}

Task<NameStep> Iterator::ResolveName(const RequestContext& context, dns::Question question) {
  if (!cache_.primed()) co_await Prime(context);
  // RFC 4035 section 3.1.4.1: a DS RRset lives at the parent side of the cut, so a DS question
  // starts from the closest cut above its name, never from the child zone itself.
  bool parent_side = question.qtype == RrType::DS && !question.qname.IsRoot();
  std::optional<Delegation> cut =
      cache_.Closest(parent_side ? question.qname.Parent() : question.qname);
  if (!cut) co_return FailedStep(EdeCode::kNoReachableAuthority, "no root hints");
  Name known = cut->zone;
  uint32_t steps = 0;
  std::vector<CutProof> cuts;
  bool minimise = options_.qname_minimisation != QnameMinimisation::kOff;
  bool relaxed = options_.qname_minimisation != QnameMinimisation::kStrict;
  for (;;) {
    MinimisedQuestion next = minimise
        ? NextMinimisedQuestion(question.qname, question.qtype, known, steps)
        : MinimisedQuestion{question.qname, question.qtype, true};
    dns::Question asked{next.qname, next.qtype, question.qclass};
    Attempt attempt = co_await AskZone(*cut, asked, context);
    if (!attempt.ok) {
      if (!next.complete) {  // A server that fails minimised questions: ask in full.
        minimise = false;
        continue;
      }
      co_return FailedStep(attempt.ede, attempt.why);
    }
    ClassifiedReply& reply = attempt.reply;
    if (reply.kind == ReplyKind::kReferral) {
      if (!context.budget().TryReferral()) co_return FailedStep(EdeCode::kOther, "too many referrals");
      cuts.push_back(CutProof{reply.delegation, reply.delegation_proofs});
      Delegation child = DelegationFromReferral(reply);
      cache_.Store(child, reply.ns ? reply.ns->ttl : 0);
      cut = std::move(child);
      known = cut->zone;
      continue;
    }
    if (!next.complete) {
      MinimisationStep decision = AfterMinimisedReply(OutcomeOf(reply.kind), relaxed);
      if (decision == MinimisationStep::kContinue) {
        known = next.qname;
        ++steps;
        continue;
      }
      if (decision == MinimisationStep::kAskFullName) {
        minimise = false;
        continue;
      }
    }
    AdoptChildSide(*cut, reply);
    NameStep step;
    step.ok = true;
    step.unverified_fragments = attempt.unverified_fragments;
    step.server = attempt.server;
    step.reply = std::move(reply);
    step.cuts = std::move(cuts);
    co_return step;
  }
}

// Asks the servers of `cut`; when none of them answers and the cut came with addresses the
// parent did not give (the child's own NS records, looked up), the parent's glue for the same
// names is tried before giving up (RFC 1034 section 5.3.3 step 4: "the SLIST").
Task<Iterator::Attempt> Iterator::AskZone(Delegation& cut, dns::Question question,
                                          const RequestContext& context) {
  Attempt attempt = co_await AskServers(cut, question, context);
  if (attempt.ok || context.Over(clock_.Now()) || context.budget().hit() != LimitHit::kNone) {
    co_return attempt;
  }
  std::optional<Delegation> parent_side = cache_.ParentSide(cut.zone);
  if (!parent_side || !HasUntriedAddress(*parent_side, cut)) co_return attempt;
  dns::Question again = question;
  co_return co_await AskServers(*parent_side, std::move(again), context);
}

Task<Iterator::Attempt> Iterator::AskServers(Delegation& cut, dns::Question question,
                                             const RequestContext& context) {
  Attempt attempt;  // Its `why` is written only on the way out without an answer.
  // Tries per address: a server that timed out may be asked again (with its back-off), one
  // that answered badly or could not be reached is not.
  std::map<IpAddress, uint32_t> tries;
  // Unverified reassembled replies may be let through to the validator only when they end the
  // resolution of this name (an answer, NXDOMAIN, NODATA or CNAME): a referral from one could
  // point anywhere and is fetched again with the defence strict.
  bool strict = !context.accepts_unverified_fragments();
  size_t ns_limit = context.budget().limits().ns_per_delegation;
  for (uint32_t round = 0; round < options_.max_server_attempts; ++round) {
    uint32_t remaining = context.RemainingMs(clock_.Now());
    if (remaining == 0) {
      attempt.why = "deadline reached asking " + cut.zone.ToText();
      co_return attempt;
    }
    if (context.stop().stop_requested()) {
      attempt.why = "shutting down";
      co_return attempt;
    }
    std::vector<IpAddress> addresses;
    std::vector<ServerCandidate> candidates;
    size_t considered = std::min(cut.servers.size(), ns_limit);
    for (size_t i = 0; i < considered; ++i) {
      for (const IpAddress& address : cut.servers[i].addresses) {
        auto count = tries.find(address);
        if (!Usable(address) || (count != tries.end() && count->second >= options_.tries_per_server) ||
            context.Avoids(address)) {  // Its answer was bogus: the others are asked instead.
          continue;
        }
        addresses.push_back(address);
        candidates.push_back({cache_.Rtt(address).RtoMs(), !cache_.IsLame(cut.zone, address)});
      }
    }
    std::optional<size_t> pick = ChooseServer(candidates, RandomBelow);
    if (!pick) {
      // Awaited into a named local: GCC 12 can miscompile co_await in an if condition.
      bool found = co_await LookUpOneServerAddress(cut, context);
      if (found) continue;
      attempt.why = NoServerAnswered(cut.zone);
      co_return attempt;
    }
    IpAddress address = addresses[*pick];
    ++tries[address];
    if (!context.budget().TryUpstreamQuery()) {
      attempt.ede = EdeCode::kOther;
      attempt.why = "work limit reached: " + std::string(LimitHitName(context.budget().hit()));
      co_return attempt;
    }
    // Never wait past the request's deadline.
    uint32_t timeout = std::min(std::clamp<uint32_t>(cache_.Rtt(address).RtoMs(), 200, 3000), remaining);
    AskOptions ask{timeout, false, context.stop()};
    ask.accept_unverified_fragments = !strict;
    UpstreamReply reply = co_await upstream_.Ask(Endpoint{address, 53}, question, std::move(ask));
    if (reply.status != UpstreamReply::Status::kReply) {
      if (reply.status == UpstreamReply::Status::kTimeout) {
        cache_.Rtt(address).Timeout();
      } else {
        tries[address] = options_.tries_per_server;
      }
      continue;
    }
    cache_.Rtt(address).Update(reply.rtt_ms);
    tries[address] = options_.tries_per_server;  // Answered: whatever it said, not again.
    ReplyUse use = TakeReply(reply, question, cut.zone, address, attempt);
    if (use == ReplyUse::kTaken) co_return attempt;
    if (use == ReplyUse::kAskStrictly) {
      strict = true;
      tries[address] = 0;  // Ask it again, strictly (the upstream then insists on TCP).
    }
  }
  attempt.why = NoServerAnswered(cut.zone);
  co_return attempt;
}

Iterator::ReplyUse Iterator::TakeReply(UpstreamReply& reply, const dns::Question& question,
                                       const dns::Name& zone, const IpAddress& address, Attempt& attempt) {
  std::optional<dns::MessageView> own_parse;
  const dns::MessageView* view = reply.parsed.For(reply.wire);  // The upstream's parse.
  if (view == nullptr) {
    auto parsed = dns::MessageView::Parse(reply.wire);
    if (!parsed) return ReplyUse::kSkip;
    view = &own_parse.emplace(std::move(*parsed));
  }
  auto classified = ClassifyReply(*view, question, zone);
  if (!classified || classified->kind == ReplyKind::kLame || classified->kind == ReplyKind::kServerError) {
    if (classified && classified->kind == ReplyKind::kLame) cache_.MarkLame(zone, address);
    return ReplyUse::kSkip;
  }
  if (reply.unverified_fragments && !EndsTheName(classified->kind)) return ReplyUse::kAskStrictly;
  attempt.ok = true;
  attempt.server = address;
  attempt.unverified_fragments = reply.unverified_fragments;
  attempt.reply = std::move(*classified);
  attempt.wire = std::move(reply.wire);
  return ReplyUse::kTaken;
}

Task<bool> Iterator::LookUpOneServerAddress(Delegation& cut, const RequestContext& context) {
  Resolver* sub = context.work().sub_resolver;
  size_t considered = std::min<size_t>(cut.servers.size(), context.budget().limits().ns_per_delegation);
  for (size_t i = 0; i < considered && sub != nullptr; ++i) {
    NameServer& server = cut.servers[i];
    // A server inside the zone it serves can only be reached through glue.
    if (server.lookup_done || !server.addresses.empty() || server.name.IsSubdomainOf(cut.zone)) {
      continue;
    }
    server.lookup_done = true;
    dns::Question address_question{server.name, RrType::A, dns::RrClass::IN};
    // An NS name whose address this request is already looking up further up: a cycle
    // without glue (a.example NS ns.b.example, b.example NS ns.a.example). Waiting on it
    // would only burn the budget; it counts as a failed lookup.
    if (context.InProgress(address_question)) {
      context.budget().NsAddressFailed();
      continue;
    }
    if (context.budget().NsAddressLookupsExhausted() || !context.budget().TryNsAddressLookup() ||
        !context.budget().TryEnterDependency()) {
      co_return false;
    }
    RequestContext nested = context.Nested(address_question);
    Resolution found = co_await sub->Resolve(std::move(nested));
    context.budget().LeaveDependency();
    server.addresses = AddressesIn(found.answer, nullptr);
    cache_.SetAddresses(cut.zone, server.name, server.addresses);
    if (!server.addresses.empty()) co_return true;
    context.budget().NsAddressFailed();
  }
  co_return false;
}

Task<void> Iterator::Prime(const RequestContext& context) {
  cache_.MarkPrimed();
  std::optional<Delegation> root = cache_.Closest(Name::Root());
  if (!root) co_return;
  dns::Question root_ns{Name::Root(), RrType::NS, dns::RrClass::IN};
  Attempt attempt = co_await AskServers(*root, std::move(root_ns), context);
  if (!attempt.ok || attempt.reply.kind != ReplyKind::kAnswer) co_return;
  auto view = dns::MessageView::Parse(attempt.wire);
  if (!view) co_return;
  auto additional = dns::GroupRRsets(*view, dns::Section::kAdditional);
  if (!additional) co_return;
  Delegation primed{Name::Root(), ServersOf(attempt.reply.answer.front(), *additional)};
  bool any = std::any_of(primed.servers.begin(), primed.servers.end(),
                         [](const NameServer& s) { return !s.addresses.empty(); });
  if (any) cache_.SetChildSide(std::move(primed));  // The hints stay as the parent side.
}

}  // namespace redoubt::resolver
