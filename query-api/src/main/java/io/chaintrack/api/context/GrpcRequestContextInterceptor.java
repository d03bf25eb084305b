package io.chaintrack.api.context;

import io.chaintrack.api.config.ApiConfig;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.Grpc;
import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.micronaut.core.order.Ordered;
import jakarta.inject.Singleton;
import java.util.concurrent.TimeUnit;
import org.slf4j.MDC;

/**
 * The gRPC side of {@link HttpRequestContextFilter}: x-request-id metadata kept or generated and sent
 * back (headers and trailers), MDC and deadline (request timeout or the client's, whichever is sooner)
 * set around every callback of the call, one access-log line at close.
 */
@Singleton
public final class GrpcRequestContextInterceptor implements ServerInterceptor, Ordered {
    public static final Metadata.Key<String> REQUEST_ID = Metadata.Key.of("x-request-id", Metadata.ASCII_STRING_MARSHALLER);

    private final long requestTimeoutNanos;
    private final ApiConfig.AccessLog accessLog;
    private final long slowAfterNanos;

    public GrpcRequestContextInterceptor(ApiConfig config) {
        this.requestTimeoutNanos = config.requestTimeout().toNanos();
        this.accessLog = config.accessLogLevel();
        this.slowAfterNanos = config.accessLogSlowAfter().toNanos();
    }


    @Override
    public int getOrder() {
        return HIGHEST_PRECEDENCE + 10;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        String id = RequestIds.accept(headers.get(REQUEST_ID));
        long start = System.nanoTime();
        long timeout = requestTimeoutNanos;
        Deadline clientDeadline = Context.current().getDeadline();
        if (clientDeadline != null) {
            timeout = Math.min(timeout, clientDeadline.timeRemaining(TimeUnit.NANOSECONDS));
        }
        long deadline = start + timeout;
        String method = call.getMethodDescriptor().getFullMethodName();
        // the peer is the caller until an authorizer knows better (auth off: per-client limits count by address)
        Caller anonymous = Caller.anonymous(Peers.of(call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR)));
        ServerCall<Q, R> tracked = new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
            @Override
            public void sendHeaders(Metadata responseHeaders) {
                responseHeaders.put(REQUEST_ID, id);
                super.sendHeaders(responseHeaders);
            }

            @Override
            public void close(Status status, Metadata trailers) {
                trailers.put(REQUEST_ID, id);
                long nanos = System.nanoTime() - start;
                if (accessLog.logs(!status.isOk(), nanos, slowAfterNanos)) {
                    AccessLogLine.write(id, "GRPC", method, status.getCode().name(), method, nanos, "grpc");
                }
                super.close(status, trailers);
            }
        };
        ServerCall.Listener<Q> listener = next.startCall(tracked, headers);
        return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(listener) {
            private void within(Runnable callback) {
                String previousId = MDC.get(RequestIds.MDC_KEY);
                Long previousDeadline = Deadlines.set(deadline);
                Caller previousCaller = Callers.set(anonymous);
                MDC.put(RequestIds.MDC_KEY, id);
                try {
                    callback.run();
                } finally {
                    Deadlines.set(previousDeadline);
                    Callers.set(previousCaller);
                    if (previousId == null) {
                        MDC.remove(RequestIds.MDC_KEY);
                    } else {
                        MDC.put(RequestIds.MDC_KEY, previousId);
                    }
                }
            }

            @Override
            public void onMessage(Q message) {
                within(() -> super.onMessage(message));
            }

            @Override
            public void onHalfClose() {
                within(super::onHalfClose);
            }

            @Override
            public void onCancel() {
                within(super::onCancel);
            }

            @Override
            public void onComplete() {
                within(super::onComplete);
            }

            @Override
            public void onReady() {
                within(super::onReady);
            }
        };
    }
}
