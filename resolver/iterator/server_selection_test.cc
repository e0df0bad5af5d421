#include "resolver/iterator/server_selection.h"

#include <gtest/gtest.h>

#include <map>
#include <vector>

namespace redoubt::resolver {
namespace {

TEST(RttEstimateTest, UnknownServerGetsTheInitialTimeout) {
  RttEstimate rtt;
  EXPECT_FALSE(rtt.Measured());
  EXPECT_EQ(rtt.RtoMs(), 376u);
}

TEST(RttEstimateTest, FirstSampleSetsSrttAndVariance) {
  RttEstimate rtt;
  rtt.Update(100);
  EXPECT_EQ(rtt.RtoMs(), 100u + 4 * 50u);  // RFC 6298 2.2: SRTT = R, RTTVAR = R/2.
}

TEST(RttEstimateTest, SteadySamplesConverge) {
  RttEstimate rtt;
  for (int i = 0; i < 100; ++i) rtt.Update(20);
  EXPECT_EQ(rtt.RtoMs(), 50u);  // 20 ms with no variance, clamped to the 50 ms floor.
}

TEST(RttEstimateTest, TimeoutsBackOffToTheCapAndAReplyResets) {
  RttEstimate rtt;
  rtt.Update(100);
  rtt.Timeout();
  EXPECT_EQ(rtt.RtoMs(), 600u);
  rtt.Timeout();
  EXPECT_EQ(rtt.RtoMs(), 1200u);
  for (int i = 0; i < 20; ++i) rtt.Timeout();
  EXPECT_EQ(rtt.RtoMs(), 120000u);
  EXPECT_EQ(rtt.Timeouts(), 22u);
  rtt.Update(100);
  EXPECT_EQ(rtt.Timeouts(), 0u);
  EXPECT_LT(rtt.RtoMs(), 1000u);
}

std::map<size_t, int> Tally(const std::vector<ServerCandidate>& candidates) {
  std::map<size_t, int> chosen;
  for (uint32_t r = 0; r < 100; ++r) {
    auto pick = ChooseServer(candidates, [r](uint32_t n) { return r % n; });
    if (pick) ++chosen[*pick];
  }
  return chosen;
}

TEST(ChooseServerTest, ServersWithinTheBandShareTheLoad) {
  auto chosen = Tally({{100, true}, {450, true}, {2000, true}});
  EXPECT_EQ(chosen[0], 50);
  EXPECT_EQ(chosen[1], 50);
  EXPECT_EQ(chosen.count(2), 0u);  // Far slower than the best: not chosen.
}

TEST(ChooseServerTest, UnusableServersAreSkipped) {
  auto chosen = Tally({{50, false}, {300, true}});
  EXPECT_EQ(chosen[1], 100);
  EXPECT_EQ(chosen.count(0), 0u);
}

TEST(ChooseServerTest, DeadServersOnlyWhenNothingElseIsLeft) {
  EXPECT_EQ(Tally({{120000, true}, {5000, true}})[1], 100);
  EXPECT_EQ(Tally({{120000, true}, {120000, true}}).size(), 2u);  // Probe them.
}

TEST(ChooseServerTest, NothingUsableGivesNothing) {
  std::vector<ServerCandidate> none = {{100, false}};
  EXPECT_FALSE(ChooseServer(none, [](uint32_t) { return 0u; }).has_value());
  EXPECT_FALSE(ChooseServer({}, [](uint32_t) { return 0u; }).has_value());
}

}  // namespace
}  // namespace redoubt::resolver
