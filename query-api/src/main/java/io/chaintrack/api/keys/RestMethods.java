package io.chaintrack.api.keys;

import io.chaintrack.api.docs.OpenApiDocument;
import io.chaintrack.proto.v1.QueryProto;
import jakarta.inject.Singleton;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** REST route template -> the gRPC method it serves (from the google.api.http rules), so tiers name one thing. */
@Singleton
public final class RestMethods {
    private final Map<String, String> byTemplate = new HashMap<>();

    public RestMethods() {
        for (OpenApiDocument.Route route : OpenApiDocument.routes(QueryProto.getDescriptor().getServices())) {
            byTemplate.put(route.template(), route.rpc().getService().getFullName() + "/" + route.rpc().getName());
        }
    }

    public Optional<String> method(String template) {
        return Optional.ofNullable(byTemplate.get(template));
    }
}
