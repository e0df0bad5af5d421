// The /health and /ready answers of the metrics listener (docs/metrics.md "Probes"), as pure
// functions of what the daemon knows; the HTTP server only sends them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace redoubt::resolver {

// The HTTP status codes a probe answers with (RFC 9110 section 15).
enum class ProbeStatus : uint16_t { kOk = 200, kServiceUnavailable = 503 };

struct ProbeReply {
  ProbeStatus status = ProbeStatus::kOk;
  std::string body;  // text/plain, one line per fact, ending in '\n'.
};

// Liveness: the process answers HTTP, so it is alive. Always kOk ("ok").
ProbeReply Health();

// What readiness is judged on, gathered by the daemon at the moment of the probe.
struct ReadinessFacts {
  size_t workers = 0;            // Workers configured.
  size_t workers_listening = 0;  // Of those, started with every listener open.
  bool stopping = false;         // SIGTERM or SIGINT received: draining.
  size_t mirror_zones = 0;       // mirror-zones configured.
  size_t mirror_copies = 0;      // Of those, with a live copy published.
};

// Readiness: kOk when there is at least one worker, every worker is listening, and the daemon
// is not stopping; otherwise kServiceUnavailable with the reasons. Mirrored zones without a
// copy yet do not make it unready (their names are resolved upstream meanwhile, so answers are
// right, only slower); the body reports them either way, for operators.
ProbeReply Readiness(const ReadinessFacts& facts);

}  // namespace redoubt::resolver
