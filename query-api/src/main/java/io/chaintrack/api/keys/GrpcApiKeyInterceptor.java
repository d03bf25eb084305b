package io.chaintrack.api.keys;

import io.chaintrack.api.context.Caller;
import io.chaintrack.api.context.Callers;
import io.chaintrack.api.error.UnauthenticatedException;
import io.chaintrack.api.grpc.GrpcErrors;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.StatusRuntimeException;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.order.Ordered;
import jakarta.inject.Singleton;
import io.chaintrack.api.context.Peers;
import java.net.SocketAddress;

/**
 * Credentials on gRPC: x-api-key or authorization (Bearer) metadata, same rule as REST (UNAUTHENTICATED carries the
 * challenge in www-authenticate, RESOURCE_EXHAUSTED carries RetryInfo); the caller is set around every callback.
 */
@Singleton
@Requires(property = "chaintrack.api.auth.enabled", notEquals = "false")
public final class GrpcApiKeyInterceptor implements ServerInterceptor, Ordered {
    static final Metadata.Key<String> API_KEY = Metadata.Key.of(ApiKeyAuthorizer.HEADER, Metadata.ASCII_STRING_MARSHALLER);
    static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    public static final Metadata.Key<String> WWW_AUTHENTICATE = Metadata.Key.of("www-authenticate", Metadata.ASCII_STRING_MARSHALLER);

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
        Caller caller;
        try {
            caller = authorizer.authorize(headers.get(API_KEY), headers.get(AUTHORIZATION), call.getMethodDescriptor().getFullMethodName());
        } catch (RuntimeException e) {
            StatusRuntimeException status = GrpcErrors.toStatus(e);
            Metadata trailers = status.getTrailers() == null ? new Metadata() : status.getTrailers();
            if (e instanceof UnauthenticatedException u) {
                trailers.put(WWW_AUTHENTICATE, u.challenge());
            }
            call.close(status.getStatus(), trailers);
            return new ServerCall.Listener<>() {};
        }
        SocketAddress remote = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
        Caller served = caller.withPeer(remote == null ? null : Peers.of(remote));
        ServerCall.Listener<Q> listener = next.startCall(call, headers);
        return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(listener) {
            @Override
            public void onMessage(Q message) {
                Callers.runAs(served, () -> super.onMessage(message));
            }

            @Override
            public void onHalfClose() {
                Callers.runAs(served, super::onHalfClose);
            }

            @Override
            public void onCancel() {
                Callers.runAs(served, super::onCancel);
            }

            @Override
            public void onComplete() {
                Callers.runAs(served, super::onComplete);
            }

            @Override
            public void onReady() {
                Callers.runAs(served, super::onReady);
            }
        };
    }
}
