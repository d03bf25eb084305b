package io.chaintrack.api.metrics;

import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;

/** Prometheus scrape endpoint; open even when API keys are required. */
@Controller
public final class MetricsController {
    private final ApiMetrics metrics;

    public MetricsController(ApiMetrics metrics) {
        this.metrics = metrics;
    }

    @Get(uri = "/metrics", produces = {MediaType.TEXT_PLAIN, "application/openmetrics-text", MediaType.ALL})
    @ExecuteOn(TaskExecutors.BLOCKING)
    public HttpResponse<byte[]> scrape(HttpRequest<?> request) {
        ApiMetrics.Exposition exposition = metrics.scrape(request.getHeaders().get(HttpHeaders.ACCEPT));
        return HttpResponse.ok(exposition.body()).contentType(exposition.contentType());
    }
}
