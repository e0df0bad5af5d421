#include "resolver/daemon/worker_engine.h"

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

// The packet cache follows the answer cache and the mirrored zones' copies: any flush of the one
// or new copy of the other makes what it holds unusable (packet_cache.h).
std::function<uint64_t()> CacheGeneration(const EngineSurroundings& around) {
  if (around.cache == nullptr) return {};
  return [cache = around.cache, mirrors = around.mirrors] {
    return cache->generation() + (mirrors != nullptr ? mirrors->generation() : 0);
  };
}

ResponderOptions ResponderOptionsFrom(const Config& config, const TrustAnchorStore& anchors,
                                      const EngineSurroundings& around) {
  ResponderOptions options;
  options.packet_cache_bytes = config.packet_cache_size;
  options.cache_generation = CacheGeneration(around);
  options.root_key_sentinel = config.validation && config.root_key_sentinel;
  if (options.root_key_sentinel) options.root_anchor_key_tags = RootAnchorKeyTags(anchors);
  options.on_notify = around.on_notify;
  options.allow = config.access_allow;
  options.edns_buffer_size = config.edns_buffer_size;
  options.checksum_option_code = config.checksum_option_code;
  options.minimal_responses = config.minimal_responses;
  options.log_queries = config.log_queries;
  options.log = LogLine;
  return options;
}

std::unique_ptr<MirrorSource> MirrorSourceFor(const EngineSurroundings& around) {
  if (around.mirrors == nullptr) return nullptr;
  DelegationCache* delegations = around.delegations;
  auto store_referral = [delegations](const ClassifiedReply& referral) {
    uint32_t ttl = referral.ns ? referral.ns->ttl : 0;
    delegations->Store(DelegationFromReferral(referral), ttl);
  };
  return std::make_unique<MirrorSource>(*around.mirrors, store_referral, &around.stats->local_zones);
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

WorkerEngine::WorkerEngine(std::shared_ptr<const Config> config_in,
                           std::shared_ptr<const TrustAnchorStore> anchors_in, const EngineSurroundings& around)
    : config(std::move(config_in)),
      anchors(std::move(anchors_in)),
      store(StoreFor(*config, around.cache, *around.clock, &around.stats->store)),
      upstream(around.loop, &around.stats->upstream, UpstreamOptionsFrom(*config, *anchors, around.checksum_capable)),
      iterator(upstream, *around.delegations, *around.clock, IteratorOptionsFrom(*config)),
      forwarder(upstream, *around.clock, config->forward_zones),
      mirror_source(MirrorSourceFor(around)),
      validator(ValidatorFor(*config, *anchors, *around.clock, *store, &around.stats->validator)),
      pipeline(iterator, &forwarder, *store, *validator, *around.clock,
               PipelineOptionsFrom(*config, around.yielder, mirror_source.get()), &around.stats->pipeline),
      responder(pipeline, ResponderOptionsFrom(*config, *anchors, around), &around.stats->responder,
                around.stopping) {}

}  // namespace redoubt::resolver
