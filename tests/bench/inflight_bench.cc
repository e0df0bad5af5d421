// Memory held by each in-flight upstream UDP exchange (net/io UdpExchange): starts N exchanges
// at once towards a loopback socket that never answers, samples the process's resident set and
// the heap in use while they are all pending, and again after they have timed out. What a
// pending exchange costs bounds how many queries a worker can keep outstanding, so this is the
// figure to watch when the exchange's state changes. Prints figures; never passes or fails.
//
// usage: redoubt-inflight-bench [EXCHANGES (default 10000)] [TIMEOUT_MS (default 1000)]
#include <malloc.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <random>
#include <vector>

#include "net/io/address.h"
#include "net/io/exchange.h"
#include "net/io/listener.h"

namespace {

using namespace redoubt;

struct Sample {
  long rss = 0;   // Resident set, bytes (/proc/self/statm).
  long heap = 0;  // Bytes malloc has handed out and not had back (mallinfo2).
};

Sample Measure() {
  Sample sample;
  std::ifstream statm("/proc/self/statm");
  long size = 0, resident = 0;
  statm >> size >> resident;
  sample.rss = resident * sysconf(_SC_PAGESIZE);
  struct mallinfo2 info = mallinfo2();
  sample.heap = static_cast<long>(info.uordblks + info.hblkhd);
  return sample;
}

void Print(const char* what, const Sample& since, const Sample& now, size_t count) {
  double n = static_cast<double>(count);
  std::printf("inflight-bench: %-26s RSS %+8.1f MB (%7.0f B per exchange), heap %+8.1f MB (%7.0f B per exchange)\n",
              what, static_cast<double>(now.rss - since.rss) / 1048576.0,
              static_cast<double>(now.rss - since.rss) / n,
              static_cast<double>(now.heap - since.heap) / 1048576.0,
              static_cast<double>(now.heap - since.heap) / n);
}

// Every exchange holds a socket: lift the descriptor limit as far as the hard limit allows.
size_t RaiseDescriptorLimit(size_t wanted) {
  rlimit limit{};
  getrlimit(RLIMIT_NOFILE, &limit);
  limit.rlim_cur = std::max<rlim_t>(limit.rlim_cur, std::min<rlim_t>(wanted, limit.rlim_max));
  setrlimit(RLIMIT_NOFILE, &limit);
  return static_cast<size_t>(limit.rlim_cur);
}

// A DNS-sized query (a 50-octet message) with the eight candidate source ports the resolver's
// upstream passes (resolver/upstream/network_upstream.cc), so the exchange's state is the
// resolver's own.
io::UdpOptions ResolverLikeOptions(uint32_t timeout_ms, std::mt19937& rng) {
  io::UdpOptions options;
  options.timeout_ms = timeout_ms;
  std::uniform_int_distribution<int> port(1024, 65535);
  for (int i = 0; i < 8; ++i) options.source_ports.push_back(static_cast<uint16_t>(port(rng)));
  return options;
}

struct Run {
  Endpoint silent;
  uint32_t timeout_ms = 1000;
  std::map<io::ExchangeStatus, size_t> statuses;
  std::mt19937 rng{7};
};

Task<void> OneExchange(uv_loop_t* loop, Run& run) {
  std::vector<uint8_t> query(50, 0);
  io::ExchangeResult result = co_await io::UdpExchange(
      loop, run.silent, std::move(query), [](std::span<const uint8_t>) { return true; },
      ResolverLikeOptions(run.timeout_ms, run.rng));
  ++run.statuses[result.status];
}

// Runs `count` exchanges at once; `pending` is sampled half-way to the timeout, when every
// socket is registered with the loop and nothing has timed out yet.
Sample RunBatch(uv_loop_t* loop, Run& run, size_t count) {
  Sample pending;
  uv_timer_t sampler;
  uv_timer_init(loop, &sampler);
  sampler.data = &pending;
  uv_timer_start(&sampler, [](uv_timer_t* t) { *static_cast<Sample*>(t->data) = Measure(); },
                 run.timeout_ms / 2, 0);
  for (size_t i = 0; i < count; ++i) Detach(OneExchange(loop, run));
  uv_run(loop, UV_RUN_DEFAULT);
  uv_close(reinterpret_cast<uv_handle_t*>(&sampler), nullptr);
  uv_run(loop, UV_RUN_DEFAULT);
  return pending;
}

}  // namespace

int main(int argc, char** argv) {
  size_t count = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 10'000;
  uint32_t timeout_ms = argc > 2 ? static_cast<uint32_t>(std::strtoul(argv[2], nullptr, 10)) : 1000;
  size_t limit = RaiseDescriptorLimit(count + 64);
  if (count == 0 || count + 32 > limit) {
    std::fprintf(stderr, "inflight-bench: %zu exchanges need %zu descriptors; the limit is %zu\n",
                 count, count + 32, limit);
    return 1;
  }
  // The silent server: bound, never read. Its receive queue fills and the kernel drops the
  // rest quietly, with no ICMP error to end the exchanges early.
  int fd = io::OpenBoundSocket({IpAddress::V4({127, 0, 0, 1}), 0}, SOCK_DGRAM);
  if (fd < 0) {
    std::fprintf(stderr, "inflight-bench: cannot bind the silent socket\n");
    return 1;
  }
  Run run;
  run.silent = io::BoundAddress(fd);
  run.timeout_ms = timeout_ms;
  uv_loop_t loop;
  uv_loop_init(&loop);
  RunBatch(&loop, run, 16);  // Warms the loop and the allocator: per-loop costs, not per-exchange.
  run.statuses.clear();
  Sample base = Measure();
  Sample pending = RunBatch(&loop, run, count);
  Sample after = Measure();
  std::printf("inflight-bench: %zu UDP exchanges in flight at once on one loop, %u ms timeout\n",
              count, timeout_ms);
  Print("while pending:", base, pending, count);
  Print("after all timed out:", base, after, count);
  size_t timeouts = run.statuses[io::ExchangeStatus::kTimeout];
  std::printf("inflight-bench: %zu of %zu ended in a timeout as expected\n", timeouts, count);
  uv_loop_close(&loop);
  close(fd);
  return 0;
}
