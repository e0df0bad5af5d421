#include "resolver/metrics/latency_histogram.h"

#include <gtest/gtest.h>

#include <limits>
#include <thread>

namespace redoubt::resolver {
namespace {

// Prometheus `le` is inclusive: a duration equal to a bound belongs to that bound's bucket.
TEST(LatencyHistogramTest, BoundsAreInclusiveAndTheLastBucketIsInfinity) {
  EXPECT_EQ(LatencyHistogram::kBuckets, 14u);
  EXPECT_EQ(LatencyHistogram::BucketOf(0), 0u);
  EXPECT_EQ(LatencyHistogram::BucketOf(500), 0u);
  EXPECT_EQ(LatencyHistogram::BucketOf(501), 1u);
  EXPECT_EQ(LatencyHistogram::BucketOf(1'000), 1u);
  EXPECT_EQ(LatencyHistogram::BucketOf(25'000), 5u);
  EXPECT_EQ(LatencyHistogram::BucketOf(5'000'000), 12u);
  EXPECT_EQ(LatencyHistogram::BucketOf(5'000'001), 13u);
  EXPECT_EQ(LatencyHistogram::BucketOf(std::numeric_limits<uint32_t>::max()), 13u);
}

TEST(LatencyHistogramTest, ObservationsLandInTheirBucketsAndTheSum) {
  LatencyHistogram histogram;
  EXPECT_EQ(histogram.Read().count(), 0u);
  histogram.Observe(300);
  histogram.Observe(300);
  histogram.Observe(60'000);     // 0.1 s bucket.
  histogram.Observe(9'000'000);  // +Inf.
  LatencyHistogram::Snapshot s = histogram.Read();
  EXPECT_EQ(s.buckets[0], 2u);
  EXPECT_EQ(s.buckets[7], 1u);
  EXPECT_EQ(s.buckets[13], 1u);
  EXPECT_EQ(s.count(), 4u);
  EXPECT_EQ(s.sum_us, 9'060'600u);
}

TEST(LatencyHistogramTest, SnapshotsOfWorkersAddUpBucketByBucket) {
  LatencyHistogram a, b;
  a.Observe(100);
  b.Observe(100);
  b.Observe(2'000);
  LatencyHistogram::Snapshot total = a.Read();
  total += b.Read();
  EXPECT_EQ(total.buckets[0], 2u);
  EXPECT_EQ(total.buckets[2], 1u);
  EXPECT_EQ(total.count(), 3u);
  EXPECT_EQ(total.sum_us, 2'200u);
}

// The contract of net/base/counter.h: one writer, any reader, no lock; a reader's counts never
// go backwards and catch up with the writer.
TEST(LatencyHistogramTest, AReaderOnAnotherThreadNeverSeesCountsGoBackwards) {
  constexpr uint32_t kObservations = 200'000;
  LatencyHistogram histogram;
  std::thread writer([&] {
    for (uint32_t i = 0; i < kObservations; ++i) histogram.Observe(i % 7'000'000);
  });
  uint64_t last = 0;
  bool backwards = false;
  for (int i = 0; i < 2'000; ++i) {
    uint64_t now = histogram.Read().count();
    backwards |= now < last;
    last = now;
  }
  writer.join();
  EXPECT_FALSE(backwards);
  EXPECT_EQ(histogram.Read().count(), kObservations);
}

}  // namespace
}  // namespace redoubt::resolver
