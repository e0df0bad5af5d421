#include "resolver/upstream/gss_keys.h"

#include <algorithm>
#include <optional>

#include "crypto/gss_name.h"
#include "crypto/random.h"
#include "net/io/exchange.h"
#include "net/io/thread_pool.h"
#include "resolver/gss/tkey_negotiation.h"

namespace redoubt::resolver {

namespace {
constexpr uint64_t kRenewMargin = 60;    // Seconds before a context's end it is renewed.
constexpr uint64_t kFailureMemory = 10;  // Seconds a failed negotiation is remembered.
constexpr uint32_t kDeletionTimeoutMs = 1000;  // For the deletion of a replaced context.

std::string_view StatusText(io::ExchangeStatus status) {
  switch (status) {
    case io::ExchangeStatus::kReply: return "reply";
    case io::ExchangeStatus::kTimeout: return "no reply before the timeout";
    case io::ExchangeStatus::kRejected: return "the reply was refused";
    case io::ExchangeStatus::kNetworkError: return "network error (connection refused or reset)";
    case io::ExchangeStatus::kCancelled: return "cancelled";
  }
  return "unknown";
}

std::string DomainText(const dns::Name& zone) {
  std::string text = zone.ToText();
  if (text.ends_with('.')) text.pop_back();
  for (char& c : text) c = static_cast<char>(dns::AsciiLower(static_cast<uint8_t>(c)));
  return text;
}
}  // namespace

struct GssKeyRing::Entry {
  Endpoint server;
  std::optional<crypto::TsigKey> key;
  uint64_t key_ends = 0;  // Wall seconds.
  bool negotiating = false;
  WaitList waiters;
  std::string failure;
  uint64_t failure_until = 0;
};

// One negotiation's state, shared with the thread-pool jobs that run its GSS calls.
struct GssKeyRing::Attempt {
  std::shared_ptr<crypto::GssInitiator> initiator;
  std::optional<gss::TkeyNegotiation> negotiation;
  uint32_t lifetime = 0;  // Seconds, read once established.
  gss::TkeyNegotiationStep step;
  std::string error;
};

GssKeyRing::GssKeyRing(uv_loop_t* loop, std::vector<GssZoneSettings> zones, GssStats* stats,
                       const Clock* clock, GssInitiatorFactory factory,
                       std::function<void(const std::string&)> log)
    : loop_(loop), zones_(std::move(zones)), stats_(stats), clock_(clock), factory_(std::move(factory)),
      log_(std::move(log)) {
  if (!factory_) {
    factory_ = [](const crypto::GssCredentials& credentials, const std::string& principal,
                  crypto::GssMechanism mechanism) {
      return crypto::NewKerberosInitiator(credentials, principal, mechanism);
    };
  }
}

GssKeyRing::~GssKeyRing() = default;

uint64_t GssKeyRing::Now() const {
  return static_cast<uint64_t>(clock_ != nullptr ? clock_->WallSeconds() : RealClock().WallSeconds());
}

const GssZoneSettings* GssKeyRing::ZoneSettings(const dns::Name& zone) const {
  for (const GssZoneSettings& settings : zones_) {
    if (settings.zone == zone) return &settings;
  }
  return nullptr;
}

GssKeyRing::Entry& GssKeyRing::EntryFor(const Endpoint& server, const GssTarget& target) {
  std::string id = server.ToString() + "|" + target.host + "|" + target.zone.ToText();
  auto& entry = entries_[id];
  if (!entry) {
    entry = std::make_unique<Entry>();
    entry->server = server;
  }
  return *entry;
}

size_t GssKeyRing::established() const {
  size_t count = 0;
  for (const auto& [id, entry] : entries_) count += entry->key.has_value() ? 1 : 0;
  return count;
}

Task<Result<crypto::TsigKey, std::string>> GssKeyRing::KeyFor(Endpoint server, GssTarget target,
                                                             uint32_t timeout_ms, std::stop_token stop) {
  Entry& entry = EntryFor(server, target);
  while (entry.negotiating) {
    bool woken = co_await entry.waiters.Wait(stop);
    if (!woken) co_return Unexpected<std::string>(std::string("GSS-TSIG: cancelled"));
  }
  uint64_t now = Now();
  if (entry.key && now + kRenewMargin < entry.key_ends) co_return *entry.key;
  if (entry.key) {
    // Near its end: renewed, and the old context deleted at the server (best effort).
    ++stats_->renegotiations;
    Detach(DeleteInBackground(server, *entry.key));
  }
  entry.key.reset();
  if (now < entry.failure_until) co_return Unexpected<std::string>(entry.failure);
  entry.negotiating = true;
  auto result = co_await Authenticate(server, target, timeout_ms, stop);
  entry.negotiating = false;
  entry.waiters.NotifyAll();
  if (!result) {
    entry.failure = result.error();
    entry.failure_until = Now() + kFailureMemory;
    if (log_) log_(result.error());
    co_return Unexpected<std::string>(result.error());
  }
  entry.key = result->key;
  // The ticket's end, or the key lifetime asked for in TKEY if sooner: the server keeps the
  // key that long (BIND does), and a context it dropped would cost a BADKEY round trip.
  const GssZoneSettings* zone = ZoneSettings(target.zone);
  uint32_t lifetime = std::min(result->lifetime, zone != nullptr ? zone->key_lifetime : result->lifetime);
  entry.key_ends = Now() + lifetime;
  if (log_) {
    log_("GSS-TSIG: context " + result->key.name.ToText() + " established with " + server.ToString() +
         " as " + result->principal + ", valid " + std::to_string(lifetime) + " s");
  }
  co_return result->key;
}

Task<Result<GssKeyRing::NegotiatedKey, std::string>> GssKeyRing::Authenticate(const Endpoint& server,
                                                                    const GssTarget& target,
                                                                    uint32_t timeout_ms,
                                                                    std::stop_token stop) {
  const GssZoneSettings* zone = ZoneSettings(target.zone);
  if (zone == nullptr) {
    co_return Unexpected<std::string>("GSS-TSIG: no gss-tsig settings for zone " + target.zone.ToText());
  }
  using Kind = crypto::GssTargetName::Kind;
  crypto::GssTargetName domain_based{Kind::kDomainBased, "DNS", DomainText(target.zone), target.host};
  // Named in full (the default realm made explicit), so that logs say which realm was used.
  std::string realm = zone->realm.empty() ? crypto::KerberosDefaultRealm() : zone->realm;
  std::string principal = domain_based.KerberosPrincipal(realm);
  auto key = co_await Negotiate(server, target, *zone, principal, timeout_ms, stop);
  if (key) {
    ++stats_->negotiations;
    co_return key;
  }
  std::string domain_failure = key.error();
  if (!target.host_based_allowed) {
    ++stats_->unauthorised;
    co_return Unexpected<std::string>(
        "GSS-TSIG: server " + server.ToString() + " (" + target.host +
        ") is not authorised for " + DomainText(target.zone) + ": it did not authenticate as " +
        principal + " (" + domain_failure + ") and the host is not allowed a host-based name "
        "(RFC 5178 section 7)");
  }
  crypto::GssTargetName host_based{Kind::kHostBased, "DNS", "", target.host};
  std::string host_principal = host_based.KerberosPrincipal(realm);
  key = co_await Negotiate(server, target, *zone, host_principal, timeout_ms, stop);
  if (key) {
    ++stats_->negotiations;
    ++stats_->host_based;
    co_return key;
  }
  ++stats_->negotiation_failures;
  co_return Unexpected<std::string>("GSS-TSIG: server " + server.ToString() + " (" + target.host +
                                    "): " + principal + ": " + domain_failure + "; " +
                                    host_principal + ": " + key.error());
}

Task<Result<GssKeyRing::NegotiatedKey, std::string>> GssKeyRing::Negotiate(const Endpoint& server,
                                                                 const GssTarget& target,
                                                                 const GssZoneSettings& zone,
                                                                 std::string principal,
                                                                 uint32_t timeout_ms,
                                                                 std::stop_token stop) {
  auto attempt = std::make_shared<Attempt>();
  gss::TkeyNegotiationOptions options;
  options.key_name = gss::NewGssKeyName(target.host, crypto::RandomU64());
  options.lifetime_seconds = zone.key_lifetime;
  uint64_t now = Now();
  uint16_t id = crypto::RandomU16();
  // Named locals, never temporaries inside co_await (the GCC 12 coroutine note in iterator.cc).
  std::function<void()> start = [attempt, factory = factory_, credentials = zone.credentials, principal,
                                  mechanism = zone.mechanism, options, now, id] {
        auto initiator = factory(credentials, principal, mechanism);
        if (!initiator) {
          attempt->error = initiator.error();
          return;
        }
        attempt->initiator = std::move(*initiator);
        attempt->negotiation.emplace(attempt->initiator, options);
        attempt->step = attempt->negotiation->Start(now, id);
      };
  bool ran = co_await io::RunOnThreadPool(loop_, std::move(start));
  if (!ran) co_return Unexpected<std::string>(std::string("the GSS call could not be queued"));
  if (!attempt->error.empty()) co_return Unexpected<std::string>(attempt->error);
  using State = gss::TkeyNegotiationState;
  while (attempt->step.state == State::kSend) {
    io::ReplyFilter accept_all = [](std::span<const uint8_t>) { return true; };
    io::ExchangeResult exchange =
        co_await io::TcpExchange(loop_, server, attempt->step.query, std::move(accept_all), timeout_ms, stop);
    if (exchange.status != io::ExchangeStatus::kReply) {
      co_return Unexpected<std::string>("TKEY over TCP to " + server.ToString() + ": " +
                                        std::string(StatusText(exchange.status)));
    }
    uint64_t at = Now();
    uint16_t next_id = crypto::RandomU16();
    std::function<void()> on_reply = [attempt, reply = std::move(exchange.reply), at, next_id] {
      attempt->step = attempt->negotiation->OnReply(reply, at, next_id);
      if (attempt->step.state == gss::TkeyNegotiationState::kEstablished) {
        attempt->lifetime = attempt->initiator->LifetimeSeconds();
      }
    };
    co_await io::RunOnThreadPool(loop_, std::move(on_reply));
  }
  if (attempt->step.state == State::kEstablished) {
    co_return NegotiatedKey{attempt->negotiation->Key(), attempt->lifetime, principal};
  }
  std::string why = attempt->step.error.empty() ? "the negotiation ended without a key" : attempt->step.error;
  co_return Unexpected<std::string>(why);
}

void GssKeyRing::Forget(const Endpoint& server, const GssTarget& target) {
  Entry& entry = EntryFor(server, target);
  if (entry.key) ++stats_->renegotiations;
  entry.key.reset();
  entry.failure_until = 0;
}

Task<bool> GssKeyRing::DeleteAtServer(Endpoint server, crypto::TsigKey key, uint32_t timeout_ms) {
  auto deletion = gss::BuildTkeyDeletion(key, Now(), crypto::RandomU16());
  if (!deletion) co_return false;
  io::ReplyFilter accept_all = [](std::span<const uint8_t>) { return true; };
  io::ExchangeResult reply = co_await io::TcpExchange(loop_, server, deletion->message, std::move(accept_all), timeout_ms);
  if (reply.status != io::ExchangeStatus::kReply) co_return false;
  // Counted only when the server's signed answer verifies (RFC 2930 section 4.1): a server that
  // already forgot the context answers BADKEY, unsigned.
  auto verified = crypto::VerifyTsigReply(reply.reply, key, deletion->mac, Now());
  if (verified.verdict != crypto::TsigVerdict::kOk) co_return false;
  ++stats_->deletions;
  co_return true;
}

Task<void> GssKeyRing::DeleteInBackground(Endpoint server, crypto::TsigKey key) {
  co_await DeleteAtServer(server, std::move(key), kDeletionTimeoutMs);
}

Task<void> GssKeyRing::Shutdown(uint32_t timeout_ms) {
  for (auto& [id, entry] : entries_) {
    if (!entry->key) continue;
    crypto::TsigKey key = std::move(*entry->key);
    entry->key.reset();
    co_await DeleteAtServer(entry->server, std::move(key), timeout_ms);
  }
}

}  // namespace redoubt::resolver
