#include "resolver/pipeline/pipeline.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "resolver/testing/pipeline_rig.h"

namespace redoubt::resolver {
namespace {

using dns::Name;
using dns::Rcode;
using dns::RrType;

Name N(const char* text) { return *Name::FromText(text); }
dns::Question Q(const char* name, RrType type = RrType::A) { return {N(name), type, dns::RrClass::IN}; }

// A root on 10.0.0.1 serving example. on 10.0.1.1 (signed: RRSIGs and NSECs in the text) and
// glueless. whose server ns2.example. (no glue at the root) needs a sub-resolution.
class PipelineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    rig_.network.Serve("10.0.0.1", ".",
                       "@ SOA a.root. h.root. 1 2 3 4 300\n@ NS a.root.\na.root. A 10.0.0.1\n"
                       "example. NS ns1.example.\nns1.example. A 10.0.1.1\n"
                       "glueless. NS ns2.example.\n");
    rig_.network.Serve("10.0.1.1", "example.",
                       "@ SOA ns1 h 1 2 3 4 300\n@ NS ns1\nns1 A 10.0.1.1\nns2 A 10.0.1.1\n"
                       "www A 192.0.2.1\n"
                       "www RRSIG A 8 2 3600 20300101000000 20200101000000 1 example. AAAA\n"
                       "@ RRSIG SOA 8 1 3600 20300101000000 20200101000000 1 example. AAAA\n"
                       "@ NSEC ns1 NS SOA RRSIG NSEC\n"
                       "@ RRSIG NSEC 8 1 3600 20300101000000 20200101000000 1 example. AAAA\n"
                       "alias CNAME www\n");
    rig_.network.Serve("10.0.1.1", "glueless.", "@ SOA ns2.example. h 1 2 3 4 300\n"
                                                "@ NS ns2.example.\nhost A 192.0.2.7\n");
  }

  testing::PipelineRig rig_;
};

// What each stage saw of the request context.
struct Seen {
  std::vector<ClientFlags> flags;
  std::vector<uint32_t> depths;
  std::vector<uint32_t> upstream_queries;
  std::vector<MonoTime> deadlines;
  std::vector<QueryBudget*> budgets;
};

class RecordingValidator final : public Validator {
 public:
  explicit RecordingValidator(Seen& seen) : seen_(seen) {}
  Task<Resolution> Validate(const RequestContext& context, Resolution resolution) override {
    seen_.flags.push_back(context.client());
    seen_.depths.push_back(context.depth());
    seen_.upstream_queries.push_back(context.budget().upstream_queries());
    seen_.deadlines.push_back(context.deadline());
    seen_.budgets.push_back(&context.budget());
    co_return resolution;
  }

 private:
  Seen& seen_;
};

// A store that keeps results in a map, to show the pipeline consults it first and offers it
// every result.
class MapStore final : public AnswerStore {
 public:
  std::optional<Resolution> Lookup(const dns::Question& q) override {
    ++lookups;
    auto it = results.find(q.qname.ToLower().ToText());
    if (it == results.end()) return std::nullopt;
    return it->second;
  }
  void Store(const dns::Question& q, const Resolution& r) override {
    results[q.qname.ToLower().ToText()] = r;
  }
  std::map<std::string, Resolution> results;
  int lookups = 0;
};

TEST_F(PipelineTest, OneClientQueryWalksEveryStageWithItsContext) {
  Seen seen;
  RecordingValidator validator(seen);
  MapStore store;
  rig_.pipeline_options.limits.deadline_ms = 4000;
  rig_.Build(&store, &validator);
  MonoTime start = rig_.clock.Now();
  Resolution r = rig_.Resolve(Q("host.glueless."), {true, true, 1232});
  EXPECT_EQ(r.rcode, Rcode::NOERROR);
  ASSERT_EQ(r.answer.size(), 1u);
  // Validate saw the sub-resolution (ns2.example. A, depth 1, DO set, CD clear) and then the
  // client's question (depth 0, the client's DO and CD), on one budget and one deadline.
  ASSERT_EQ(seen.flags.size(), 2u);
  EXPECT_EQ(seen.depths, (std::vector<uint32_t>{1, 0}));
  EXPECT_EQ(seen.flags[0], (ClientFlags{true, false, 1232}));
  EXPECT_EQ(seen.flags[1], (ClientFlags{true, true, 1232}));
  EXPECT_EQ(seen.budgets[0], seen.budgets[1]);
  EXPECT_EQ(seen.deadlines[0], start + std::chrono::milliseconds(4000));
  EXPECT_EQ(seen.deadlines[1], seen.deadlines[0]);
  EXPECT_LT(seen.upstream_queries[0], seen.upstream_queries[1]);  // The parent spent more.
  EXPECT_EQ(r.upstream_queries, seen.upstream_queries[1]);
  // The store was asked first for both and given both results.
  EXPECT_EQ(store.lookups, 2);
  EXPECT_EQ(store.results.count("ns2.example."), 1u);
  EXPECT_EQ(store.results.count("host.glueless."), 1u);
  EXPECT_EQ(rig_.stats.requests, 1u);
  EXPECT_EQ(rig_.stats.sub_resolutions, 1u);
  // No exchange was given a timeout beyond the deadline.
  for (uint32_t t : rig_.network.timeouts()) EXPECT_LE(t, 4000u);
}

