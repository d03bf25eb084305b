package io.chaintrack.api.keys;

import io.chaintrack.api.grpc.GrpcErrors;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.StatusRuntimeException;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.order.Ordered;
import jakarta.inject.Singleton;

/** API keys on gRPC: the x-api-key metadata, same rule as REST (RESOURCE_EXHAUSTED carries RetryInfo). */
@Singleton
@Requires(property = "chaintrack.api.auth.enabled", notEquals = "false")
public final class GrpcApiKeyInterceptor implements ServerInterceptor, Ordered {
    static final Metadata.Key<String> API_KEY = Metadata.Key.of(ApiKeyAuthorizer.HEADER, Metadata.ASCII_STRING_MARSHALLER);

    private final ApiKeyAuthorizer authorizer;

    public GrpcApiKeyInterceptor(ApiKeyAuthorizer authorizer) {
        this.authorizer = authorizer;
    }

    @Override
    public int getOrder() {
        return 0;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        try {
            authorizer.authorize(headers.get(API_KEY), call.getMethodDescriptor().getFullMethodName());
        } catch (RuntimeException e) {
            StatusRuntimeException status = GrpcErrors.toStatus(e);
            Metadata trailers = status.getTrailers() == null ? new Metadata() : status.getTrailers();
            call.close(status.getStatus(), trailers);
            return new ServerCall.Listener<>() {};
        }
        return next.startCall(call, headers);
    }
}
