package io.chaintrack.api.context;

import io.chaintrack.api.config.ApiConfig;
import io.chaintrack.api.error.ErrorKind;
import io.chaintrack.api.metrics.ApiMetrics;
import io.chaintrack.api.rest.Problems;
import io.micronaut.context.propagation.slf4j.MdcPropagationContext;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.order.Ordered;
import io.micronaut.core.propagation.MutablePropagatedContext;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ResponseFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.web.router.RouteAttributes;
import io.micronaut.web.router.UriRouteInfo;
import java.util.Map;

/**
 * Per HTTP request: a request id (X-Request-Id kept or generated, echoed, in the MDC of every log line
 * written while serving it), a deadline (request timeout, shortened by a Grpc-Timeout header), its latency in
 * the route's histogram (labelled by the matched URI template, so /v1/chains/1/... and /2/... share a series)
 * and one structured access-log line (as chaintrack.api.access-log says). One filter, as each filter Micronaut
 * runs costs every request a round through its filter chain.
 */
@ServerFilter(ServerFilter.MATCH_ALL_PATTERN)
public final class HttpRequestContextFilter implements Ordered {
    public static final String TIMEOUT_HEADER = "Grpc-Timeout";
    private static final String ID = "chaintrack.request.id";
    private static final String START = "chaintrack.request.start";

    private final long requestTimeoutNanos;
    private final ApiConfig.AccessLog accessLog;
    private final long slowAfterNanos;
    private final ApiMetrics metrics;

    public HttpRequestContextFilter(ApiConfig config, ApiMetrics metrics) {
        this.requestTimeoutNanos = config.requestTimeout().toNanos();
        this.accessLog = config.accessLogLevel();
        this.slowAfterNanos = config.accessLogSlowAfter().toNanos();
        this.metrics = metrics;
    }

    @Override
    public int getOrder() {
        return HIGHEST_PRECEDENCE;
    }

    /** The matched URI template, or "unmatched". */
    public static String route(HttpRequest<?> request) {
        return RouteAttributes.getRouteInfo(request)
                .filter(info -> info instanceof UriRouteInfo<?, ?>)
                .map(info -> ((UriRouteInfo<?, ?>) info).getUriMatchTemplate().toString())
                .orElse(ApiMetrics.UNMATCHED_ROUTE);
    }

    @RequestFilter
    @Nullable
    public HttpResponse<?> start(HttpRequest<?> request, MutablePropagatedContext context) {
        String id = RequestIds.accept(request.getHeaders().get(RequestIds.HEADER));
        long now = System.nanoTime();
        request.setAttribute(ID, id);
        request.setAttribute(START, now);
        context.add(new MdcPropagationContext(Map.of(RequestIds.MDC_KEY, id)));
        // the peer is the caller until an authorizer knows better (auth off: per-client limits count by address)
        context.add(new Callers.Propagated(Caller.anonymous(Peers.of(request.getRemoteAddress()))));
        long timeout = requestTimeoutNanos;
        String offered = request.getHeaders().get(TIMEOUT_HEADER);
        if (offered != null) {
            try {
                timeout = Math.min(timeout, Deadlines.parseGrpcTimeout(offered));
            } catch (IllegalArgumentException e) {
                // a filter that answers itself is not given its own response filter: timed and logged here
                MutableHttpResponse<byte[]> problem = Problems.response(ErrorKind.INVALID_ARGUMENT,
                        TIMEOUT_HEADER + ": " + e.getMessage(), TIMEOUT_HEADER);
                finish(request, problem);
                return problem;
            }
        }
        context.add(new Deadlines.Propagated(now + timeout));
        return null;
    }

    @ResponseFilter
    public void finish(HttpRequest<?> request, MutableHttpResponse<?> response) {
        String id = request.getAttribute(ID, String.class).orElseGet(() -> RequestIds.accept(null));
        response.header(RequestIds.HEADER, id);
        long start = request.getAttribute(START, Long.class).orElse(System.nanoTime());
        long nanos = System.nanoTime() - start;
        String route = route(request);
        int status = response.code();
        metrics.observe(route, request.getMethodName(), Integer.toString(status), nanos);
        if (!accessLog.logs(status >= 400, nanos, slowAfterNanos)) {
            return;
        }
        AccessLogLine.write(id, request.getMethodName(), request.getPath(), status, route, nanos, "http");
    }
}
