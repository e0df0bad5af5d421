// libFuzzer target: the cache's eviction rule (cache/lmdb_cache.h, ChooseVictims), checked
// against a brute-force model. The input is a count (first octet) and a window of entries, three
// octets each (an expiry near now, or 0 for a damaged header). Whatever the window: the victims
// are min(count, window) distinct keys of the window, in key order, forming one run of
// consecutive window positions, and no other run of that length has a smaller sum of expiries
// (the first such run wins a tie).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "cache/lmdb_cache.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace redoubt::cache;
  if (size < 1) return 0;
  size_t count = data[0] % 40;
  std::vector<EvictionCandidate> window;
  for (size_t i = 1; i + 3 <= size && window.size() < 200; i += 3) {
    uint64_t expires = data[i] == 0 ? 0 : 1'800'000'000 + (uint64_t{data[i + 1]} << 8 | data[i + 2]);
    window.push_back({"k" + std::to_string(1000 + window.size()), expires});  // Distinct keys.
  }
  std::vector<std::string> victims = ChooseVictims(window, count);
  size_t want = std::min(count, window.size());
  if (victims.size() != want) std::abort();
  if (want == 0) return 0;
  // Brute force: the first run of `want` with the least sum.
  size_t best = 0;
  uint64_t best_sum = UINT64_MAX;
  for (size_t start = 0; start + want <= window.size(); ++start) {
    uint64_t sum = 0;
    for (size_t i = start; i < start + want; ++i) sum += window[i].expires;
    if (sum < best_sum) {
      best_sum = sum;
      best = start;
    }
  }
  for (size_t i = 0; i < want; ++i) {  // Keys are made in window order, so sorted = run order.
    if (victims[i] != window[best + i].key) std::abort();
  }
  return 0;
}
