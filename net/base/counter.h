// A statistics counter that one thread writes and any thread may read while it does.
//
// Contract: each counter has a single writer, the worker thread that owns the stats struct it
// lives in; any number of other threads (the metrics endpoint, a shutdown summary) may read it
// at any time and sum it across workers. All accesses are relaxed: counters are independent of
// each other and of any other data, so a reader needs no ordering, only a value that is never
// torn and never goes backwards, and eventually catches up with the writer. Nothing may be
// inferred from one counter about another (a reader may see `replies` ahead of `queries`).
//
// Because there is one writer, an increment is a relaxed load and store, not a locked
// read-modify-write: it costs what a plain integer does (this sits on every query's path). A
// second writing thread would lose counts; data shared by workers (cache/lmdb_cache.h's
// CacheStats) uses std::atomic read-modify-writes instead.
#pragma once

#include <atomic>
#include <cstdint>

namespace redoubt {

class Counter {
 public:
  constexpr Counter() noexcept = default;
  constexpr explicit Counter(uint64_t value) noexcept : value_(value) {}

  // Copies take a snapshot of the value (stats structs stay copyable). The copy is a new,
  // independent counter; copying from a counter being written sees some recent value.
  Counter(const Counter& other) noexcept : value_(other.load()) {}
  Counter& operator=(const Counter& other) noexcept {
    value_.store(other.load(), std::memory_order_relaxed);
    return *this;
  }

  // Writer side: the owning thread only.
  Counter& operator++() noexcept { return *this += 1; }
  // Returns the value before the increment.
  uint64_t operator++(int) noexcept {
    uint64_t before = load();
    *this += 1;
    return before;
  }
  Counter& operator+=(uint64_t delta) noexcept {
    value_.store(value_.load(std::memory_order_relaxed) + delta, std::memory_order_relaxed);
    return *this;
  }

  // Reader side: any thread.
  uint64_t load() const noexcept { return value_.load(std::memory_order_relaxed); }
  operator uint64_t() const noexcept { return load(); }  // NOLINT(google-explicit-constructor)

 private:
  std::atomic<uint64_t> value_{0};
};

static_assert(std::atomic<uint64_t>::is_always_lock_free,
              "Counter must be readable from a metrics thread without locks");

}  // namespace redoubt
