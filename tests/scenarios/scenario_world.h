// A scenario's test Internet and the real resolver floor over it: every zone signed with fresh
// keys (children first, so each parent publishes its children's DS, RFC 4035 section 2.4),
// broken as the scenario says, served by the fake network with the scripted replies; the root's
// server as the only hint; the trust anchors (the DS of each anchored zone's KSK, RFC 4033
// section 2) and negative anchors (RFC 7646); the pipeline with the DnssecValidator (or the
// pass-through validator for "option validation off") and an LMDB answer store in a temporary
// directory, all on a SimulatedClock; and the Responder that turns a client's query into the
// reply it gets (RFC 4035 section 3.2: AD, CD, DO), which is what the steps check.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "cache/lmdb_cache.h"
#include "net/base/result.h"
#include "resolver/cache_store/lmdb_answer_store.h"
#include "resolver/server/responder.h"
#include "resolver/testing/pipeline_rig.h"
#include "resolver/testing/zone_signer.h"
#include "resolver/validator/dnssec_validator.h"
#include "tests/scenarios/scenario.h"

namespace redoubt::resolver::scenario {

class World {
 public:
  // Builds the world of `scenario`; the LMDB store lives under `directory` (created, and
  // removed with the world). An error is "file:line: reason".
  static Result<std::unique_ptr<World>, std::string> Make(const Scenario& scenario,
                                                          const std::filesystem::path& directory);
  ~World();
  World(const World&) = delete;
  World& operator=(const World&) = delete;

  // Sends the query of a "step query" to the responder as a client on 127.0.0.1 would and
  // returns the reply (empty when the responder sent nothing).
  std::vector<uint8_t> Ask(const Step& step);
  // Moves the simulated clock (wall and monotonic) forward.
  void Advance(int64_t seconds);
  // Every upstream question so far, "address qname TYPE".
  const std::vector<std::string>& UpstreamLog() const { return rig_->network.log(); }

 private:
  World() = default;
  bool BuildZones(const Scenario& scenario, std::string& error);
  bool BuildScripts(const Scenario& scenario, std::string& error);
  bool BuildResolver(const Scenario& scenario, const std::filesystem::path& directory,
                     std::string& error);
  // The records the zone holding `owner` serves at `owner`/`type`, with their RRSIGs.
  std::vector<dns::Record> Served(const dns::Name& owner, dns::RrType type) const;

  struct CanonicalOrder {
    bool operator()(const dns::Name& a, const dns::Name& b) const { return a.CanonicalCompare(b) < 0; }
  };

  std::unique_ptr<testing::PipelineRig> rig_;
  std::map<dns::Name, std::vector<dns::Record>, CanonicalOrder> served_;  // Per apex, broken.
  std::map<dns::Name, testing::SignedZone, CanonicalOrder> signed_;
  TrustAnchorStore anchors_;
  std::filesystem::path directory_;
  std::unique_ptr<cache::LmdbCache> cache_;
  std::unique_ptr<AnswerStore> store_;
  AnswerStoreStats store_stats_;
  ValidatorStats validator_stats_;
  std::unique_ptr<DnssecValidator> validator_;
  ResponderStats responder_stats_;
  std::unique_ptr<Responder> responder_;
  uint16_t next_id_ = 0x5c00;
};

}  // namespace redoubt::resolver::scenario
