#include "tests/scenarios/scenario_world.h"

#include <algorithm>

#include "net/dns/message_builder.h"
#include "net/dns/rdata.h"
#include "net/dns/zone_parser.h"
#include "tests/scenarios/scenario_parse.h"

namespace redoubt::resolver::scenario {
namespace {

using dns::Name;
using dns::Record;
using dns::RrType;

// How a zone's DS goes into its parent ("no-ds", "ds-digest", "ds-algorithm", "ds-mismatch",
// "ds-extra").
struct DsPlan {
  bool publish = true;
  std::optional<uint8_t> digest_type, algorithm;
  bool mismatch = false;
  std::vector<std::pair<uint8_t, uint8_t>> extra;  // (algorithm, digest type) of more DS records.
};

// "TYPE", or "*" for every type (the SignedZone breakers' RrType{0}).
std::optional<RrType> TypeOrAll(const std::string& text) {
  if (text == "*") return RrType{0};
  return ParseType(text);
}

bool DsBreak(const Words& w, DsPlan& ds, std::string& reason) {
  if (w[0] == "no-ds") {
    ds.publish = false;
    return true;
  }
  if (w[0] == "ds-mismatch") {
    ds.mismatch = true;
    return true;
  }
  auto number = ParseNumber(w[1]);
  auto second = w.size() > 2 ? ParseNumber(w[2]) : std::optional<uint64_t>(0);
  if (!number || *number > UINT8_MAX || !second || *second > UINT8_MAX) {
    reason = w[0] + " takes numbers 0-255";
    return false;
  }
  if (w[0] == "ds-extra") {
    ds.extra.emplace_back(static_cast<uint8_t>(*number), static_cast<uint8_t>(*second));
    return true;
  }
  (w[0] == "ds-digest" ? ds.digest_type : ds.algorithm) = static_cast<uint8_t>(*number);
  return true;
}

// Applies one "break" line to a signed zone (README: Breakers). A breaker that changes no
// record (an owner misspelt) is an error, so a scenario never tests less than it says.
bool ApplyBreak(const ZoneBreak& b, testing::SignedZone& zone, DsPlan& ds, std::string& error) {
  const Words& w = b.words;
  std::string reason;
  if (w[0].starts_with("ds-") || w[0] == "no-ds") {
    if (DsBreak(w, ds, reason)) return true;
  } else {
    // Owners are relative to the apex, or absolute; "@" is the apex.
    std::string owner = w.size() > 2 ? (w[1] == "@" ? zone.apex().ToText() : w[1]) : "";
    std::vector<Record> before = zone.records();
    auto type = TypeOrAll(w[0] == "remove-type" ? w[1] : w[2]);
    auto number = w.size() == 4 ? ParseNumber(w[3]) : std::optional<uint64_t>(0);
    if (!type || !number || *number > UINT32_MAX) {
      reason = "bad type or number";
    } else if (w[0] == "remove-type") {
      zone.RemoveType(*type);
    } else if (w[0] == "corrupt-sig") {
      zone.CorruptSignatures(owner, *type);
    } else if (w[0] == "strip-sig") {
      zone.StripSignatures(owner, *type);
    } else if (w[0] == "remove") {
      zone.Remove(owner, *type);
    } else if (w[0] == "set-ttl") {
      zone.SetTtl(owner, *type, static_cast<uint32_t>(*number));
    } else {
      zone.ReplaceWithForgedSignatures(owner, *type, static_cast<int>(*number));
    }
    if (reason.empty() && zone.records() != before) return true;
    if (reason.empty()) reason = "the breaker changed no record (is the owner right?)";
  }
  error = b.where.Where() + ": " + reason + "\n  " + b.where.text;
  return false;
}

// The KSK's DS (SHA-256) with `algorithm`, `digest_type` and a flipped digest bit as asked.
Record ChangedDs(const testing::SignedZone& zone, std::optional<uint8_t> algorithm,
                 std::optional<uint8_t> digest_type, bool mismatch) {
  Record record = zone.Ds();
  auto ds = dns::Decode<dns::rdata::DS>(record.rdata);
  if (!ds) return record;
  if (digest_type) ds->digest_type = *digest_type;
  if (algorithm) ds->algorithm = static_cast<dns::DnssecAlgorithm>(*algorithm);
  if (mismatch && !ds->digest.bytes.empty()) ds->digest.bytes.back() ^= 0xff;
  auto bytes = dns::RdataToBytes(dns::Rdata(*ds));
  if (bytes) record.rdata = *bytes;
  return record;
}

// The DS records the parent publishes for `zone` (RFC 4035 section 2.4).
std::vector<Record> DsFor(const testing::SignedZone& zone, const DsPlan& plan) {
  if (!plan.publish) return {};
  std::vector<Record> out = {ChangedDs(zone, plan.algorithm, plan.digest_type, plan.mismatch)};
  for (const auto& [algorithm, digest_type] : plan.extra) {
    out.push_back(ChangedDs(zone, algorithm, digest_type, false));
  }
  return out;
}

// The zone text as records ($TTL 3600, names relative to the apex), or the parser's reason.
bool ParseZone(const ZoneDecl& z, std::vector<Record>& records, std::string& error) {
  dns::ZoneParseOptions options;
  options.origin = z.apex;
  options.allow_include = false;
  auto parsed = dns::ParseZoneText("$TTL 3600\n" + z.text, z.where.Where(), options);
  if (!parsed) {
    error = z.where.Where() + ": zone " + z.apex.ToText() + ", line " +
            std::to_string(parsed.error().line - 1) + " of its text: " + parsed.error().reason;
    return false;
  }
  records = std::move(*parsed);
  return true;
}

// The closest zone of the scenario strictly above `apex`, or null.
const ZoneDecl* ParentOf(const Scenario& s, const Name& apex) {
  const ZoneDecl* parent = nullptr;
  for (const ZoneDecl& z : s.zones) {
    if (z.apex == apex || !apex.IsSubdomainOf(z.apex)) continue;
    if (!parent || z.apex.LabelCount() > parent->apex.LabelCount()) parent = &z;
  }
  return parent;
}

void SetAuthenticData(std::vector<uint8_t>& wire) {
  dns::WireReader reader = dns::WireReader::ForMessage(wire);
  auto header = dns::Header::Read(reader);
  if (!header || wire.size() < 4) return;
  header->ad = true;  // RFC 6840 section 5.7: a client may ask for AD without DO.
  uint16_t flags = header->Flags();
  wire[2] = static_cast<uint8_t>(flags >> 8);
  wire[3] = static_cast<uint8_t>(flags & 0xFF);
}

}  // namespace

Result<std::unique_ptr<World>, std::string> World::Make(const Scenario& scenario,
                                                        const std::filesystem::path& directory) {
  std::unique_ptr<World> world(new World());
  auto root = std::find_if(scenario.zones.begin(), scenario.zones.end(),
                           [](const ZoneDecl& z) { return z.apex.IsRoot(); });
  if (root == scenario.zones.end()) {
    return Unexpected<std::string>(scenario.where.Where() + ": no root zone (zone . at <address> ...)");
  }
  world->rig_ = std::make_unique<testing::PipelineRig>(root->addresses.front().c_str());
  std::string error;
  if (!world->BuildZones(scenario, error) || !world->BuildScripts(scenario, error) ||
      !world->BuildResolver(scenario, directory, error)) {
    return Unexpected<std::string>(error);
  }
  return world;
}

World::~World() {
  responder_.reset();
  if (rig_) {
    rig_->pipeline.reset();
    rig_->forwarder.reset();
  }
  validator_.reset();
  store_.reset();
  cache_.reset();
  rig_.reset();
  std::error_code ignored;
  if (!directory_.empty()) std::filesystem::remove_all(directory_, ignored);
}

bool World::BuildZones(const Scenario& s, std::string& error) {
  std::vector<const ZoneDecl*> order;
  for (const ZoneDecl& z : s.zones) order.push_back(&z);
  std::stable_sort(order.begin(), order.end(), [](const ZoneDecl* a, const ZoneDecl* b) {
    return a->apex.LabelCount() > b->apex.LabelCount();  // Children first.
  });
  std::map<Name, std::vector<Record>, CanonicalOrder> ds_for;
  for (const ZoneDecl* z : order) {
    std::vector<Record> records;
    if (!ParseZone(*z, records, error)) return false;
    std::vector<Record>& children_ds = ds_for[z->apex];
    std::vector<Record> ds;
    if (z->sign) {
      auto zone = testing::SignedZone::Make(z->apex.ToText(), z->text, z->options, children_ds);
      if (!zone) return Reject(error, z->where.Where() + ": the zone cannot be signed");
      DsPlan plan;
      for (const ZoneBreak& b : s.breaks) {
        if (b.apex == z->apex && !ApplyBreak(b, *zone, plan, error)) return false;
      }
      ds = DsFor(*zone, plan);
      records = zone->records();
      signed_.emplace(z->apex, std::move(*zone));
    } else {
      for (const ZoneBreak& b : s.breaks) {
        if (b.apex == z->apex) return Reject(error, b.where.Where() + ": breaks apply to signed zones");
      }
      records.insert(records.end(), children_ds.begin(), children_ds.end());
    }
    const ZoneDecl* parent = ParentOf(s, z->apex);
    if (parent) ds_for[parent->apex].insert(ds_for[parent->apex].end(), ds.begin(), ds.end());
    for (const std::string& address : z->addresses) rig_->network.ServeRecords(address, z->apex, records);
    served_[z->apex] = std::move(records);
  }
  return true;
}

std::vector<Record> World::Served(const Name& owner, RrType type) const {
  std::vector<const Name*> apexes;  // Deepest zone first: its data, else a parent's (DS).
  for (const auto& [apex, records] : served_) {
    if (owner.IsSubdomainOf(apex)) apexes.push_back(&apex);
  }
  std::sort(apexes.begin(), apexes.end(), [](const Name* a, const Name* b) { return a->LabelCount() > b->LabelCount(); });
  for (const Name* apex : apexes) {
    std::vector<Record> data, sigs;
    for (const Record& r : served_.at(*apex)) {
      if (!(r.owner == owner)) continue;
      if (r.type == type) data.push_back(r);
      if (r.type != RrType::RRSIG) continue;
      auto sig = dns::Decode<dns::rdata::RRSIG>(r.rdata);
      if (sig && sig->type_covered == type) sigs.push_back(r);
    }
    if (data.empty()) continue;
    data.insert(data.end(), sigs.begin(), sigs.end());
    return data;
  }
  return {};
}

bool World::BuildScripts(const Scenario& s, std::string& error) {
  for (const ScriptDecl& script : s.scripts) {
    testing::FakeNetwork::ScriptedReply reply;
    reply.rcode = script.rcode;
    reply.aa = script.aa;
    for (const ScriptRecord& r : script.records) {
      std::vector<Record>& to = r.section == dns::Section::kAnswer      ? reply.answer
                                : r.section == dns::Section::kAuthority ? reply.authority
                                                                        : reply.additional;
      if (r.record) {
        to.push_back(*r.record);
        continue;
      }
      std::vector<Record> copied = Served(r.copy_owner, r.copy_type);
      if (r.signatures_only) std::erase_if(copied, [](const Record& c) { return c.type != RrType::RRSIG; });
      if (copied.empty()) {
        error = script.where.Where() + ": copy finds no " + r.copy_owner.ToText() + " " +
                dns::RrTypeToText(r.copy_type) + " in the served zones";
        return false;
      }
      to.insert(to.end(), copied.begin(), copied.end());
    }
    rig_->network.Script(script.address, script.question, std::move(reply));
  }
  return true;
}

bool World::BuildResolver(const Scenario& s, const std::filesystem::path& directory, std::string& error) {
  std::vector<Record> anchors;
  for (const Name& zone : s.anchors) {
    auto found = signed_.find(zone);
    if (found == signed_.end()) return Reject(error, s.where.Where() + ": anchor " + zone.ToText() + " is no signed zone");
    anchors.push_back(found->second.Ds());
  }
  anchors_ = TrustAnchorStore(anchors, s.negative_anchors);
  if (s.options.lmdb_cache) {
    directory_ = directory;
    std::error_code ignored;
    std::filesystem::remove_all(directory_, ignored);
    std::filesystem::create_directories(directory_, ignored);
    cache::CacheOptions options;
    options.directory = directory_.string();
    options.max_size = 16 << 20;
    auto opened = cache::LmdbCache::Open(options, nullptr);
    if (!opened) return Reject(error, "LMDB cache in " + directory_.string() + ": " + opened.error());
    cache_ = std::move(*opened);
    store_ = std::make_unique<LmdbAnswerStore>(*cache_, rig_->clock, cache::TtlBounds{}, &store_stats_);
  } else {
    store_ = std::make_unique<NoAnswerStore>();
  }
  ValidatorOptions options;
  options.chain.bogus_ttl = s.options.bogus_ttl;
  validator_ = std::make_unique<DnssecValidator>(anchors_, rig_->clock, options, store_.get(), &validator_stats_);
  rig_->pipeline_options.validation_limits = s.options.limits;
  // As the daemon's worker: validation off is the pass-through validator.
  Pipeline& pipeline = rig_->Build(store_.get(), s.options.validation ? validator_.get() : nullptr);
  ResponderOptions responder;
  responder.allow = {*Prefix::Parse("127.0.0.0/8")};
  responder_ = std::make_unique<Responder>(pipeline, responder, &responder_stats_);
  return true;
}

std::vector<uint8_t> World::Ask(const Step& step) {
  dns::QueryOptions options;
  options.id = next_id_++;
  options.checking_disabled = step.checking_disabled;
  options.edns = step.edns;
  options.dnssec_ok = step.dnssec_ok;
  auto query = dns::BuildQuery(step.question.qname, step.question.qtype, step.question.qclass, options);
  if (!query) return {};
  if (step.authentic_data) SetAuthenticData(*query);
  io::QueryContext client{Endpoint{*IpAddress::Parse("127.0.0.1"), 5353}, step.tcp};
  std::vector<uint8_t> reply;
  Detach([](Responder& responder, std::vector<uint8_t> wire, io::QueryContext context,
            std::vector<uint8_t>& out) -> Task<void> {
    out = co_await responder.Answer(std::move(wire), context);
  }(*responder_, std::move(*query), client, reply));
  return reply;
}

void World::Advance(int64_t seconds) { rig_->clock.Advance(std::chrono::seconds(seconds)); }

}  // namespace redoubt::resolver::scenario
