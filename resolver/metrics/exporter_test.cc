#include "resolver/metrics/exporter.h"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <sstream>
#include <string>

#include "resolver/metrics/metric_table.h"
#include "resolver/metrics/sample_sources.h"

namespace redoubt::resolver {
namespace {

using metrics_testing::SampleStats;

// The text exposition read back: each series (`name{labels}`, as printed) to its value, and
// each family's TYPE.
struct Exposition {
  std::map<std::string, double> values;
  std::map<std::string, std::string> types;

  static Exposition Parse(const std::string& text) {
    Exposition e;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
      if (line.starts_with("# TYPE ")) {
        std::istringstream words(line.substr(7));
        std::string name, type;
        words >> name >> type;
        e.types[name] = type;
      } else if (!line.empty() && line[0] != '#') {
        size_t space = line.rfind(' ');
        e.values[line.substr(0, space)] = std::stod(line.substr(space + 1));
      }
    }
    return e;
  }
  // The series of `name` (with labels, without the name), e.g. {"{rcode=\"NOERROR\"}"}.
  std::set<std::string> SeriesOf(const std::string& name) const {
    std::set<std::string> out;
    for (const auto& [key, value] : values) {
      if (key == name) out.insert("");
      if (key.starts_with(name + "{")) out.insert(key.substr(name.size()));
    }
    return out;
  }
};

Exposition Render(const MetricsSources& sources) {
  return Exposition::Parse(RenderMetrics(MetricsExporter(sources)));
}

TEST(ExporterTest, ClientCountersAreSummedOverTheWorkers) {
  SampleStats sample;
  Exposition e = Render(sample.Sources());
  EXPECT_EQ(e.values.at("redoubt_queries_total{transport=\"udp\"}"), 30);
  EXPECT_EQ(e.values.at("redoubt_queries_total{transport=\"tcp\"}"), 3);
  EXPECT_EQ(e.SeriesOf("redoubt_responses_total"),
            (std::set<std::string>{"{rcode=\"NOERROR\"}", "{rcode=\"NXDOMAIN\"}",
                                   "{rcode=\"SERVFAIL\"}", "{rcode=\"REFUSED\"}",
                                   "{rcode=\"FORMERR\"}", "{rcode=\"NOTIMP\"}"}));
  EXPECT_EQ(e.values.at("redoubt_responses_total{rcode=\"NOERROR\"}"), 15);
  EXPECT_EQ(e.values.at("redoubt_responses_total{rcode=\"NXDOMAIN\"}"), 4);
  EXPECT_EQ(e.values.at("redoubt_responses_total{rcode=\"SERVFAIL\"}"), 2);
  EXPECT_EQ(e.values.at("redoubt_responses_total{rcode=\"FORMERR\"}"), 0);
  EXPECT_EQ(e.values.at("redoubt_upstream_queries_total{transport=\"udp\"}"), 10);
  EXPECT_EQ(e.values.at("redoubt_upstream_timeouts_total"), 2);
  EXPECT_EQ(e.values.at("redoubt_checksum_total{result=\"verified\"}"), 4);
  EXPECT_EQ(e.values.at("redoubt_gss_tsig_contexts_total{event=\"established\"}"), 2);
  EXPECT_EQ(e.values.at("redoubt_cache_lookups_total{result=\"hit\"}"), 6);
  EXPECT_EQ(e.values.at("redoubt_cache_lookups_total{result=\"miss\"}"), 2);
  EXPECT_EQ(e.values.at("redoubt_dnssec_answers_total{status=\"secure\"}"), 8);
  EXPECT_EQ(e.values.at("redoubt_dnssec_max_signature_checks"), 4);  // A maximum, not a sum.
}

TEST(ExporterTest, HistogramsAreCumulativeInSecondsWithCountAndSum) {
  SampleStats sample;
  Exposition e = Render(sample.Sources());
  const std::string d = "redoubt_response_duration_seconds";
  EXPECT_EQ(e.types.at(d), "histogram");
  EXPECT_EQ(e.SeriesOf(d + "_bucket").size(), 14u);
  EXPECT_EQ(e.values.at(d + "_bucket{le=\"0.0005\"}"), 1);
  EXPECT_EQ(e.values.at(d + "_bucket{le=\"0.002\"}"), 1);
  EXPECT_EQ(e.values.at(d + "_bucket{le=\"0.005\"}"), 2);
  EXPECT_EQ(e.values.at(d + "_bucket{le=\"5\"}"), 2);
  EXPECT_EQ(e.values.at(d + "_bucket{le=\"+Inf\"}"), 3);
  EXPECT_EQ(e.values.at(d + "_count"), 3);
  EXPECT_DOUBLE_EQ(e.values.at(d + "_sum"), 7.0034);
  const std::string r = "redoubt_upstream_rtt_seconds";
  EXPECT_EQ(e.values.at(r + "_bucket{le=\"0.01\"}"), 0);
  EXPECT_EQ(e.values.at(r + "_bucket{le=\"0.025\"}"), 2);
  EXPECT_DOUBLE_EQ(e.values.at(r + "_sum"), 0.04);
}

TEST(ExporterTest, SharedCacheMirrorAndBuildFacts) {
  SampleStats sample;
  Exposition e = Render(sample.Sources());
  EXPECT_EQ(e.values.at("redoubt_build_info{version=\"" + std::string(BuildVersion()) + "\"}"), 1);
  EXPECT_EQ(e.types.at("redoubt_build_info"), "gauge");
  EXPECT_EQ(e.values.at("redoubt_start_time_seconds"), metrics_testing::kSampleStartTime);
  EXPECT_EQ(e.values.at("redoubt_cache_entries"), 42);
  EXPECT_EQ(e.values.at("redoubt_cache_size_bytes"), 8192);
  EXPECT_EQ(e.values.at("redoubt_cache_capacity_bytes"), 1 << 20);
  EXPECT_EQ(e.values.at("redoubt_cache_evictions_total"), 5);
  EXPECT_EQ(e.values.at("redoubt_cache_damaged_total"), 1);
  EXPECT_EQ(e.values.at("redoubt_mirror_transfers_total{kind=\"full\"}"), 3);
  EXPECT_EQ(e.values.at("redoubt_mirror_transfers_total{kind=\"incremental\"}"), 0);
  EXPECT_EQ(e.values.at("redoubt_reloads_total{result=\"ok\"}"), 2);
  EXPECT_EQ(e.values.at("redoubt_reloads_total{result=\"refused\"}"), 1);
  EXPECT_EQ(e.values.at("redoubt_reloads_total{result=\"failed\"}"), 0);
  EXPECT_EQ(e.values.at("redoubt_trust_anchor_refreshes_total{result=\"validated\"}"), 3);
  EXPECT_EQ(e.values.at("redoubt_trust_anchor_refreshes_total{result=\"refused\"}"), 0);
  EXPECT_EQ(e.values.at("redoubt_trust_anchor_refreshes_total{result=\"failed\"}"), 1);
  EXPECT_EQ(e.values.at("redoubt_trust_anchor_swaps_total"), 1);
}

// Every family of the table, with its type and exactly its label values; nothing else.
TEST(ExporterTest, TheExpositionIsExactlyTheTable) {
  SampleStats sample;
  Exposition e = Render(sample.Sources());
  EXPECT_EQ(e.types.size(), MetricTable().size());
  for (const MetricDefinition& definition : MetricTable()) {
    std::string name(definition.name);
    ASSERT_TRUE(e.types.contains(name)) << name;
    std::string type(definition.kind == MetricKind::kInfo ? "gauge" : MetricKindName(definition.kind));
    EXPECT_EQ(e.types.at(name), type) << name;
    if (definition.kind == MetricKind::kHistogram || definition.kind == MetricKind::kInfo) continue;
    std::set<std::string> expected;
    for (const MetricSeries& series : definition.series) {
      expected.insert(definition.label.empty()
                          ? ""
                          : "{" + std::string(definition.label) + "=\"" + series.label_value + "\"}");
    }
    EXPECT_EQ(e.SeriesOf(name), expected) << name;
  }
}

TEST(ExporterTest, AbsentCacheAndMirrorLeaveTheirFamiliesOut) {
  SampleStats sample;
  MetricsSources sources = sample.Sources();
  sources.cache = nullptr;
  sources.cache_size = nullptr;
  sources.mirror = nullptr;
  sources.reloads = nullptr;
  sources.anchor_refreshes = nullptr;
  Exposition e = Render(sources);
  for (const char* gone : {"redoubt_cache_entries", "redoubt_cache_size_bytes", "redoubt_cache_evictions_total",
                           "redoubt_mirror_transfers_total", "redoubt_reloads_total",
                           "redoubt_trust_anchor_refreshes_total", "redoubt_trust_anchor_swaps_total"}) {
    EXPECT_FALSE(e.types.contains(gone)) << gone;
  }
  // Per-worker counts of the cache and mirrored zones stay (zero when unused).
  EXPECT_EQ(e.values.at("redoubt_cache_lookups_total{result=\"hit\"}"), 6);
  EXPECT_EQ(e.values.at("redoubt_mirror_lookups_total{result=\"answered\"}"), 0);
}

TEST(ExporterTest, NoWorkersGivesZeroes) {
  Exposition e = Render(MetricsSources{});
  EXPECT_EQ(e.values.at("redoubt_queries_total{transport=\"udp\"}"), 0);
  EXPECT_EQ(e.values.at("redoubt_response_duration_seconds_count"), 0);
  EXPECT_EQ(e.values.at("redoubt_dnssec_max_signature_checks"), 0);
}

// Counters keep moving between scrapes; a later scrape sees the later values.
TEST(ExporterTest, EachCollectReadsTheLiveCounters) {
  SampleStats sample;
  MetricsExporter exporter(sample.Sources());
  ++sample.workers[1].responder.servfail;
  sample.workers[0].responder.duration.Observe(1);
  Exposition e = Exposition::Parse(RenderMetrics(exporter));
  EXPECT_EQ(e.values.at("redoubt_responses_total{rcode=\"SERVFAIL\"}"), 3);
  EXPECT_EQ(e.values.at("redoubt_response_duration_seconds_count"), 4);
}

}  // namespace
}  // namespace redoubt::resolver
