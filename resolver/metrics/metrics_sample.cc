// redoubt-metrics-sample: prints the metrics exposition of known sample counters
// (sample_sources.h), for tests/integration/metrics_promtool.sh to run `promtool check metrics`
// on; with --markdown, prints instead the metric table as docs/metrics.md must hold it.
#include <cstdio>
#include <string>
#include <string_view>

#include "resolver/metrics/exporter.h"
#include "resolver/metrics/metric_table.h"
#include "resolver/metrics/sample_sources.h"

int main(int argc, char** argv) {
  using namespace redoubt::resolver;
  if (argc > 2 || (argc == 2 && std::string_view(argv[1]) != "--markdown")) {
    std::fprintf(stderr, "usage: redoubt-metrics-sample [--markdown]\n");
    return 2;
  }
  std::string text;
  if (argc == 2) {
    text = MetricsMarkdownTable();
  } else {
    metrics_testing::SampleStats sample;
    text = RenderMetrics(MetricsExporter(sample.Sources()));
  }
  std::fwrite(text.data(), 1, text.size(), stdout);
  return 0;
}
