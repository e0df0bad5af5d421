#include "resolver/metrics/exporter.h"

#include <limits>
#include <sstream>
#include <utility>

#include <prometheus/text_serializer.h>

#include "resolver/metrics/metric_table.h"

namespace redoubt::resolver {
namespace {

constexpr double kMicrosecondsPerSecond = 1e6;

prometheus::MetricType TypeOf(MetricKind kind) {
  switch (kind) {
    case MetricKind::kCounter: return prometheus::MetricType::Counter;
    case MetricKind::kGauge:
    case MetricKind::kInfo: return prometheus::MetricType::Gauge;
    case MetricKind::kHistogram: return prometheus::MetricType::Histogram;
  }
  return prometheus::MetricType::Untyped;
}

// The series' value, or nothing when its source is absent.
std::optional<double> ValueOf(const MetricSeries& series, const MetricsSources& sources) {
  if (series.shared != nullptr) return series.shared(sources);
  uint64_t sum = 0;
  for (const WorkerCounters& worker : sources.workers) sum += series.per_worker(worker);
  return static_cast<double>(sum);
}

void AddSeries(const MetricDefinition& definition, const MetricsSources& sources,
               prometheus::MetricFamily& family) {
  for (const MetricSeries& series : definition.series) {
    std::optional<double> value = ValueOf(series, sources);
    if (!value) continue;
    prometheus::ClientMetric metric;
    if (!definition.label.empty()) {
      metric.label.push_back({std::string(definition.label), series.label_value});
    }
    if (definition.kind == MetricKind::kCounter) {
      metric.counter.value = *value;
    } else {
      metric.gauge.value = *value;
    }
    family.metric.push_back(std::move(metric));
  }
}

void AddInfo(const MetricDefinition& definition, prometheus::MetricFamily& family) {
  prometheus::ClientMetric metric;
  metric.label.push_back({std::string(definition.label), std::string(BuildVersion())});
  metric.gauge.value = 1;
  family.metric.push_back(std::move(metric));
}

// The workers' histograms added up, as Prometheus wants them: cumulative buckets in seconds.
void AddHistogram(const MetricDefinition& definition, const MetricsSources& sources,
                  prometheus::MetricFamily& family) {
  LatencyHistogram::Snapshot total;
  for (const WorkerCounters& worker : sources.workers) total += definition.histogram(worker)->Read();
  prometheus::ClientMetric metric;
  uint64_t cumulative = 0;
  for (size_t i = 0; i < LatencyHistogram::kBuckets; ++i) {
    cumulative += total.buckets[i];
    double bound = i < kLatencyBoundsUs.size()
                       ? static_cast<double>(kLatencyBoundsUs[i]) / kMicrosecondsPerSecond
                       : std::numeric_limits<double>::infinity();
    metric.histogram.bucket.push_back({cumulative, bound});
  }
  metric.histogram.sample_count = cumulative;
  metric.histogram.sample_sum = static_cast<double>(total.sum_us) / kMicrosecondsPerSecond;
  family.metric.push_back(std::move(metric));
}

}  // namespace

MetricsExporter::MetricsExporter(MetricsSources sources) : sources_(std::move(sources)) {}

std::vector<prometheus::MetricFamily> MetricsExporter::Collect() const {
  std::vector<prometheus::MetricFamily> families;
  for (const MetricDefinition& definition : MetricTable()) {
    prometheus::MetricFamily family{std::string(definition.name), std::string(definition.help),
                                    TypeOf(definition.kind), {}};
    switch (definition.kind) {
      case MetricKind::kInfo: AddInfo(definition, family); break;
      case MetricKind::kHistogram: AddHistogram(definition, sources_, family); break;
      case MetricKind::kCounter:
      case MetricKind::kGauge: AddSeries(definition, sources_, family); break;
    }
    if (!family.metric.empty()) families.push_back(std::move(family));
  }
  return families;
}

std::string RenderMetrics(const MetricsExporter& exporter) {
  std::ostringstream out;
  prometheus::TextSerializer().Serialize(out, exporter.Collect());
  return out.str();
}

}  // namespace redoubt::resolver
