#include "resolver/daemon/worker.h"

#include <algorithm>

#include "resolver/daemon/log.h"

namespace redoubt::resolver {
namespace {

std::unique_ptr<AnswerStore> StoreFor(const Config& config, cache::LmdbCache* cache, const Clock& clock,
                                      AnswerStoreStats* stats) {
  if (cache == nullptr) return std::make_unique<NoAnswerStore>();
  cache::TtlBounds bounds{config.cache_min_ttl, config.cache_max_ttl, config.cache_max_negative_ttl,
                          config.serve_stale};
  return std::make_unique<LmdbAnswerStore>(*cache, clock, bounds, stats);
}

IteratorOptions IteratorOptionsFrom(const Config& config) {
  IteratorOptions options;
  options.qname_minimisation = config.qname_minimisation;
  options.allow_loopback_upstreams = config.allow_loopback_upstreams;
  options.do_ip4 = config.do_ip4;
  options.do_ip6 = config.do_ip6;
  return options;
}

// The forward zones' gss-tsig settings as the upstream needs them.
std::vector<GssZoneSettings> GssZonesFrom(const Config& config) {
  std::vector<GssZoneSettings> zones;
  for (const ForwardZone& zone : config.forward_zones) {
    if (!zone.gss_tsig) continue;
    const GssTsigConfig& gss = *zone.gss_tsig;
    zones.push_back(GssZoneSettings{
        zone.name, crypto::GssCredentials{gss.client_keytab, gss.credential_cache, gss.client_principal},
        gss.realm, gss.spnego ? crypto::GssMechanism::kSpnego : crypto::GssMechanism::kKerberos,
        gss.key_lifetime});
  }
  return zones;
}

// The query log and the upstream's notes have their own switches: printed whatever log-level says.
void LogLine(const std::string& line) { Emit(LogLevel::kInfo, line); }

// RFC 8145 section 5: each DS or DNSKEY trust anchor's zone with its anchors' key tags (legacy
// KEY trust points are not signalled); none with validation or trust-anchor-signaling off.
std::vector<KeyTagSignal> KeyTagSignalsFrom(const Config& config, const TrustAnchorStore& anchors) {
  std::vector<KeyTagSignal> signals;
  if (!config.validation || !config.trust_anchor_signaling) return signals;
  for (const AnchorDescription& anchor : anchors.Describe()) {
    if (anchor.form != "DS" && anchor.form != "DNSKEY") continue;
    auto zone = std::find_if(signals.begin(), signals.end(), [&](const KeyTagSignal& s) { return s.zone == anchor.zone; });
    if (zone == signals.end()) zone = signals.insert(signals.end(), KeyTagSignal{anchor.zone, {}});
    zone->key_tags.push_back(anchor.key_tag);
  }
  return signals;
}

NetworkUpstreamOptions UpstreamOptionsFrom(const Config& config, const TrustAnchorStore& anchors,
                                           SharedServerFlags* checksum_capable) {
  NetworkUpstreamOptions options;
  options.key_tag_signals = KeyTagSignalsFrom(config, anchors);
  options.tsig_keys = TsigKeysFrom(config);
  options.gss_zones = GssZonesFrom(config);
  options.log = LogLine;
  options.edns_buffer_size = config.edns_buffer_size;
  options.checksum = config.checksum;
  options.checksum_option_code = config.checksum_option_code;
  options.checksum_capable = checksum_capable;
  options.outgoing_interfaces = config.outgoing_interfaces;
  return options;
}

PipelineOptions PipelineOptionsFrom(const Config& config, Yielder* yielder, LocalZones* local_zones) {
  PipelineOptions options;
  options.yielder = yielder;
  options.local_zones = local_zones;
  options.limits = config.limits;
  options.validation_limits = config.validation_limits;
  return options;
}

std::unique_ptr<Validator> ValidatorFor(const Config& config, const TrustAnchorStore& anchors,
                                        const Clock& clock, AnswerStore& store, ValidatorStats* stats) {
  if (!config.validation) return std::make_unique<PassThroughValidator>();
  ValidatorOptions options;
  options.chain.bogus_ttl = config.bogus_ttl;
  options.aggressive_nsec = config.aggressive_nsec;
  return std::make_unique<DnssecValidator>(anchors, clock, options, &store, stats);
}

// The key tags of the root's trust anchors (RFC 8509's "trust anchor" for the sentinel).
std::vector<uint16_t> RootAnchorKeyTags(const TrustAnchorStore& anchors) {
  std::vector<uint16_t> tags;
  for (const AnchorDescription& anchor : anchors.Describe()) {
    if (anchor.zone.IsRoot() && (anchor.form == "DS" || anchor.form == "DNSKEY")) tags.push_back(anchor.key_tag);
  }
  return tags;
}

ResponderOptions ResponderOptionsFrom(const Config& config, const TrustAnchorStore& anchors, NotifyHandler on_notify) {
  ResponderOptions options;
  options.root_key_sentinel = config.validation && config.root_key_sentinel;
  if (options.root_key_sentinel) options.root_anchor_key_tags = RootAnchorKeyTags(anchors);
  options.on_notify = std::move(on_notify);
  options.allow = config.access_allow;
  options.edns_buffer_size = config.edns_buffer_size;
  options.checksum_option_code = config.checksum_option_code;
  options.minimal_responses = config.minimal_responses;
  options.log_queries = config.log_queries;
  options.log = LogLine;
  return options;
}

}  // namespace

std::vector<crypto::TsigKey> TsigKeysFrom(const Config& config) {
  std::vector<crypto::TsigKey> keys;
  for (const TsigKeyConfig& key : config.tsig_keys) {
    auto spec = crypto::TsigAlgorithmFromText(TsigKeyAlgorithmName(key.algorithm));
    if (!spec) continue;  // The loader accepts only algorithms the crypto layer has.
    auto secret = key.secret.bytes();
    keys.push_back(crypto::TsigKey{key.name, spec->algorithm, std::vector<uint8_t>(secret.begin(), secret.end()),
                                   size_t{key.mac_bits} / 8});
  }
  return keys;
}

Worker::Worker(const Config& config, const Delegation& root_hints,
               SharedServerFlags* checksum_capable, cache::LmdbCache* cache,
               const TrustAnchorStore& anchors, const MirrorSet* mirrors,
               NotifyHandler on_notify)
    : config_(config),
      cache_(clock_),
      store_(StoreFor(config, cache, clock_, &stats_.store)),
      upstream_(&loop_, &stats_.upstream, UpstreamOptionsFrom(config, anchors, checksum_capable)),
      iterator_(upstream_, cache_, clock_, IteratorOptionsFrom(config)),
      forwarder_(upstream_, clock_, config.forward_zones),
      mirror_source_(mirrors == nullptr ? nullptr
                                        : std::make_unique<MirrorSource>(
                                              *mirrors,
                                              [this](const ClassifiedReply& referral) {
                                                uint32_t ttl = referral.ns ? referral.ns->ttl : 0;
                                                cache_.Store(DelegationFromReferral(referral), ttl);
                                              },
                                              &stats_.local_zones)),
      validator_(ValidatorFor(config, anchors, clock_, *store_, &stats_.validator)),
      pipeline_(iterator_, &forwarder_, *store_, *validator_, clock_, PipelineOptionsFrom(config, &yielder_, mirror_source_.get()),
                &stats_.pipeline),
      responder_(pipeline_, ResponderOptionsFrom(config, anchors, std::move(on_notify)), &stats_.responder, stopping_.get_token()) {
  uv_loop_init(&loop_);
  cache_.SetRoot(root_hints);
}

Worker::~Worker() {
  Stop();
  uv_loop_close(&loop_);
}

Result<void, std::string> Worker::Start() {
  auto handler = [this](std::vector<uint8_t> query, io::QueryContext context) {
    return responder_.Answer(std::move(query), context);
  };
  for (const Endpoint& address : config_.listen) {
    auto udp = io::UdpListener::Open(&loop_, address, handler, &stats_.listener, client_tasks_.get());
    auto tcp = io::TcpListener::Open(&loop_, address, handler, &stats_.listener, {},
                                     client_tasks_.get());
    if (!udp || !tcp) {
      CloseListeners();
      uv_run(&loop_, UV_RUN_DEFAULT);  // Let the closed handles go.
      uint32_t error = udp ? tcp.error().detail : udp.error().detail;
      return Unexpected("cannot listen on " + address.ToString() + ": " +
                        std::string(uv_strerror(-static_cast<int>(error))));
    }
    udp_.push_back(std::move(*udp));
    tcp_.push_back(std::move(*tcp));
  }
  uv_async_init(&loop_, &posted_signal_, [](uv_async_t* async) { static_cast<Worker*>(async->data)->RunPosted(); });
  posted_signal_.data = this;
  {
    std::lock_guard lock(posted_mutex_);
    accepting_posts_ = true;
  }
  uv_async_init(&loop_, &stop_, [](uv_async_t* async) {
    auto* worker = static_cast<Worker*>(async->data);
    {
      std::lock_guard lock(worker->posted_mutex_);
      worker->accepting_posts_ = false;
      worker->posted_.clear();  // Their promises break: the futures report no answer.
    }
    uv_close(reinterpret_cast<uv_handle_t*>(&worker->posted_signal_), nullptr);
    worker->CloseListeners();
    worker->stopping_.request_stop();  // On the loop thread: in-flight exchanges end now.
    // GSS-TSIG contexts are deleted at their servers (TKEY mode 5, RFC 2930 section 4.1): best
    // effort, half a second per server at most.
    Detach(worker->upstream_.DeleteGssContexts(500));
    worker->upstream_.Shutdown();
    worker->yielder_.Close();  // Validations waiting for a turn go on now, and see the stop.
    uv_close(reinterpret_cast<uv_handle_t*>(async), nullptr);
  });
  stop_.data = this;
  thread_ = std::thread([this] { uv_run(&loop_, UV_RUN_DEFAULT); });
  return {};
}

bool Worker::Post(std::function<void()> task) {
  {
    std::lock_guard lock(posted_mutex_);
    if (!accepting_posts_) return false;
    posted_.push_back(std::move(task));
    uv_async_send(&posted_signal_);  // Under the lock: the stop callback closes the handle under it.
  }
  return true;
}

void Worker::RunPosted() {
  std::vector<std::function<void()>> tasks;
  {
    std::lock_guard lock(posted_mutex_);
    tasks.swap(posted_);
  }
  for (auto& task : tasks) task();
}

std::future<size_t> Worker::ForgetBogus() {
  auto done = std::make_shared<std::promise<size_t>>();
  std::future<size_t> result = done->get_future();
  Post([this, done] { done->set_value(validator_->Forget()); });
  return result;
}

std::future<size_t> Worker::ForgetDelegations() {
  auto done = std::make_shared<std::promise<size_t>>();
  std::future<size_t> result = done->get_future();
  Post([this, done] { done->set_value(cache_.ForgetZones()); });
  return result;
}

void Worker::CloseListeners() {
  for (auto& listener : udp_) listener->Close();
  for (auto& listener : tcp_) listener->Close();
}

void Worker::Stop() {
  if (!thread_.joinable()) return;
  uv_async_send(&stop_);
  thread_.join();
  // The loop ran out of handles: whatever is still in the scope waits on nothing that exists.
  stranded_ = client_tasks_->size();
  if (stranded_ != 0) (void)client_tasks_.release();
}

}  // namespace redoubt::resolver
