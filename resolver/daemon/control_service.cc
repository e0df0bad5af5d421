#include "resolver/daemon/control_service.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>

#include "cache/cache_key.h"
#include "net/dns/presentation.h"
#include "resolver/metrics/exporter.h"
#include "resolver/metrics/metric_table.h"

namespace redoubt::resolver {
namespace {

ControlReply NoCache() { return ControlReply::Error("the answer cache is off (cache.enabled: false)"); }

ControlItem Field(std::string key, ControlValue value) { return {ControlField{std::move(key), std::move(value)}}; }

// A sample as Prometheus writes it: name{label="value",...}.
std::string SampleName(const std::string& name, const std::vector<prometheus::ClientMetric::Label>& labels) {
  if (labels.empty()) return name;
  std::string text = name + "{";
  for (size_t i = 0; i < labels.size(); ++i) {
    text += (i == 0 ? "" : ",") + labels[i].name + "=\"" + labels[i].value + "\"";
  }
  return text + "}";
}

void AddSamples(const prometheus::MetricFamily& family, std::vector<ControlItem>& items) {
  auto add = [&](const std::string& name, const prometheus::ClientMetric& metric, double value) {
    items.push_back({{"metric", SampleName(name, metric.label)}, {"value", value}});
  };
  for (const prometheus::ClientMetric& metric : family.metric) {
    switch (family.type) {
      case prometheus::MetricType::Counter: add(family.name, metric, metric.counter.value); break;
      case prometheus::MetricType::Gauge: add(family.name, metric, metric.gauge.value); break;
      case prometheus::MetricType::Untyped: add(family.name, metric, metric.untyped.value); break;
      case prometheus::MetricType::Histogram:
        add(family.name + "_count", metric, static_cast<double>(metric.histogram.sample_count));
        add(family.name + "_sum", metric, metric.histogram.sample_sum);
        break;
      case prometheus::MetricType::Summary:
        add(family.name + "_count", metric, static_cast<double>(metric.summary.sample_count));
        add(family.name + "_sum", metric, metric.summary.sample_sum);
        break;
    }
  }
}

// One cached RRset's records and signatures as zone-file lines, with `ttl` as their TTL.
void AddRRsetLines(const dns::RRset& set, uint32_t ttl, std::vector<ControlItem>& items) {
  auto line = [&](dns::RrType type, const std::string& rdata) {
    // Owners are stored as the upstream echoed them, in 0x20-randomised case; shown lowercase.
    items.push_back(Field("record", set.owner.ToLower().ToText() + "\t" + std::to_string(ttl) + "\t" +
                                        dns::RrClassToText(set.klass) + "\t" + dns::RrTypeToText(type) + "\t" + rdata));
  };
  for (const auto& rdata : set.rdatas) line(set.type, dns::RdataBytesToText(set.type, rdata));
  for (const auto& sig : set.sigs) line(dns::RrType::RRSIG, dns::RdataToText(dns::Rdata(sig)));
  for (const auto& sig : set.legacy_sigs) line(dns::RrType::SIG, dns::RdataToText(dns::Rdata(sig)));
}

std::string_view KindComment(cache::EntryKind kind) {
  switch (kind) {
    case cache::EntryKind::kPositive: return "";
    case cache::EntryKind::kNoData: return "NODATA (RFC 2308), proved by:";
    case cache::EntryKind::kNxDomain: return "NXDOMAIN (RFC 2308), proved by:";
  }
  return "";
}

}  // namespace

ControlService::ControlService(ControlTargets targets) : targets_(std::move(targets)) {}

std::string ControlService::Answer(std::string_view line, const io::CommandPeer& peer) {
  auto request = ParseControlRequest(line);
  if (!request) {
    if (targets_.log) targets_.log("control: refused a request from uid " + std::to_string(peer.uid) + ": " + request.error());
    return EncodeControlReply(ControlReply::Error(request.error()), ControlFormat::kText);
  }
  std::string what(ControlCommandName(request->command));
  if (request->name) what += " " + request->name->ToText();
  ControlReply reply = Execute(*request);
  if (targets_.log) {
    targets_.log("control: " + what + " from uid " + std::to_string(peer.uid) + ": " +
                 (reply.ok ? (reply.message.empty() ? std::string("ok") : reply.message) : "error: " + reply.message));
  }
  return EncodeControlReply(reply, request->format);
}

ControlReply ControlService::Execute(const ControlRequest& request) {
  switch (request.command) {
    case ControlCommand::kStatus: return Status();
    case ControlCommand::kStats: return Stats();
    case ControlCommand::kFlush:
    case ControlCommand::kFlushZone:
    case ControlCommand::kFlushAll:
    case ControlCommand::kFlushNegative: return Flush(request);
    case ControlCommand::kFlushBogus: return FlushBogus();
    case ControlCommand::kDumpCache: return DumpCache();
    case ControlCommand::kForwardZones: return ForwardZones();
    case ControlCommand::kTrustAnchors: return TrustAnchors();
    case ControlCommand::kMirrorRefresh: return MirrorRefresh(*request.name);
    case ControlCommand::kNtaAdd: return NtaAdd(request);
    case ControlCommand::kNtaRemove: return NtaRemove(*request.name);
    case ControlCommand::kNtaList: return NtaList();
    case ControlCommand::kReload:
      return targets_.reload ? targets_.reload() : ControlReply::Error("reload is not available in this daemon");
  }
  return ControlReply::Error("unknown command");
}

ControlReply ControlService::Status() const {
  LiveSettings live = targets_.live->Snapshot();
  const Config& config = *live.config;
  std::string listen;
  for (const Endpoint& endpoint : config.listen) listen += (listen.empty() ? "" : " ") + endpoint.ToString();
  int64_t now = targets_.now_seconds();
  ControlItem item{
      {"version", std::string(BuildVersion())},
      {"pid", static_cast<uint64_t>(getpid())},
      {"uptime_seconds", static_cast<uint64_t>(now > targets_.start_time_seconds ? now - targets_.start_time_seconds : 0)},
      {"workers", static_cast<uint64_t>(targets_.workers->size())},
      {"listen", listen},
      {"validation", config.validation},
      {"forward_zones", static_cast<uint64_t>(config.forward_zones.size())},
      {"mirror_zones", static_cast<uint64_t>(config.mirror_zones.size())},
      {"metrics", config.metrics_listen ? config.metrics_listen->ToString() : std::string("off")},
  };
  if (targets_.cache != nullptr) {
    item.push_back({"cache_directory", config.cache_directory});
    item.push_back({"cache_entries", static_cast<uint64_t>(targets_.cache->EntryCount())});
    item.push_back({"cache_used_bytes", targets_.cache->UsedBytes()});
    item.push_back({"cache_max_bytes", config.cache_max_size});
  } else {
    item.push_back({"cache_directory", std::string("off")});
  }
  ControlReply reply;
  reply.message = "redoubt is running";
  reply.items.push_back(std::move(item));
  return reply;
}

ControlReply ControlService::Stats() const {
  MetricsExporter exporter(targets_.metrics);
  ControlReply reply;
  reply.layout = ControlLayout::kLines;
  for (const prometheus::MetricFamily& family : exporter.Collect()) AddSamples(family, reply.items);
  return reply;
}

ControlReply ControlService::Flush(const ControlRequest& request) {
  if (targets_.cache == nullptr) return NoCache();
  size_t removed = 0, delegations = 0, silent = 0;
  std::string what;
  switch (request.command) {
    case ControlCommand::kFlush:
      removed = targets_.cache->FlushName(*request.name);
      what = request.name->ToText();
      break;
    case ControlCommand::kFlushZone:
      removed = targets_.cache->FlushSubtree(*request.name);
      what = request.name->ToText() + " and below";
      break;
    case ControlCommand::kFlushNegative:
      removed = targets_.cache->FlushWhere([](const cache::CacheEntry& header) { return header.kind != cache::EntryKind::kPositive; });
      what = "NXDOMAIN and NODATA";
      break;
    default:
      removed = targets_.cache->FlushAll();
      what = "all";
      break;
  }
  if (request.command == ControlCommand::kFlushZone || request.command == ControlCommand::kFlushAll) {
    delegations = ForgetInWorkers([](Worker& w) { return w.ForgetDelegations(); }, silent);
    size_t ignored = 0;
    ForgetInWorkers([](Worker& w) { return w.ForgetBogus(); }, ignored);
  }
  ControlReply reply;
  reply.message = "flushed " + std::to_string(removed) + " cache entries (" + what + ")";
  if (delegations > 0) reply.message += " and " + std::to_string(delegations) + " learnt delegations";
  if (silent > 0) reply.message += "; " + std::to_string(silent) + " workers did not answer";
  reply.items.push_back({{"entries_removed", static_cast<uint64_t>(removed)},
                         {"delegations_forgotten", static_cast<uint64_t>(delegations)}});
  return reply;
}

ControlReply ControlService::FlushBogus() {
  size_t silent = 0;
  size_t forgotten = ForgetInWorkers([](Worker& w) { return w.ForgetBogus(); }, silent);
  ControlReply reply;
  reply.message = "forgot " + std::to_string(forgotten) + " bogus answers and chain-of-trust verdicts";
  if (silent > 0) reply.message += "; " + std::to_string(silent) + " workers did not answer";
  reply.items.push_back({{"forgotten", static_cast<uint64_t>(forgotten)}});
  return reply;
}

size_t ControlService::ForgetInWorkers(const std::function<std::future<size_t>(Worker&)>& forget, size_t& silent) {
  size_t total = 0;
  std::vector<std::future<size_t>> answers;
  for (const auto& worker : *targets_.workers) answers.push_back(forget(*worker));
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(1);
  for (auto& answer : answers) {
    if (answer.wait_until(deadline) != std::future_status::ready) {
      ++silent;
      continue;
    }
    try {
      total += answer.get();
    } catch (const std::future_error&) {  // The worker stopped before running it.
      ++silent;
    }
  }
  return total;
}

ControlReply ControlService::DumpCache() const {
  if (targets_.cache == nullptr) return NoCache();
  int64_t now = targets_.now_seconds();
  ControlReply reply;
  reply.layout = ControlLayout::kLines;
  size_t entries = 0;
  targets_.cache->ForEach([&](std::string_view key, const cache::CacheEntry& entry) {
    int64_t left = static_cast<int64_t>(entry.stored) + entry.ttl - now;
    if (left <= 0) return true;  // Expired (or only kept for serve-stale): not an answer now.
    ++entries;
    if (std::string_view comment = KindComment(entry.kind); !comment.empty()) {
      auto owner = cache::KeyOwner(key);
      reply.items.push_back(Field("record", "; " + (owner ? owner->ToText() : std::string("?")) + " " +
                                                std::string(comment)));
    }
    for (const dns::RRset& set : entry.rrsets) AddRRsetLines(set, static_cast<uint32_t>(left), reply.items);
    return true;
  });
  reply.message = "; " + std::to_string(entries) + " live cache entries";
  return reply;
}

ControlReply ControlService::ForwardZones() const {
  ControlReply reply;
  reply.layout = ControlLayout::kTable;
  LiveSettings live = targets_.live->Snapshot();
  for (const ForwardZone& zone : live.config->forward_zones) {
    std::string servers;
    for (const Endpoint& server : zone.servers) servers += (servers.empty() ? "" : ",") + server.ToString();
    std::string signing = zone.tsig_key ? "tsig " + zone.tsig_key->ToText()
                          : zone.gss_tsig ? std::string("gss-tsig")
                                          : std::string("none");
    reply.items.push_back({{"zone", zone.name.ToText()},
                           {"servers", servers.empty() ? std::string("(discovered)") : servers},
                           {"signing", signing}});
  }
  reply.message = std::to_string(reply.items.size()) + " forward zones";
  return reply;
}

ControlReply ControlService::TrustAnchors() const {
  ControlReply reply;
  reply.layout = ControlLayout::kTable;
  LiveSettings live = targets_.live->Snapshot();
  bool validation = live.config->validation;
  ManagedAnchors managed;
  if (targets_.managed_anchors != nullptr) managed = targets_.managed_anchors->Anchors();
  for (const AnchorDescription& anchor : live.anchors->Describe()) {
    bool modern = anchor.form == "DS" || anchor.form == "DNSKEY";
    if (modern && std::find(managed.zones.begin(), managed.zones.end(), anchor.zone) != managed.zones.end()) {
      continue;  // Listed below with its RFC 5011 state.
    }
    reply.items.push_back({{"zone", anchor.zone.ToText()},
                           {"form", anchor.form},
                           {"key_tag", static_cast<uint64_t>(anchor.key_tag)},
                           {"algorithm", static_cast<uint64_t>(anchor.algorithm)},
                           {"flags", static_cast<uint64_t>(anchor.flags)},
                           {"state", std::string(anchor.form == "NTA" ? "not validated" : "static")}});
  }
  if (targets_.managed_anchors != nullptr) {
    for (const ManagedKeyReport& key : targets_.managed_anchors->Describe(targets_.now_seconds())) {
      reply.items.push_back({{"zone", key.zone.ToText()},
                             {"form", key.form},
                             {"key_tag", static_cast<uint64_t>(key.key_tag)},
                             {"algorithm", static_cast<uint64_t>(key.algorithm)},
                             {"flags", static_cast<uint64_t>(key.flags)},
                             {"state", "managed " + key.state}});
    }
  }
  if (targets_.negative_anchors != nullptr) {
    int64_t now = targets_.now_seconds();
    for (const RuntimeNegativeAnchor& nta : targets_.negative_anchors->List()) {
      reply.items.push_back({{"zone", nta.zone.ToText()},
                             {"form", std::string("NTA")},
                             {"key_tag", uint64_t{0}},
                             {"algorithm", uint64_t{0}},
                             {"flags", uint64_t{0}},
                             {"state", "not validated for " + std::to_string(nta.expires - now) + " s (nta-add)"}});
    }
  }
  reply.message = std::to_string(reply.items.size()) + " trust anchor keys and negative anchors; validation " +
                  (validation ? "on" : "off") + "; managed (RFC 5011) zones: " +
                  std::to_string(managed.zones.size());
  return reply;
}

ControlReply ControlService::MirrorRefresh(const dns::Name& zone) {
  if (targets_.mirror_service == nullptr) return ControlReply::Error("no mirror-zones are configured");
  bool mirrored = false;
  LiveSettings live = targets_.live->Snapshot();
  for (const MirrorZoneConfig& mirror : live.config->mirror_zones) mirrored = mirrored || mirror.name == zone;
  if (!mirrored) return ControlReply::Error(zone.ToText() + " is not a mirrored zone");
  targets_.mirror_service->RefreshNow(zone);
  ControlReply reply;
  reply.message = "refresh of " + zone.ToText() + " started; its outcome is logged";
  return reply;
}

}  // namespace redoubt::resolver
