#include "resolver/iterator/iterator.h"

#include <algorithm>
#include <chrono>
#include <map>

#include "crypto/random.h"
#include "resolver/iterator/qname_minimisation.h"

namespace redoubt::resolver {

struct Iterator::Attempt {
  bool ok = false;
  ClassifiedReply reply;
  std::vector<uint8_t> wire;
  uint16_t ede = 22;  // No Reachable Authority (RFC 8914 section 4.23).
  std::string why;
};

struct Iterator::NameStep {
  bool ok = false;
  ClassifiedReply reply;
  uint16_t ede = 0;
  std::string why;
};

// A note on temporaries: GCC 12 may destroy a braced temporary of a class type twice when it
// appears inside a co_await expression (a std::stop_token inside one freed its shared state
// early). Arguments of class type to awaited calls are therefore named locals, moved in.

namespace {

using dns::Name;
using dns::RrType;

constexpr uint16_t kEdeOther = 0;
constexpr uint16_t kEdeNoReachableAuthority = 22;
constexpr uint16_t kRcodeNoError = 0, kRcodeNxDomain = 3;

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

uint32_t RandomBelow(uint32_t n) { return n == 0 ? 0 : static_cast<uint32_t>(crypto::RandomU64() % n); }

const ForwardZone* ForwardZoneFor(const std::vector<ForwardZone>& zones, const Name& name) {
  const ForwardZone* best = nullptr;
  for (const ForwardZone& zone : zones) {
    if (name.IsSubdomainOf(zone.name) &&
        (best == nullptr || zone.name.LabelCount() > best->name.LabelCount())) {
      best = &zone;
    }
  }
  return best;
}

}  // namespace

Delegation DelegationFromReferral(const ClassifiedReply& referral) {
  Delegation delegation{referral.delegation, {}};
  if (referral.ns) delegation.servers = ServersOf(*referral.ns, referral.glue);
  return delegation;
}

// One question in flight and the coroutines waiting for its result.
struct Iterator::InFlight {
  std::vector<std::coroutine_handle<>> waiters;
  std::optional<Resolution> result;
};

namespace {

struct WaitForResult {
  Iterator::InFlight& entry;
  bool await_ready() const noexcept { return entry.result.has_value(); }
  void await_suspend(std::coroutine_handle<> waiter) { entry.waiters.push_back(waiter); }
  void await_resume() const noexcept {}
};

std::string InFlightKey(const dns::Question& q) {
  return q.qname.LookupKey() + "/" + std::to_string(static_cast<uint16_t>(q.qtype)) + "/" +
         std::to_string(static_cast<uint16_t>(q.qclass));
}

}  // namespace

Iterator::Iterator(Upstream& upstream, DelegationCache& cache, const Clock& clock,
                   IteratorOptions options, AnswerStore* store, IteratorStats* stats)
    : upstream_(upstream), cache_(cache), clock_(clock), options_(std::move(options)),
      store_(store), stats_(stats ? stats : &own_stats_) {}

Iterator::NameStep Iterator::Failure(uint16_t ede, std::string why) const {
  NameStep step;
  step.ede = ede;
  step.why = std::move(why);
  return step;
}

bool Iterator::Usable(const IpAddress& address) const {
  if (options_.allow_loopback_upstreams) return true;
  bool unspecified = std::all_of(address.data(), address.data() + address.size(),
                                 [](uint8_t b) { return b == 0; });
  return !address.IsLoopback() && !unspecified;
}

Task<Resolution> Iterator::Resolve(dns::Question question, std::stop_token stop) {
  if (store_ != nullptr) {
    if (std::optional<Resolution> stored = store_->Lookup(question)) {
      ++stats_->from_store;
      co_return std::move(*stored);
    }
  }
  std::string key = InFlightKey(question);
  if (auto it = in_flight_.find(key);
      it != in_flight_.end() && it->second->waiters.size() < options_.max_coalesced) {
    std::shared_ptr<InFlight> entry = it->second;
    ++stats_->coalesced;
    co_await WaitForResult{*entry};
    co_return *entry->result;
  }
  auto entry = std::make_shared<InFlight>();
  in_flight_.emplace(key, entry);
  Resolution result = co_await ResolveFresh(question, stop);
  if (auto it = in_flight_.find(key); it != in_flight_.end() && it->second == entry) in_flight_.erase(it);
  if (store_ != nullptr) {
    store_->Store(question, result);
    if (result.rcode == 2) {
      // RFC 8767: every upstream failed; an expired answer is better than none.
      if (std::optional<Resolution> stale = store_->LookupStale(question)) result = std::move(*stale);
    }
  }
  entry->result = result;
  std::vector<std::coroutine_handle<>> waiters = std::move(entry->waiters);
  for (std::coroutine_handle<> waiter : waiters) waiter.resume();
  co_return result;
}

Task<Resolution> Iterator::ResolveFresh(dns::Question question, std::stop_token stop) {
  ++stats_->resolutions;
  IterationWork work{QueryBudget(options_.limits),
                     clock_.Now() + std::chrono::milliseconds(options_.limits.deadline_ms),
                     std::move(stop)};
  if (!cache_.primed()) co_await Prime(work);
  co_return co_await ResolveChain(std::move(question), work, 0);
}

Task<Resolution> Iterator::ResolveChain(dns::Question question, IterationWork& work,
                                        uint32_t depth) {
  Resolution out;
  for (;;) {
    NameStep step = co_await ResolveName(question, work, depth);
    if (!step.ok) {
      out = Resolution{};  // A failure carries no partial chain (RFC 8914 explains why).
      out.ede = step.ede;
      out.ede_text = step.why;
      break;
    }
    ClassifiedReply& reply = step.reply;
    out.answer.insert(out.answer.end(), reply.chain.begin(), reply.chain.end());
    if (reply.kind == ReplyKind::kCname) {
      if (!work.budget.TryCnameHop()) {
        out = Resolution{};
        out.ede = kEdeOther;
        out.ede_text = "CNAME/DNAME chain longer than " + std::to_string(options_.limits.cname_hops);
        break;
      }
      question.qname = reply.next_name;
      continue;
    }
    out.answer.insert(out.answer.end(), reply.answer.begin(), reply.answer.end());
    out.rcode = reply.kind == ReplyKind::kNxDomain ? kRcodeNxDomain : kRcodeNoError;
    if (reply.soa && reply.kind != ReplyKind::kAnswer) out.authority.push_back(*reply.soa);
    break;
  }
  out.upstream_queries = work.budget.upstream_queries();
  co_return out;
}

Task<Iterator::NameStep> Iterator::ResolveName(dns::Question question, IterationWork& work,
                                               uint32_t depth) {
  if (const ForwardZone* zone = ForwardZoneFor(options_.forward_zones, question.qname)) {
    co_return co_await ResolveForwarded(*zone, question, work);
  }
  std::optional<Delegation> cut = cache_.Closest(question.qname);
  if (!cut) co_return Failure(kEdeNoReachableAuthority, "no root hints");
  Name known = cut->zone;
  uint32_t steps = 0;
  bool minimise = options_.qname_minimisation != QnameMinimisation::kOff;
  bool relaxed = options_.qname_minimisation != QnameMinimisation::kStrict;
  for (;;) {
    MinimisedQuestion next = minimise
        ? NextMinimisedQuestion(question.qname, question.qtype, known, steps)
        : MinimisedQuestion{question.qname, question.qtype, true};
    dns::Question asked{next.qname, next.qtype, question.qclass};
    Attempt attempt = co_await AskZone(*cut, asked, work, depth);
    if (!attempt.ok) {
      if (!next.complete) {  // A server that fails minimised questions: ask in full.
        minimise = false;
        continue;
      }
      co_return Failure(attempt.ede, attempt.why);
    }
    ClassifiedReply& reply = attempt.reply;
    if (reply.kind == ReplyKind::kReferral) {
      if (!work.budget.TryReferral()) co_return Failure(kEdeOther, "too many referrals");
      Delegation child = DelegationFromReferral(reply);
      cache_.Store(child, reply.ns ? reply.ns->ttl : 0);
      cut = std::move(child);
      known = cut->zone;
      continue;
    }
    if (!next.complete) {
      MinimisedOutcome outcome = reply.kind == ReplyKind::kNxDomain ? MinimisedOutcome::kNxDomain
                                 : reply.kind == ReplyKind::kCname  ? MinimisedOutcome::kUnexpected
                                                                    : MinimisedOutcome::kExists;
      MinimisationStep decision = AfterMinimisedReply(outcome, relaxed);
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
    NameStep step;
    step.ok = true;
    step.reply = std::move(reply);
    co_return step;
  }
}

Task<Iterator::NameStep> Iterator::ResolveForwarded(const ForwardZone& zone,
                                                    dns::Question question, IterationWork& work) {
  for (const Endpoint& server : zone.servers) {
    if (!work.budget.TryUpstreamQuery() || work.stop.stop_requested()) break;
    AskOptions ask{2000, true, work.stop};  // Named: see the note on temporaries above.
    UpstreamReply reply = co_await upstream_.Ask(server, question, std::move(ask));
    if (reply.status != UpstreamReply::Status::kReply) continue;
    auto view = dns::MessageView::Parse(reply.wire);
    if (!view) continue;
    auto classified = ClassifyReply(*view, question, Name::Root());
    if (!classified || classified->kind == ReplyKind::kReferral ||
        classified->kind == ReplyKind::kLame || classified->kind == ReplyKind::kServerError) {
      continue;
    }
    NameStep step;
    step.ok = true;
    step.reply = std::move(*classified);
    co_return step;
  }
  co_return Failure(kEdeNoReachableAuthority, "no forwarder for " + zone.name.ToText() + " answered");
}

Task<Iterator::Attempt> Iterator::AskZone(Delegation& cut, dns::Question question,
                                          IterationWork& work, uint32_t depth) {
  Attempt attempt;
  attempt.why = "no server of " + cut.zone.ToText() + " answered";
  // Tries per address: a server that timed out may be asked again (with its back-off), one
  // that answered badly or could not be reached is not.
  std::map<IpAddress, uint32_t> tries;
  for (uint32_t round = 0; round < options_.max_server_attempts; ++round) {
    if (clock_.Now() >= work.deadline) {
      attempt.why = "deadline reached asking " + cut.zone.ToText();
      co_return attempt;
    }
    if (work.stop.stop_requested()) {
      attempt.why = "shutting down";
      co_return attempt;
    }
    std::vector<IpAddress> addresses;
    std::vector<ServerCandidate> candidates;
    size_t considered = std::min<size_t>(cut.servers.size(), options_.limits.ns_per_delegation);
    for (size_t i = 0; i < considered; ++i) {
      for (const IpAddress& address : cut.servers[i].addresses) {
        auto count = tries.find(address);
        if (!Usable(address) || (count != tries.end() && count->second >= options_.tries_per_server)) {
          continue;
        }
        addresses.push_back(address);
        candidates.push_back({cache_.Rtt(address).RtoMs(), !cache_.IsLame(cut.zone, address)});
      }
    }
    std::optional<size_t> pick = ChooseServer(candidates, RandomBelow);
    if (!pick) {
      if (co_await LookUpOneServerAddress(cut, work, depth)) continue;
      co_return attempt;
    }
    IpAddress address = addresses[*pick];
    ++tries[address];
    if (!work.budget.TryUpstreamQuery()) {
      attempt.ede = kEdeOther;
      attempt.why = "work limit reached: " + std::string(LimitHitName(work.budget.hit()));
      co_return attempt;
    }
    uint32_t timeout = std::clamp<uint32_t>(cache_.Rtt(address).RtoMs(), 200, 3000);
    AskOptions ask{timeout, false, work.stop};
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
    auto view = dns::MessageView::Parse(reply.wire);
    if (!view) continue;
    auto classified = ClassifyReply(*view, question, cut.zone);
    if (!classified || classified->kind == ReplyKind::kLame ||
        classified->kind == ReplyKind::kServerError) {
      if (classified && classified->kind == ReplyKind::kLame) cache_.MarkLame(cut.zone, address);
      continue;
    }
    attempt.ok = true;
    attempt.reply = std::move(*classified);
    attempt.wire = std::move(reply.wire);
    co_return attempt;
  }
  co_return attempt;
}

Task<bool> Iterator::LookUpOneServerAddress(Delegation& cut, IterationWork& work, uint32_t depth) {
  size_t considered = std::min<size_t>(cut.servers.size(), options_.limits.ns_per_delegation);
  for (size_t i = 0; i < considered; ++i) {
    NameServer& server = cut.servers[i];
    // A server inside the zone it serves can only be reached through glue.
    if (server.lookup_done || !server.addresses.empty() || server.name.IsSubdomainOf(cut.zone)) {
      continue;
    }
    server.lookup_done = true;
    if (!work.budget.TryNsAddressLookup() || !work.budget.TryEnterDependency()) co_return false;
    dns::Question address_question{server.name, RrType::A, dns::RrClass::IN};
    Resolution found = co_await ResolveChain(std::move(address_question), work, depth + 1);
    work.budget.LeaveDependency();
    server.addresses = AddressesIn(found.answer, nullptr);
    cache_.SetAddresses(cut.zone, server.name, server.addresses);
    if (!server.addresses.empty()) co_return true;
    work.budget.NsAddressFailed();
  }
  co_return false;
}

Task<void> Iterator::Prime(IterationWork& work) {
  cache_.MarkPrimed();
  std::optional<Delegation> root = cache_.Closest(Name::Root());
  if (!root) co_return;
  dns::Question root_ns{Name::Root(), RrType::NS, dns::RrClass::IN};
  Attempt attempt = co_await AskZone(*root, std::move(root_ns), work, 0);
  if (!attempt.ok || attempt.reply.kind != ReplyKind::kAnswer) co_return;
  auto view = dns::MessageView::Parse(attempt.wire);
  if (!view) co_return;
  auto additional = dns::GroupRRsets(*view, dns::Section::kAdditional);
  if (!additional) co_return;
  Delegation primed{Name::Root(), ServersOf(attempt.reply.answer.front(), *additional)};
  bool any = std::any_of(primed.servers.begin(), primed.servers.end(),
                         [](const NameServer& s) { return !s.addresses.empty(); });
  if (any) cache_.SetRoot(std::move(primed));
}

}  // namespace redoubt::resolver
