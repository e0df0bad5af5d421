// The daemon's metrics endpoint (docs/metrics.md; issue #16): an HTTP server on `metrics.listen`
// answering GET /metrics (the Prometheus text format 0.0.4, built at each scrape from the
// workers' counters: no lock on the query path), /health (200 while the process answers) and
// /ready (200 once every worker listens, 503 while draining). Anything else is 404. It runs on
// its own thread (net/io/http_server.h), so a slow scraper never delays a query.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>

#include "net/base/endpoint.h"
#include "net/base/result.h"
#include "net/io/http_server.h"
#include "resolver/metrics/exporter.h"
#include "resolver/metrics/probes.h"

namespace redoubt::resolver {

class MetricsEndpoint {
 public:
  // Binds `listen` and starts serving; `readiness` is asked at each /ready. The sources and
  // whatever `readiness` reads must outlive Stop(). Fails with "metrics: cannot listen on ...".
  static Result<std::unique_ptr<MetricsEndpoint>, std::string> Start(
      Endpoint listen, MetricsSources sources, std::function<ReadinessFacts()> readiness);
  // Stops serving and joins the server thread (idempotent; also on destruction).
  void Stop();
  Endpoint local() const { return server_->local(); }

 private:
  MetricsEndpoint(MetricsSources sources, std::function<ReadinessFacts()> readiness);
  http::HttpResponse Answer(const http::HttpRequest& request) const;

  MetricsExporter exporter_;
  std::function<ReadinessFacts()> readiness_;
  std::unique_ptr<io::HttpServer> server_;
};

}  // namespace redoubt::resolver
