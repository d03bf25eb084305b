package io.chaintrack.api.metrics;

import io.micronaut.core.order.Ordered;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ResponseFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.web.router.RouteAttributes;
import io.micronaut.web.router.UriRouteInfo;

/** Times every HTTP request, labelled by the matched URI template so /v1/chains/1/... and /2/... share a series. */
@ServerFilter(ServerFilter.MATCH_ALL_PATTERN)
public final class HttpMetricsFilter implements Ordered {
    private static final String START = "chaintrack.metrics.start";

    private final ApiMetrics metrics;

    public HttpMetricsFilter(ApiMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public int getOrder() {
        return HIGHEST_PRECEDENCE;
    }

    @RequestFilter
    public void start(HttpRequest<?> request) {
        request.setAttribute(START, System.nanoTime());
    }

    @ResponseFilter
    public void stop(HttpRequest<?> request, MutableHttpResponse<?> response) {
        long start = request.getAttribute(START, Long.class).orElse(System.nanoTime());
        metrics.observe(route(request), request.getMethodName(), Integer.toString(response.code()), System.nanoTime() - start);
    }

    /** The matched URI template, or "unmatched". */
    public static String route(HttpRequest<?> request) {
        return RouteAttributes.getRouteInfo(request)
                .filter(info -> info instanceof UriRouteInfo<?, ?>)
                .map(info -> ((UriRouteInfo<?, ?>) info).getUriMatchTemplate().toString())
                .orElse(ApiMetrics.UNMATCHED_ROUTE);
    }
}
