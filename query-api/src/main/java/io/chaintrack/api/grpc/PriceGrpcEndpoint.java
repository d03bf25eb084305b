package io.chaintrack.api.grpc;

import io.chaintrack.api.cache.ResponseCache;
import io.chaintrack.api.query.PriceQueryService;
import io.chaintrack.proto.v1.GetTokenPriceRequest;
import io.chaintrack.proto.v1.GetTokenPriceResponse;
import io.chaintrack.proto.v1.PriceServiceGrpc;
import io.grpc.stub.StreamObserver;
import jakarta.inject.Singleton;

/** gRPC transport of {@link PriceQueryService}; no logic of its own. */
@Singleton
public final class PriceGrpcEndpoint extends PriceServiceGrpc.PriceServiceImplBase {
    private final PriceQueryService service;
    private final ResponseCache cache;

    public PriceGrpcEndpoint(PriceQueryService service, ResponseCache cache) {
        this.service = service;
        this.cache = cache;
    }

    @Override
    public void getTokenPrice(GetTokenPriceRequest request, StreamObserver<GetTokenPriceResponse> observer) {
        GrpcCalls.unary(observer, () -> cache.get(request, () -> service.getTokenPrice(request)));
    }
}
