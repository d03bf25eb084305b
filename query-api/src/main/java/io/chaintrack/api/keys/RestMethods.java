package io.chaintrack.api.keys;

import io.chaintrack.api.docs.OpenApiDocument;
import io.chaintrack.proto.v1.QueryProto;
import jakarta.inject.Singleton;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * HTTP method + REST route template -> the gRPC method it serves (from the google.api.http rules), so tiers name
 * one thing; the HTTP method is part of the key because one template serves several (GET, PATCH, DELETE of a wallet).
 */
@Singleton
public final class RestMethods {
    private final Map<String, String> byRoute = new HashMap<>();

    public RestMethods() {
        for (OpenApiDocument.Route route : OpenApiDocument.routes(QueryProto.getDescriptor().getServices())) {
            byRoute.put(route.method().toUpperCase(Locale.ROOT) + " " + route.template(),
                    route.rpc().getService().getFullName() + "/" + route.rpc().getName());
        }
    }

    public Optional<String> method(String httpMethod, String template) {
        return Optional.ofNullable(byRoute.get(httpMethod.toUpperCase(Locale.ROOT) + " " + template));
    }
}
