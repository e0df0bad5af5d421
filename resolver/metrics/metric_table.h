// THE table of exported metrics (docs/metrics.md): each metric's name, type, help text, its one
// label and that label's fixed values, and how each series is read. The exporter builds the
// exposition from it, the docs table is generated from it (MetricsMarkdownTable), and
// metric_table_test fails when docs/metrics.md and this table drift apart.
//
// Naming follows Prometheus (docs/research/ecosystem.md section 3.6): the `redoubt_` prefix,
// `_total` on counters, base units (seconds, bytes), labels with small fixed value sets.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "resolver/metrics/latency_histogram.h"
#include "resolver/metrics/metrics_source.h"

namespace redoubt::resolver {

// A metric's kind. kInfo is exported as a gauge of 1 whose labels carry the information
// (Prometheus `_info` convention: the text format 0.0.4 has no info type).
enum class MetricKind : uint8_t { kCounter, kGauge, kHistogram, kInfo };

// The word a kind has in docs/metrics.md ("counter", "gauge", "histogram", "info").
std::string_view MetricKindName(MetricKind kind);

// One time series of a metric: its label's value (empty when the metric has no label) and how
// to read it. Exactly one reader is set: `per_worker` is summed over every worker; `shared`
// reads process-wide data and returns nothing when its source is absent (no cache, no mirror
// zones), which leaves the series out.
struct MetricSeries {
  std::string label_value;
  uint64_t (*per_worker)(const WorkerCounters&) = nullptr;
  std::optional<double> (*shared)(const MetricsSources&) = nullptr;
};

struct MetricDefinition {
  std::string_view name;
  MetricKind kind;
  std::string_view help;  // One sentence: what is counted, in which unit.
  std::string_view label;  // The one label's name; empty: none.
  std::vector<MetricSeries> series;  // Counters and gauges: one per label value, in order.
  // Histograms: the worker's histogram, summed bucket by bucket over the workers.
  const LatencyHistogram* (*histogram)(const WorkerCounters&) = nullptr;
};

// Every exported metric, in exposition order. Built once; valid for the whole program.
const std::vector<MetricDefinition>& MetricTable();

// The daemon's version (meson's project version), the value of redoubt_build_info{version}.
std::string_view BuildVersion();

// The markdown table docs/metrics.md holds between its "metric-table" markers: a header row
// (name | type | labels | help), then one row per metric of MetricTable(), labels written
// `label="v1\|v2"`. Every line ends with '\n'.
std::string MetricsMarkdownTable();

}  // namespace redoubt::resolver
