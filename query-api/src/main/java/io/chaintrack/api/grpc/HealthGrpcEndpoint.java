package io.chaintrack.api.grpc;

import io.chaintrack.api.query.HealthQueryService;
import io.chaintrack.proto.v1.CheckRequest;
import io.chaintrack.proto.v1.CheckResponse;
import io.chaintrack.proto.v1.HealthServiceGrpc;
import io.chaintrack.proto.v1.ReadinessRequest;
import io.chaintrack.proto.v1.ReadinessResponse;
import io.grpc.stub.StreamObserver;
import jakarta.inject.Singleton;

/** gRPC transport of {@link HealthQueryService}: NOT_SERVING travels in the body with status OK, as in grpc.health.v1. */
@Singleton
public final class HealthGrpcEndpoint extends HealthServiceGrpc.HealthServiceImplBase {
    private final HealthQueryService service;

    public HealthGrpcEndpoint(HealthQueryService service) {
        this.service = service;
    }

    @Override
    public void check(CheckRequest request, StreamObserver<CheckResponse> observer) {
        GrpcCalls.unary(observer, () -> service.check(request));
    }

    @Override
    public void readiness(ReadinessRequest request, StreamObserver<ReadinessResponse> observer) {
        GrpcCalls.unary(observer, () -> service.readiness(request));
    }
}
