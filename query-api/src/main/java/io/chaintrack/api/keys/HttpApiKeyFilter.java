package io.chaintrack.api.keys;

import io.chaintrack.api.context.Caller;
import io.chaintrack.api.context.Callers;
import io.chaintrack.api.context.Peers;
import io.chaintrack.api.error.ApiException;
import io.chaintrack.api.rest.Problems;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.order.Ordered;
import io.micronaut.core.propagation.MutablePropagatedContext;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.web.router.RouteAttributes;
import io.micronaut.web.router.UriRouteInfo;

/**
 * Credentials on REST: routes of the proto services need an x-api-key or an Authorization bearer token; health,
 * metrics, docs and unknown paths do not. The caller found is propagated to the route (wallets are per user).
 */
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
    public HttpResponse<?> authorize(HttpRequest<?> request, MutablePropagatedContext context) {
        String method = RouteAttributes.getRouteInfo(request)
                .filter(info -> info instanceof UriRouteInfo<?, ?>)
                .flatMap(info -> methods.method(request.getMethodName(), ((UriRouteInfo<?, ?>) info).getUriMatchTemplate().toString()))
                .orElse(null);
        if (method == null) {
            return null;
        }
        try {
            Caller caller = authorizer.authorize(request.getHeaders().get(ApiKeyAuthorizer.HEADER),
                    request.getHeaders().get(OidcVerifier.HEADER), method);
            context.add(new Callers.Propagated(caller.withPeer(Peers.of(request.getRemoteAddress()))));
            return null;
        } catch (ApiException e) {
            return Problems.response(e);
        }
    }
}
