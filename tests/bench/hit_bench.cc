// Figures for the cache-hit path (issue #17): what one client query answered from the cache
// costs inside the process, in nanoseconds and heap allocations (a counting operator new), on
// one thread:
//   - the full path: Responder::Answer (query parsed into objects, a coroutine per stage, the
//     pipeline's cache stage reading LMDB through the worker's answer store, the reply built
//     from RRsets), the packet cache off;
//   - the packet cache: Responder::AnswerFromCache (the UDP listener's fast path), the reply
//     copied into a reused buffer with the ID, the name's case and the TTLs patched.
// The socket calls around them (recvmsg, sendmsg: most of a hit's CPU) are not in these figures.
// Prints figures; never passes or fails.
//
// usage: redoubt-hit-bench [NAMES (default 1000)] [HITS (default 1000000)]
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <new>
#include <string>
#include <vector>

#include "cache/lmdb_cache.h"
#include "net/dns/message_builder.h"
#include "resolver/cache_store/lmdb_answer_store.h"
#include "resolver/server/responder.h"
#include "resolver/testing/pipeline_rig.h"

namespace {

std::atomic<bool> counting{false};
std::atomic<uint64_t> allocations{0};

}  // namespace

// The replaced global allocation functions count calls while `counting` is set; GCC cannot see
// that the replacement delete pairs with this new.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
void* operator new(size_t size) {
  if (counting.load(std::memory_order_relaxed)) allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, size_t) noexcept { std::free(p); }
#pragma GCC diagnostic pop

namespace {

using namespace redoubt;
using Stopwatch = std::chrono::steady_clock;

std::string HostName(size_t i) { return "h" + std::to_string(i) + ".bench.example."; }

std::vector<uint8_t> Query(size_t i) {
  dns::QueryOptions options;
  options.id = static_cast<uint16_t>(i);
  return *dns::BuildQuery(*dns::Name::FromText(HostName(i)), dns::RrType::A, dns::RrClass::IN, options);
}

std::vector<uint8_t> AnswerSync(resolver::Responder& responder, std::vector<uint8_t> query, const io::QueryContext& context) {
  std::vector<uint8_t> reply;
  Detach([](resolver::Responder& r, std::vector<uint8_t> q, io::QueryContext c, std::vector<uint8_t>& out) -> Task<void> {
    out = co_await r.Answer(std::move(q), c);
  }(responder, std::move(query), context, reply));
  return reply;
}

struct Figures {
  double ns_per_hit = 0;
  double allocations_per_hit = 0;
  size_t answered = 0;
};

template <class AnswerOne>
Figures Measure(size_t hits, size_t names, AnswerOne answer_one) {
  Figures figures;
  allocations = 0;
  counting = true;
  auto start = Stopwatch::now();
  for (size_t i = 0; i < hits; ++i) figures.answered += answer_one(i % names);
  double seconds = std::chrono::duration<double>(Stopwatch::now() - start).count();
  counting = false;
  figures.ns_per_hit = seconds * 1e9 / static_cast<double>(hits);
  figures.allocations_per_hit = static_cast<double>(allocations.load()) / static_cast<double>(hits);
  return figures;
}

}  // namespace

int main(int argc, char** argv) {
  size_t names = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 1000;
  size_t hits = argc > 2 ? std::strtoul(argv[2], nullptr, 10) : 1'000'000;
  std::filesystem::path dir = std::filesystem::temp_directory_path() / ("redoubt-hit-bench-" + std::to_string(getpid()));
  cache::CacheOptions cache_options;
  cache_options.directory = dir.string();
  cache_options.max_size = 256ull << 20;
  auto opened = cache::LmdbCache::Open(cache_options, nullptr);
  if (!opened) {
    std::fprintf(stderr, "hit-bench: %s\n", opened.error().c_str());
    return 1;
  }
  cache::LmdbCache& cache = **opened;
  {
    resolver::testing::PipelineRig rig;
    std::string zone = "@ SOA a.root. h.root. 1 2 3 4 300\n@ NS a.root.\na.root. A 10.0.0.1\n";
    for (size_t i = 0; i < names; ++i) zone += HostName(i) + " 3600 A 192.0.2." + std::to_string(i % 250 + 1) + "\n";
    rig.network.Serve("10.0.0.1", ".", zone);
    resolver::AnswerStoreStats store_stats;
    resolver::LmdbAnswerStore store(cache, rig.clock, {}, &store_stats);
    rig.Build(&store);
    resolver::ResponderStats full_stats, packet_stats;
    resolver::ResponderOptions options;
    options.allow = {*resolver::Prefix::Parse("127.0.0.0/8")};
    resolver::Responder full(*rig.pipeline, options, &full_stats);
    options.packet_cache_bytes = 64 << 20;
    options.cache_generation = [&cache] { return cache.generation(); };
    resolver::Responder packets(*rig.pipeline, options, &packet_stats);
    io::QueryContext context{Endpoint{*IpAddress::Parse("127.0.0.1"), 5353}, false};
    std::vector<std::vector<uint8_t>> queries;
    for (size_t i = 0; i < names; ++i) queries.push_back(Query(i));
    for (size_t i = 0; i < names; ++i) {  // Resolved once (into LMDB), then kept by `packets`.
      AnswerSync(full, queries[i], context);
      AnswerSync(packets, queries[i], context);
    }
    Figures slow = Measure(hits / 10, names, [&](size_t i) { return !AnswerSync(full, queries[i], context).empty(); });
    std::vector<uint8_t> out;
    out.reserve(512);
    Figures fast = Measure(hits, names, [&](size_t i) { return packets.AnswerFromCache(queries[i], context, out); });
    std::printf("hit-bench: %zu names, answered from the cache inside one worker (no socket calls):\n", names);
    std::printf("hit-bench:   full path (pipeline, LMDB answer store): %7.0f ns, %5.1f allocations per hit (%zu of %zu answered)\n",
                slow.ns_per_hit, slow.allocations_per_hit, slow.answered, hits / 10);
    std::printf("hit-bench:   packet cache (UDP fast path):            %7.0f ns, %5.1f allocations per hit (%zu of %zu answered)\n",
                fast.ns_per_hit, fast.allocations_per_hit, fast.answered, hits);
  }
  opened->reset();
  std::filesystem::remove_all(dir);
  return 0;
}
