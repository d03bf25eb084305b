package io.chaintrack.api.keys;

import io.chaintrack.api.error.ApiException;
import io.chaintrack.api.rest.Problems;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.order.Ordered;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.web.router.RouteAttributes;
import io.micronaut.web.router.UriRouteInfo;

/** API keys on REST: routes of the proto services need x-api-key; health, metrics, docs and unknown paths do not. */
@ServerFilter("/v1/**")
@Requires(property = "chaintrack.api.auth.enabled", notEquals = "false")
public final class HttpApiKeyFilter implements Ordered {
    private final ApiKeyAuthorizer authorizer;
    private final RestMethods methods;

    public HttpApiKeyFilter(ApiKeyAuthorizer authorizer, RestMethods methods) {
        this.authorizer = authorizer;
        this.methods = methods;
    }

    @Override
    public int getOrder() {
        return 0;
    }

    @RequestFilter
    @ExecuteOn(TaskExecutors.BLOCKING)
    @Nullable
    public HttpResponse<?> authorize(HttpRequest<?> request) {
        String method = RouteAttributes.getRouteInfo(request)
                .filter(info -> info instanceof UriRouteInfo<?, ?>)
                .flatMap(info -> methods.method(((UriRouteInfo<?, ?>) info).getUriMatchTemplate().toString()))
                .orElse(null);
        if (method == null) {
            return null;
        }
        try {
            authorizer.authorize(request.getHeaders().get(ApiKeyAuthorizer.HEADER), method);
            return null;
        } catch (ApiException e) {
            return Problems.response(e);
        }
    }
}