// The responder's packet cache admits a reply only when no upstream query was sent for it
// (Responder::Answer): an answer from the store must say so, whatever the stored copy says.
TEST_F(PipelineTest, AnswerFromTheStoreReportsNoUpstreamQueries) {
  MapStore store;
  rig_.Build(&store);
  Resolution first = rig_.Resolve(Q("www.example."));
  ASSERT_EQ(first.rcode, Rcode::NOERROR);
  EXPECT_GT(first.upstream_queries, 0u);
  EXPECT_GT(store.results["www.example."].upstream_queries, 0u) << "the stored copy keeps its count";
  size_t asked = rig_.network.log().size();
  Resolution second = rig_.Resolve(Q("www.example."));
  EXPECT_EQ(rig_.network.log().size(), asked);
  EXPECT_EQ(second.upstream_queries, 0u);
  EXPECT_EQ(rig_.stats.from_store, 1u);
}

TEST_F(PipelineTest, ExchangeTimeoutsNeverRunPastTheDeadline) {
  rig_.pipeline_options.limits.deadline_ms = 150;  // Less than the iterator's 200 ms floor.
  rig_.Build();
  Resolution r = rig_.Resolve(Q("www.example."));
  EXPECT_EQ(r.rcode, Rcode::NOERROR);
  ASSERT_FALSE(rig_.network.timeouts().empty());
  for (uint32_t t : rig_.network.timeouts()) EXPECT_LE(t, 150u);
}

TEST_F(PipelineTest, SubResolutionsSpendTheParentsBudget) {
  rig_.pipeline_options.limits.upstream_queries = 3;  // The sub-resolution needs them all.
  rig_.Build();
  Resolution r = rig_.Resolve(Q("host.glueless."));
  EXPECT_EQ(r.rcode, Rcode::SERVFAIL);
  EXPECT_LE(rig_.network.log().size(), 3u);
}

TEST_F(PipelineTest, TheStoreIsAskedFirstAndGivenEveryResult) {
  MapStore store;
  rig_.Build(&store);
  EXPECT_EQ(rig_.Resolve(Q("www.example.")).rcode, Rcode::NOERROR);
  ASSERT_EQ(store.results.size(), 1u);
  size_t asked = rig_.network.log().size();
  Resolution again = rig_.Resolve(Q("www.example."));
  EXPECT_EQ(again.rcode, Rcode::NOERROR);
  ASSERT_EQ(again.answer.size(), 1u);
  EXPECT_EQ(rig_.network.log().size(), asked);  // Nothing sent.
  EXPECT_EQ(rig_.stats.from_store, 1u);
}

// A validator that proves "nx.example." absent without resolving (as RFC 8198 synthesis does).
class SynthesisingValidator final : public Validator {
 public:
  Task<Resolution> Validate(const RequestContext&, Resolution resolution) override { co_return resolution; }
  std::optional<Resolution> Synthesise(const RequestContext& context) override {
    ++asked;
    if (!(context.question().qname == N("nx.example."))) return std::nullopt;
    Resolution denied;
    denied.rcode = Rcode::NXDOMAIN;
    denied.security = dns::Security::kSecure;
    return denied;
  }
  int asked = 0;
};

