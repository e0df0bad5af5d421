// A whole resolver floor over the fake network, for tests and fuzzers: fake network, simulated
// clock, delegation cache with root hints, iterator, forwarder, a store, the pass-through
// validator and the pipeline, wired as the daemon's worker wires them. Resolve() runs one
// question to completion (the fake network never suspends unless held).
#pragma once

#include <memory>
#include <vector>

#include "resolver/forwarder/forwarder.h"
#include "resolver/iterator/iterator.h"
#include "resolver/pipeline/pipeline.h"
#include "resolver/testing/fake_network.h"

namespace redoubt::resolver::testing {

class PipelineRig {
 public:
  // The root's server is `root_address` (hints set at once); loopback upstreams allowed.
  explicit PipelineRig(const char* root_address = "10.0.0.1") {
    cache.SetRoot(Delegation{dns::Name::Root(),
                             {{*dns::Name::FromText("a.root."), {*IpAddress::Parse(root_address)}, false}}});
    iterator_options.allow_loopback_upstreams = true;
  }

  // (Re)builds the floor from the current options; call after changing them.
  Pipeline& Build(AnswerStore* custom_store = nullptr, Validator* custom_validator = nullptr) {
    pipeline.reset();
    forwarder.reset();
    iterator = std::make_unique<Iterator>(network, cache, clock, iterator_options);
    forwarder = std::make_unique<Forwarder>(network, clock, forward_zones);
    pipeline = std::make_unique<Pipeline>(*iterator, forwarder.get(),
                                          custom_store ? *custom_store : store,
                                          custom_validator ? *custom_validator : validator, clock,
                                          pipeline_options, &stats);
    return *pipeline;
  }

  // Resolves one client question to completion.
  Resolution Resolve(dns::Question question, ClientFlags flags = {}, std::stop_token stop = {}) {
    if (!pipeline) Build();
    Resolution out;
    RequestContext request = pipeline->NewRequest(std::move(question), flags, std::move(stop));
    Detach([](Pipeline& p, Resolution& result, RequestContext context) -> Task<void> {
      result = co_await p.Resolve(std::move(context));
    }(*pipeline, out, std::move(request)));
    return out;
  }

  FakeNetwork network;
  SimulatedClock clock;
  DelegationCache cache{clock};
  IteratorOptions iterator_options;
  PipelineOptions pipeline_options;
  std::vector<ForwardZone> forward_zones;
  NoAnswerStore store;
  PassThroughValidator validator;
  PipelineStats stats;
  std::unique_ptr<Iterator> iterator;
  std::unique_ptr<Forwarder> forwarder;
  std::unique_ptr<Pipeline> pipeline;
};

}  // namespace redoubt::resolver::testing
