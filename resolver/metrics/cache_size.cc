#include "resolver/metrics/metrics_source.h"

namespace redoubt::resolver {

std::function<CacheSize()> CacheSizeReader(cache::LmdbCache& cache) {
  return [&cache] {
    return CacheSize{cache.EntryCount(), cache.UsedBytes(), cache.options().max_size};
  };
}

}  // namespace redoubt::resolver
