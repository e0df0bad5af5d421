#include "resolver/metrics/probes.h"

namespace redoubt::resolver {

ProbeReply Health() { return {ProbeStatus::kOk, "ok\n"}; }

ProbeReply Readiness(const ReadinessFacts& facts) {
  ProbeReply reply;
  if (facts.stopping) reply.body += "stopping\n";
  if (facts.workers == 0 || facts.workers_listening < facts.workers) {
    reply.body += "workers listening: " + std::to_string(facts.workers_listening) + " of " +
                  std::to_string(facts.workers) + "\n";
  }
  reply.status = reply.body.empty() ? ProbeStatus::kOk : ProbeStatus::kServiceUnavailable;
  if (reply.status == ProbeStatus::kOk) reply.body = "ready\n";
  if (facts.mirror_copies < facts.mirror_zones) {
    reply.body += "mirror zones without a copy yet: " +
                  std::to_string(facts.mirror_zones - facts.mirror_copies) + " of " +
                  std::to_string(facts.mirror_zones) + "\n";
  }
  return reply;
}

}  // namespace redoubt::resolver
