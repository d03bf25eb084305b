package io.chaintrack.api.grpc;

import io.grpc.stub.StreamObserver;
import java.util.function.Supplier;

/** Runs one unary call of a domain service and completes the observer with its answer or its failure. */
final class GrpcCalls {
    private GrpcCalls() {}

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
}
