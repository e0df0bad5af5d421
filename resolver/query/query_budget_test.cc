#include "resolver/query/query_budget.h"

#include <gtest/gtest.h>

namespace redoubt::resolver {
namespace {

TEST(QueryBudgetTest, DefaultsFollowTheResearchTable) {
  QueryLimits limits;
  EXPECT_EQ(limits.upstream_queries, 200u);
  EXPECT_EQ(limits.cname_hops, 11u);
  EXPECT_EQ(limits.dependency_depth, 7u);
  EXPECT_EQ(limits.deadline_ms, 10000u);
}

TEST(QueryBudgetTest, UpstreamQueriesRunOutAcrossNames) {
  QueryLimits limits;
  limits.upstream_queries = 5;
  limits.queries_per_name = 3;
  QueryBudget budget(limits);
  EXPECT_TRUE(budget.TryUpstreamQuery());
  EXPECT_TRUE(budget.TryUpstreamQuery());
  EXPECT_TRUE(budget.TryUpstreamQuery());
  EXPECT_FALSE(budget.TryUpstreamQuery());
  EXPECT_EQ(budget.hit(), LimitHit::kQueriesPerName);
  EXPECT_TRUE(budget.TryCnameHop());  // A new name: per-name count starts again.
  EXPECT_TRUE(budget.TryUpstreamQuery());
  EXPECT_TRUE(budget.TryUpstreamQuery());
  EXPECT_FALSE(budget.TryUpstreamQuery());
  EXPECT_EQ(budget.hit(), LimitHit::kUpstreamQueries);
  EXPECT_EQ(budget.upstream_queries(), 5u);
}

TEST(QueryBudgetTest, CnameHopsAreCapped) {
  QueryBudget budget;
  for (int i = 0; i < 11; ++i) EXPECT_TRUE(budget.TryCnameHop());
  EXPECT_FALSE(budget.TryCnameHop());
  EXPECT_EQ(budget.hit(), LimitHit::kCnameHops);
  EXPECT_EQ(LimitHitName(budget.hit()), "cname-hops");
}

TEST(QueryBudgetTest, DependencyDepthIsNested) {
  QueryBudget budget;
  for (int i = 0; i < 7; ++i) EXPECT_TRUE(budget.TryEnterDependency());
  EXPECT_FALSE(budget.TryEnterDependency());
  budget.LeaveDependency();
  EXPECT_TRUE(budget.TryEnterDependency());
}

TEST(QueryBudgetTest, NsAddressLookupsStopAfterFailures) {
  QueryBudget budget;
  for (int i = 0; i < 5; ++i) {
    EXPECT_TRUE(budget.TryNsAddressLookup());
    budget.NsAddressFailed();
  }
  EXPECT_TRUE(budget.NsAddressLookupsExhausted());
  EXPECT_FALSE(budget.TryNsAddressLookup());
  EXPECT_EQ(budget.hit(), LimitHit::kNsAddressFailures);
}

TEST(QueryBudgetTest, NsAddressLookupsAreCappedEvenWhenTheySucceed) {
  QueryBudget budget;
  for (int i = 0; i < 10; ++i) EXPECT_TRUE(budget.TryNsAddressLookup());
  EXPECT_FALSE(budget.TryNsAddressLookup());
  EXPECT_EQ(budget.hit(), LimitHit::kNsAddressLookups);
}

TEST(QueryBudgetTest, ReferralsAreCapped) {
  QueryLimits limits;
  limits.referrals = 2;
  QueryBudget budget(limits);
  EXPECT_TRUE(budget.TryReferral());
  EXPECT_TRUE(budget.TryReferral());
  EXPECT_FALSE(budget.TryReferral());
  EXPECT_EQ(budget.hit(), LimitHit::kReferrals);
}

}  // namespace
}  // namespace redoubt::resolver
