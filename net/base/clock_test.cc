#include "net/base/clock.h"

#include <gtest/gtest.h>

#include "net/base/deadline.h"

namespace redoubt {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

TEST(SimulatedClockTest, AdvancesBothReadings) {
  SimulatedClock clock(1000);
  MonoTime start = clock.Now();
  clock.Advance(seconds(5));
  EXPECT_EQ(clock.Now() - start, seconds(5));
  EXPECT_EQ(clock.WallSeconds(), 1005);
}

TEST(DeadlineTest, ExpiresWhenClockPassesIt) {
  SimulatedClock clock;
  Deadline d = Deadline::After(clock, milliseconds(300));
  EXPECT_FALSE(d.Expired(clock));
  EXPECT_EQ(d.Remaining(clock), milliseconds(300));
  clock.Advance(milliseconds(299));
  EXPECT_FALSE(d.Expired(clock));
  clock.Advance(milliseconds(1));
  EXPECT_TRUE(d.Expired(clock));
  EXPECT_EQ(d.Remaining(clock), Duration::zero());
}

TEST(DeadlineTest, MinPicksEarlier) {
  SimulatedClock clock;
  Deadline a = Deadline::After(clock, seconds(1));
  Deadline b = Deadline::After(clock, seconds(2));
  EXPECT_EQ(a.Min(b).at(), a.at());
  EXPECT_EQ(b.Min(a).at(), a.at());
  EXPECT_FALSE(Deadline::Never().Expired(clock));
}

TEST(RealClockTest, WallClockIsPlausible) {
  RealClock clock;
  EXPECT_GT(clock.WallSeconds(), 1'600'000'000);
  MonoTime a = clock.Now();
  EXPECT_GE(clock.Now(), a);
}

}  // namespace
}  // namespace redoubt