// The synthesis hook comes after the store and before any resolving; what it makes is served
// as it is, not stored (the records it came from already are).
TEST_F(PipelineTest, SynthesisedAnswerIsServedWithoutResolving) {
  MapStore store;
  SynthesisingValidator validator;
  rig_.Build(&store, &validator);
  Resolution r = rig_.Resolve(Q("nx.example."));
  EXPECT_EQ(r.rcode, Rcode::NXDOMAIN);
  EXPECT_EQ(r.security, dns::Security::kSecure);
  EXPECT_TRUE(rig_.network.log().empty());
  EXPECT_EQ(store.lookups, 1);
  EXPECT_TRUE(store.results.empty());
  EXPECT_EQ(rig_.stats.synthesised, 1u);
  EXPECT_EQ(rig_.stats.resolutions, 0u);
  EXPECT_EQ(rig_.Resolve(Q("www.example.")).rcode, Rcode::NOERROR);  // Not synthesised: resolved.
  EXPECT_FALSE(rig_.network.log().empty());
  EXPECT_EQ(rig_.stats.synthesised, 1u);
  EXPECT_GE(validator.asked, 2);
}

// Runs the questions concurrently (the network held until all have started).
std::vector<Resolution> Concurrently(testing::PipelineRig& rig,
                                     std::vector<std::pair<dns::Question, ClientFlags>> asks) {
  rig.Build();
  rig.network.Hold();
  std::vector<Resolution> results(asks.size());
  for (size_t i = 0; i < asks.size(); ++i) {
    RequestContext request = rig.pipeline->NewRequest(asks[i].first, asks[i].second);
    Detach([](Pipeline& p, Resolution& out, RequestContext context) -> Task<void> {
      out = co_await p.Resolve(std::move(context));
    }(*rig.pipeline, results[i], std::move(request)));
  }
  rig.network.Release();
  return results;
}

TEST_F(PipelineTest, IdenticalQuestionsInFlightAreAskedOnce) {
  auto results = Concurrently(rig_, {{Q("www.example."), {}}, {Q("WWW.Example."), {}},
                                     {Q("alias.example."), {}}});
  for (const Resolution& r : results) EXPECT_EQ(r.rcode, Rcode::NOERROR);
  EXPECT_EQ(rig_.stats.coalesced, 1u);  // The second name differs from the first only in case.
  EXPECT_EQ(rig_.stats.resolutions, 2u);
}

TEST_F(PipelineTest, DoAndCdAreInTheCoalescingKey) {
  auto results = Concurrently(rig_, {{Q("www.example."), {false, false, 0}},
                                     {Q("www.example."), {true, false, 1232}},
                                     {Q("www.example."), {false, true, 1232}},
                                     {Q("www.example."), {true, false, 4096}}});
  for (const Resolution& r : results) EXPECT_EQ(r.rcode, Rcode::NOERROR);
  EXPECT_EQ(rig_.stats.coalesced, 1u);  // Only the last (same DO and CD as the second).
  EXPECT_EQ(rig_.stats.resolutions, 3u);
}

// A client waiting on another's question whose own request stops (worker shutdown) leaves at
// once with SERVFAIL; the question it waited on goes on and is answered.
TEST_F(PipelineTest, StoppedWaiterLeavesTheCoalescedQuestion) {
  rig_.Build();
  rig_.network.Hold();
  std::stop_source stop_second;
  Resolution first, second;
  bool second_done = false;
  for (int i = 0; i < 2; ++i) {
    RequestContext request = rig_.pipeline->NewRequest(Q("www.example."), {},
                                                       i == 0 ? std::stop_token{} : stop_second.get_token());
    Detach([](Pipeline& p, Resolution& out, RequestContext context, bool* done) -> Task<void> {
      out = co_await p.Resolve(std::move(context));
      if (done) *done = true;
    }(*rig_.pipeline, i == 0 ? first : second, std::move(request), i == 0 ? nullptr : &second_done));
  }
  EXPECT_EQ(rig_.stats.coalesced, 1u);
  EXPECT_FALSE(second_done);
  stop_second.request_stop();
  EXPECT_TRUE(second_done);
  EXPECT_EQ(second.rcode, Rcode::SERVFAIL);
  EXPECT_EQ(second.ede_text, "shutting down");
  rig_.network.Release();
  EXPECT_EQ(first.rcode, Rcode::NOERROR);
}

