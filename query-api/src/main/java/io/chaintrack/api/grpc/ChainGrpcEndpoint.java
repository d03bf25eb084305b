package io.chaintrack.api.grpc;

import io.chaintrack.api.query.ChainQueryService;
import io.chaintrack.api.query.ReconciliationQueryService;
import io.chaintrack.proto.v1.GetReconciliationRequest;
import io.chaintrack.proto.v1.GetReconciliationResponse;
import io.chaintrack.proto.v1.ChainServiceGrpc;
import io.chaintrack.proto.v1.GetChainStatusRequest;
import io.chaintrack.proto.v1.GetChainStatusResponse;
import io.chaintrack.proto.v1.GetChainTotalsRequest;
import io.chaintrack.proto.v1.ListChainStatusesRequest;
import io.chaintrack.proto.v1.ListChainStatusesResponse;
import io.chaintrack.proto.v1.GetChainTotalsResponse;
import io.chaintrack.proto.v1.ListChainsRequest;
import io.chaintrack.proto.v1.ListChainsResponse;
import io.chaintrack.api.cache.ResponseCache;
import io.grpc.stub.StreamObserver;
import jakarta.inject.Singleton;

/** gRPC transport of {@link ChainQueryService}; no logic of its own. */
@Singleton
public final class ChainGrpcEndpoint extends ChainServiceGrpc.ChainServiceImplBase {
    private final ChainQueryService service;

    private final ResponseCache cache;

    private final ReconciliationQueryService reconciliations;

    public ChainGrpcEndpoint(ChainQueryService service, ReconciliationQueryService reconciliations, ResponseCache cache) {
        this.reconciliations = reconciliations;
        this.cache = cache;
        this.service = service;
    }

    @Override
    public void listChains(ListChainsRequest request, StreamObserver<ListChainsResponse> observer) {
        GrpcCalls.unary(observer, () -> cache.get(request, () -> service.listChains(request)));
    }

    @Override
    public void getChainStatus(GetChainStatusRequest request, StreamObserver<GetChainStatusResponse> observer) {
        GrpcCalls.unary(observer, () -> cache.get(request, () -> service.getChainStatus(request)));
    }

    @Override
    public void listChainStatuses(ListChainStatusesRequest request, StreamObserver<ListChainStatusesResponse> observer) {
        GrpcCalls.unary(observer, () -> cache.get(request, () -> service.listChainStatuses(request)));
    }

    @Override
    public void getChainTotals(GetChainTotalsRequest request, StreamObserver<GetChainTotalsResponse> observer) {
        GrpcCalls.unary(observer, () -> cache.get(request, () -> service.getChainTotals(request)));
    }

    @Override
    public void getReconciliation(GetReconciliationRequest request, StreamObserver<GetReconciliationResponse> observer) {
        GrpcCalls.unary(observer, () -> cache.get(request, () -> reconciliations.getReconciliation(request)));
    }
}
