package io.chaintrack.api.grpc;

import io.chaintrack.api.error.ApiException;
import io.chaintrack.api.query.Async;
import io.chaintrack.api.query.LiveStreams;
import io.chaintrack.api.query.StreamSink;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/** Runs one call of a domain service and completes the observer with its answer or its failure. */
final class GrpcCalls {
    private GrpcCalls() {}

    /** A unary method answered asynchronously: validation failures are thrown at once, the rest fail the future. */
    static <T> void unaryAsync(StreamObserver<T> observer, Supplier<CompletableFuture<T>> call) {
        CompletableFuture<T> answer;
        try {
            answer = call.get();
        } catch (RuntimeException e) {
            observer.onError(GrpcErrors.toStatus(e));
            return;
        }
        answer.whenComplete((response, error) -> {
            if (error != null) {
                observer.onError(GrpcErrors.toStatus(Async.cause(error)));
            } else {
                observer.onNext(response);
                observer.onCompleted();
            }
        });
    }

    static <T> void unary(StreamObserver<T> observer, Supplier<T> call) {
        T response;
        try {
            response = call.get();
        } catch (RuntimeException e) {
            observer.onError(GrpcErrors.toStatus(e));
            return;
        }
        observer.onNext(response);
        observer.onCompleted();
    }

    /**
     * A live stream: validated and prepared on the calling thread (failures are an ordinary error status),
     * then fed by the stream's poller; cancelling the call (client gone, deadline) stops the poller.
     */
    static <T> void serverStream(StreamObserver<T> observer, Supplier<LiveStreams.Prepared<T>> prepare) {
        ServerCallStreamObserver<T> call = (ServerCallStreamObserver<T>) observer;
        AtomicReference<LiveStreams.Subscription> subscription = new AtomicReference<>();
        call.setOnCancelHandler(() -> {
            LiveStreams.Subscription s = subscription.get();
            if (s != null) {
                s.cancel();
            }
        });
        LiveStreams.Prepared<T> prepared;
        try {
            prepared = prepare.get();
        } catch (RuntimeException e) {
            observer.onError(GrpcErrors.toStatus(e));
            return;
        }
        subscription.set(prepared.start(new StreamSink<>() {
            @Override
            public boolean ready() {
                return call.isReady();
            }

            @Override
            public boolean closed() {
                return call.isCancelled();
            }

            @Override
            public void send(T message) {
                call.onNext(message);
            }

            @Override
            public void fail(ApiException error) {
                call.onError(GrpcErrors.toStatus(error));
            }

            @Override
            public void complete() {
                call.onCompleted();
            }

            @Override
            public void heartbeat() {
                // HTTP/2 keeps the connection alive on its own (client keepalive pings)
            }
        }));
        if (call.isCancelled()) {
            subscription.get().cancel();
        }
    }
}
