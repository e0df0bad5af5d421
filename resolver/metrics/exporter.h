// The Prometheus exporter (docs/metrics.md): at each scrape, every metric of the metric table,
// summed over the workers' live counters. The query path takes no lock for it: workers only
// store to their own counters (net/base/counter.h); Collect() only loads them. prometheus-cpp's
// own Counter and Histogram (which lock) are never used; only its data model and text format.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>

#include "resolver/metrics/metrics_source.h"

namespace redoubt::resolver {

// The Content-Type of RenderMetrics() output (Prometheus text exposition format 0.0.4).
inline constexpr std::string_view kMetricsContentType = "text/plain; version=0.0.4; charset=utf-8";

class MetricsExporter final : public prometheus::Collectable {
 public:
  // Everything `sources` points at must outlive the exporter. Collect() may then run on any
  // thread while the workers run, and from several threads at once.
  explicit MetricsExporter(MetricsSources sources);

  // One family per metric of MetricTable(), in its order; a label's series in the table's
  // order. Counters and histograms are sums over the workers (so they may, across workers,
  // reflect slightly different instants; each one never goes backwards). Families whose
  // source is absent (MetricsSources null members) are left out.
  std::vector<prometheus::MetricFamily> Collect() const override;

 private:
  MetricsSources sources_;
};

// `exporter`'s families in the text exposition format (prometheus::TextSerializer), the body of
// a GET /metrics.
std::string RenderMetrics(const MetricsExporter& exporter);

}  // namespace redoubt::resolver
