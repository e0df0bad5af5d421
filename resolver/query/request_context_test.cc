#include "resolver/query/request_context.h"

#include <gtest/gtest.h>

namespace redoubt::resolver {
namespace {

dns::Question Q(const char* name, dns::RrType type = dns::RrType::A) {
  return {*dns::Name::FromText(name), type, dns::RrClass::IN};
}

TEST(RequestContextTest, NestedSharesTheBudgetAndDeadlineOfItsParent) {
  SimulatedClock clock;
  QueryLimits limits;
  limits.upstream_queries = 3;
  limits.deadline_ms = 5000;
  RequestContext parent = RequestContext::ForClient(Q("www.example."), {false, true, 1232}, limits,
                                                    {}, clock.Now());
  RequestContext child = parent.Nested(Q("ns.example.net."));
  EXPECT_EQ(&child.budget(), &parent.budget());
  EXPECT_EQ(child.deadline(), parent.deadline());
  EXPECT_TRUE(child.budget().TryUpstreamQuery());
  EXPECT_TRUE(parent.budget().TryUpstreamQuery());
  EXPECT_TRUE(child.budget().TryUpstreamQuery());
  EXPECT_FALSE(parent.budget().TryUpstreamQuery());  // Three spent between them.
  EXPECT_EQ(child.depth(), 1u);
  // A sub-resolution feeds the validator: DO set, CD clear, whatever the client asked.
  EXPECT_TRUE(child.client().dnssec_ok);
  EXPECT_FALSE(child.client().checking_disabled);
}

TEST(RequestContextTest, NsCycleIsSeenInTheAncestors) {
  SimulatedClock clock;
  RequestContext top = RequestContext::ForClient(Q("www.a.example."), {}, {}, {}, clock.Now());
  RequestContext b = top.Nested(Q("ns.b.example."));
  RequestContext a = b.Nested(Q("ns.a.example."));
  EXPECT_TRUE(a.InProgress(Q("NS.B.example.")));  // Case does not make it another question.
  EXPECT_TRUE(a.InProgress(Q("www.a.example.")));
  EXPECT_FALSE(a.InProgress(Q("ns.b.example.", dns::RrType::AAAA)));
  EXPECT_FALSE(top.InProgress(Q("ns.b.example.")));  // Siblings' questions are not ancestors.
}

TEST(RequestContextTest, RemainingTimeCapsEveryWaitAtTheDeadline) {
  SimulatedClock clock;
  QueryLimits limits;
  limits.deadline_ms = 1500;
  RequestContext context = RequestContext::ForClient(Q("x."), {}, limits, {}, clock.Now());
  EXPECT_EQ(context.RemainingMs(clock.Now()), 1500u);
  clock.Advance(std::chrono::milliseconds(1200));
  EXPECT_EQ(context.RemainingMs(clock.Now()), 300u);
  EXPECT_FALSE(context.Over(clock.Now()));
  clock.Advance(std::chrono::milliseconds(400));
  EXPECT_EQ(context.RemainingMs(clock.Now()), 0u);
  EXPECT_TRUE(context.Over(clock.Now()));
}

TEST(RequestContextTest, StopTokenEndsTheRequest) {
  SimulatedClock clock;
  std::stop_source stop;
  RequestContext context = RequestContext::ForClient(Q("x."), {}, {}, {}, clock.Now(), stop.get_token());
  RequestContext child = context.Nested(Q("y."));
  EXPECT_FALSE(child.Over(clock.Now()));
  stop.request_stop();
  EXPECT_TRUE(child.Over(clock.Now()));
}

TEST(ValidationBudgetTest, SignatureChecksStopAtTheLimit) {
  ValidationLimits limits;
  limits.signature_checks = 2;
  ValidationBudget budget(limits);
  EXPECT_TRUE(budget.TrySignatureCheck());
  EXPECT_TRUE(budget.TrySignatureCheck());
  EXPECT_FALSE(budget.exhausted());
  EXPECT_FALSE(budget.TrySignatureCheck());
  EXPECT_TRUE(budget.exhausted());
}

}  // namespace
}  // namespace redoubt::resolver
