// A latency histogram that one worker thread writes and any thread reads: the per-worker half of
// redoubt_response_duration_seconds and redoubt_upstream_rtt_seconds (docs/metrics.md).
//
// Contract: as net/base/counter.h. The owning worker calls Observe() (no lock, no read-modify-
// write: two relaxed loads and stores); any thread may call Read() at any time and add the
// snapshots of all workers. A snapshot is not atomic as a whole: an observation being recorded
// may show in its bucket and not yet in the sum. The count is the sum of the buckets, so count
// and buckets always agree (Prometheus requires count == the +Inf bucket).
//
// Header-only and free of prometheus-cpp, so that the stats structs of resolver/server and
// resolver/upstream can hold one (tests/check_layering.sh allows them this header alone).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "net/base/counter.h"

namespace redoubt::resolver {

// The finite upper bounds of the buckets, in microseconds (Prometheus `le`, inclusive): DNS
// answers from the cache take well under a millisecond, iterations up to seconds. A last,
// implicit bucket (+Inf) takes everything above 5 seconds.
inline constexpr std::array<uint32_t, 13> kLatencyBoundsUs = {
    500, 1'000, 2'000, 5'000, 10'000, 25'000, 50'000, 100'000, 250'000, 500'000,
    1'000'000, 2'000'000, 5'000'000};

class LatencyHistogram {
 public:
  // Buckets, the +Inf one last.
  static constexpr size_t kBuckets = kLatencyBoundsUs.size() + 1;

  // What a reader sees: per-bucket counts (not cumulative) and the sum of all observations.
  struct Snapshot {
    std::array<uint64_t, kBuckets> buckets{};
    uint64_t sum_us = 0;

    uint64_t count() const noexcept {
      uint64_t total = 0;
      for (uint64_t b : buckets) total += b;
      return total;
    }
    // Adds another worker's snapshot (bucket by bucket).
    Snapshot& operator+=(const Snapshot& other) noexcept {
      for (size_t i = 0; i < kBuckets; ++i) buckets[i] += other.buckets[i];
      sum_us += other.sum_us;
      return *this;
    }
  };

  // The index of the bucket that holds `microseconds`: the first bound at or above it, or the
  // +Inf bucket (kBuckets - 1).
  static constexpr size_t BucketOf(uint32_t microseconds) noexcept {
    size_t i = 0;
    while (i < kLatencyBoundsUs.size() && microseconds > kLatencyBoundsUs[i]) ++i;
    return i;
  }

  // Writer side (the owning worker only): records one duration.
  void Observe(uint32_t microseconds) noexcept {
    ++buckets_[BucketOf(microseconds)];
    sum_us_ += microseconds;
  }

  // Reader side (any thread).
  Snapshot Read() const noexcept {
    Snapshot s;
    for (size_t i = 0; i < kBuckets; ++i) s.buckets[i] = buckets_[i].load();
    s.sum_us = sum_us_.load();
    return s;
  }

 private:
  std::array<Counter, kBuckets> buckets_{};
  Counter sum_us_;
};

}  // namespace redoubt::resolver