TEST_F(PipelineTest, SignedNegativeAnswerKeepsSoaNsecAndTheirSignatures) {
  Resolution r = rig_.Resolve(Q("nope.example."));
  EXPECT_EQ(r.rcode, Rcode::NXDOMAIN);
  ASSERT_EQ(r.authority.size(), 2u);
  EXPECT_EQ(r.authority[0].type, RrType::SOA);
  EXPECT_EQ(r.authority[0].sigs.size(), 1u);
  EXPECT_EQ(r.authority[1].type, RrType::NSEC);
  EXPECT_EQ(r.authority[1].sigs.size(), 1u);
}

TEST_F(PipelineTest, AnswersKeepTheirSignaturesAndTheCutsFollowedAreRecorded) {
  Resolution r = rig_.Resolve(Q("www.example."));
  ASSERT_EQ(r.answer.size(), 1u);
  EXPECT_EQ(r.answer[0].sigs.size(), 1u);
  ASSERT_EQ(r.cuts.size(), 1u);
  EXPECT_EQ(r.cuts[0].zone, N("example."));
}

TEST_F(PipelineTest, ForwardZoneIsChosenByThePipelineNotTheIterator) {
  rig_.network.Serve("10.0.9.9", "corp.", "@ SOA ns h 1 2 3 4 300\nwww A 192.0.2.99\n"
                                          "out CNAME www.example.\n");
  rig_.forward_zones = {{N("corp."), {Endpoint{*IpAddress::Parse("10.0.9.9"), 53}}}};
  rig_.Build();
  // A chain from a forward zone into the iterated tree: each link goes to its own source.
  Resolution r = rig_.Resolve(Q("out.corp."));
  EXPECT_EQ(r.rcode, Rcode::NOERROR);
  ASSERT_EQ(r.answer.size(), 2u);
  EXPECT_EQ(rig_.network.log().front(), "10.0.9.9 out.corp. A +rd");
  EXPECT_TRUE(rig_.network.log().back().ends_with("www.example. A"));
}

}  // namespace
}  // namespace redoubt::resolver

namespace redoubt::resolver {
namespace {

// Local copies (mirror-zones) answering www.example. with 192.0.2.99, or declining.
class FakeLocalZones final : public LocalZones {
 public:
  std::optional<NameStep> Answer(const RequestContext&, const dns::Question& question) override {
    asked.push_back(question.qname.ToText());
    if (decline) return std::nullopt;
    NameStep step;
    step.ok = true;
    step.reply.kind = ReplyKind::kAnswer;
    dns::RRset a;
    a.owner = question.qname;
    a.type = RrType::A;
    a.ttl = 60;
    a.rdatas.push_back({192, 0, 2, 99});
    step.reply.answer.push_back(std::move(a));
    return step;
  }
  bool decline = false;
  std::vector<std::string> asked;
};

std::vector<std::string> Addresses(const Resolution& r) {
  std::vector<std::string> out;
  for (const dns::RRset& set : r.answer) {
    for (const auto& rdata : set.rdatas) {
      if (rdata.size() == 4) out.push_back(std::to_string(rdata[3]));
    }
  }
  return out;
}

TEST_F(PipelineTest, LocalCopyAnswersWithoutAnyUpstreamQuery) {
  FakeLocalZones local;
  rig_.pipeline_options.local_zones = &local;
  Resolution r = rig_.Resolve(Q("www.example."));
  EXPECT_EQ(r.rcode, Rcode::NOERROR);
  EXPECT_EQ(Addresses(r), std::vector<std::string>{"99"});
  EXPECT_TRUE(rig_.network.log().empty());
  EXPECT_EQ(local.asked, std::vector<std::string>{"www.example."});
}

TEST_F(PipelineTest, NameTheCopyDeclinesIsResolvedFromTheNetwork) {
  FakeLocalZones local;
  local.decline = true;
  rig_.pipeline_options.local_zones = &local;
  Resolution r = rig_.Resolve(Q("www.example."));
  EXPECT_EQ(Addresses(r), std::vector<std::string>{"1"});
  EXPECT_FALSE(rig_.network.log().empty());
}

TEST_F(PipelineTest, ForwardZoneInsideAMirroredZoneWins) {
  FakeLocalZones local;
  rig_.pipeline_options.local_zones = &local;
  rig_.forward_zones.push_back(ForwardZone{N("example."), {Endpoint{*IpAddress::Parse("10.0.1.1"), 53}}});
  Resolution r = rig_.Resolve(Q("www.example."));
  EXPECT_EQ(Addresses(r), std::vector<std::string>{"1"});
  EXPECT_TRUE(local.asked.empty());
}

}  // namespace
}  // namespace redoubt::resolver
