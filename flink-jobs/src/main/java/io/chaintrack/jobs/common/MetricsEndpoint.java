package io.chaintrack.jobs.common;

import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;

/**
 * The one way a long-running process of the job jar outside Flink (price poller, wallet sync) serves its Prometheus
 * registry: /metrics, and /-/healthy for a Kubernetes probe. Port 0 binds an ephemeral port (tests).
 */
public final class MetricsEndpoint {
    private MetricsEndpoint() {}

    public static HTTPServer serve(PrometheusRegistry registry, int port) throws IOException {
        return HTTPServer.builder().registry(registry).port(port).buildAndStart();
    }
}
