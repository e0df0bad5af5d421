// Figures for the LMDB cache (issue: the LMDB cache; design guide section 5): the cost of a
// cache-hit lookup through the answer store (read transaction renew, B-tree search, checksum,
// decode, TTL), the cost of a one-RRset write transaction, and the size on disk per million
// RRsets. Prints figures; never passes or fails.
//
// usage: redoubt-cache-bench [RRSETS (default 1000000)] [LOOKUPS (default 1000000)]
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>

#include "cache/lmdb_cache.h"
#include "net/base/clock.h"
#include "resolver/cache_store/lmdb_answer_store.h"

namespace {

using namespace redoubt;
using Stopwatch = std::chrono::steady_clock;

double Seconds(Stopwatch::time_point since) {
  return std::chrono::duration<double>(Stopwatch::now() - since).count();
}

dns::Name HostName(size_t i) { return *dns::Name::FromText("h" + std::to_string(i) + ".bench.example."); }

resolver::Resolution AnswerFor(size_t i) {
  resolver::Resolution r;
  r.rcode = dns::Rcode::NOERROR;
  dns::RRset set;
  set.owner = HostName(i);
  set.ttl = 3600;
  set.rdatas = {{10, static_cast<uint8_t>(i >> 16), static_cast<uint8_t>(i >> 8), static_cast<uint8_t>(i)}};
  r.answer = {set};
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  size_t rrsets = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 1'000'000;
  size_t lookups = argc > 2 ? std::strtoul(argv[2], nullptr, 10) : 1'000'000;
  std::filesystem::path dir = std::filesystem::temp_directory_path() / ("redoubt-cache-bench-" + std::to_string(getpid()));
  cache::CacheOptions options;
  options.directory = dir.string();
  options.max_size = 4ull << 30;
  auto opened = cache::LmdbCache::Open(options, [](const std::string& line) { std::puts(line.c_str()); });
  if (!opened) {
    std::fprintf(stderr, "cache-bench: %s\n", opened.error().c_str());
    return 1;
  }
  auto& cache = **opened;
  RealClock clock;
  resolver::AnswerStoreStats stats;
  {
    resolver::LmdbAnswerStore store(cache, clock, {}, &stats);
    auto start = Stopwatch::now();
    for (size_t i = 0; i < rrsets; ++i) {
      store.Store({HostName(i), dns::RrType::A, dns::RrClass::IN}, AnswerFor(i));
    }
    double write_s = Seconds(start);
    std::printf("cache-bench: %zu RRsets stored, one write transaction each: %.2f s, %.1f us per write\n",
                rrsets, write_s, write_s * 1e6 / static_cast<double>(rrsets));
    std::mt19937_64 rng(42);
    std::vector<dns::Question> questions;
    questions.reserve(10000);
    for (size_t i = 0; i < 10000; ++i) questions.push_back({HostName(rng() % rrsets), dns::RrType::A, dns::RrClass::IN});
    start = Stopwatch::now();
    size_t hits = 0;
    for (size_t i = 0; i < lookups; ++i) hits += store.Lookup(questions[i % questions.size()]).has_value();
    double read_s = Seconds(start);
    std::printf("cache-bench: %zu cache-hit lookups (%zu hits): %.0f ns per lookup, %.0f lookups/s on one thread\n",
                lookups, hits, read_s * 1e9 / static_cast<double>(lookups), static_cast<double>(lookups) / read_s);
  }
  size_t file = std::filesystem::file_size(dir / "data.mdb");
  double usage = cache.Usage() * static_cast<double>(options.max_size);
  std::printf("cache-bench: data.mdb %.1f MiB for %zu RRsets (live pages %.1f MiB): %.1f MiB per million RRsets\n",
              static_cast<double>(file) / (1 << 20), rrsets, usage / (1 << 20),
              usage / (1 << 20) * 1e6 / static_cast<double>(rrsets));
  opened->reset();
  std::filesystem::remove_all(dir);
  return 0;
}
