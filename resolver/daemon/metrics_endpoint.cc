#include "resolver/daemon/metrics_endpoint.h"

#include <utility>

namespace redoubt::resolver {
namespace {

http::HttpResponse FromProbe(const ProbeReply& probe) {
  http::HttpResponse response;
  response.status = static_cast<int>(probe.status);
  response.body = probe.body;
  return response;
}

}  // namespace

MetricsEndpoint::MetricsEndpoint(MetricsSources sources, std::function<ReadinessFacts()> readiness)
    : exporter_(std::move(sources)), readiness_(std::move(readiness)) {}

Result<std::unique_ptr<MetricsEndpoint>, std::string> MetricsEndpoint::Start(
    Endpoint listen, MetricsSources sources, std::function<ReadinessFacts()> readiness) {
  std::unique_ptr<MetricsEndpoint> endpoint(new MetricsEndpoint(std::move(sources), std::move(readiness)));
  const MetricsEndpoint* self = endpoint.get();
  auto server = io::HttpServer::Start(listen, [self](const http::HttpRequest& request) {
    return self->Answer(request);
  });
  if (!server) return Unexpected("metrics: " + server.error());
  endpoint->server_ = std::move(*server);
  return endpoint;
}

void MetricsEndpoint::Stop() {
  if (server_) server_->Stop();
}

http::HttpResponse MetricsEndpoint::Answer(const http::HttpRequest& request) const {
  if (request.target == "/metrics") {
    http::HttpResponse response;
    response.content_type = std::string(kMetricsContentType);
    response.body = RenderMetrics(exporter_);
    return response;
  }
  if (request.target == "/health") return FromProbe(Health());
  if (request.target == "/ready") return FromProbe(Readiness(readiness_()));
  http::HttpResponse missing;
  missing.status = 404;
  missing.body = "not found: try /metrics, /health or /ready\n";
  return missing;
}

}  // namespace redoubt::resolver
