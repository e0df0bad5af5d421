#include "resolver/metrics/probes.h"

#include <gtest/gtest.h>

namespace redoubt::resolver {
namespace {

TEST(ProbesTest, HealthIsAlwaysOk) {
  ProbeReply reply = Health();
  EXPECT_EQ(reply.status, ProbeStatus::kOk);
  EXPECT_EQ(reply.body, "ok\n");
}

TEST(ProbesTest, ReadyWhenEveryWorkerListens) {
  ProbeReply reply = Readiness({.workers = 2, .workers_listening = 2});
  EXPECT_EQ(reply.status, ProbeStatus::kOk);
  EXPECT_EQ(reply.body, "ready\n");
}

TEST(ProbesTest, NotReadyWhileAWorkerIsNotListeningOrWhileStopping) {
  ProbeReply starting = Readiness({.workers = 2, .workers_listening = 1});
  EXPECT_EQ(starting.status, ProbeStatus::kServiceUnavailable);
  EXPECT_EQ(starting.body, "workers listening: 1 of 2\n");
  EXPECT_EQ(Readiness({}).status, ProbeStatus::kServiceUnavailable);  // No worker at all.
  ProbeReply stopping = Readiness({.workers = 2, .workers_listening = 2, .stopping = true});
  EXPECT_EQ(stopping.status, ProbeStatus::kServiceUnavailable);
  EXPECT_EQ(stopping.body, "stopping\n");
}

// Names of a mirrored zone without a copy are resolved upstream meanwhile: still ready.
TEST(ProbesTest, MirrorZonesWithoutACopyAreReportedButDoNotGateReadiness) {
  ProbeReply reply = Readiness(
      {.workers = 1, .workers_listening = 1, .mirror_zones = 3, .mirror_copies = 1});
  EXPECT_EQ(reply.status, ProbeStatus::kOk);
  EXPECT_EQ(reply.body, "ready\nmirror zones without a copy yet: 2 of 3\n");
}

}  // namespace
}  // namespace redoubt::resolver
