package io.chaintrack.api.grpc;

import io.chaintrack.api.query.ChainQueryService;
import io.chaintrack.proto.v1.ChainServiceGrpc;
import io.chaintrack.proto.v1.GetChainStatusRequest;
import io.chaintrack.proto.v1.GetChainStatusResponse;
import io.chaintrack.proto.v1.GetChainTotalsRequest;
import io.chaintrack.proto.v1.ListChainStatusesRequest;
import io.chaintrack.proto.v1.ListChainStatusesResponse;
import io.chaintrack.proto.v1.GetChainTotalsResponse;
import io.chaintrack.proto.v1.ListChainsRequest;
import io.chaintrack.proto.v1.ListChainsResponse;
import io.grpc.stub.StreamObserver;
import jakarta.inject.Singleton;

/** gRPC transport of {@link ChainQueryService}; no logic of its own. */
@Singleton
public final class ChainGrpcEndpoint extends ChainServiceGrpc.ChainServiceImplBase {
    private final ChainQueryService service;

    public ChainGrpcEndpoint(ChainQueryService service) {
        this.service = service;
    }

    @Override
    public void listChains(ListChainsRequest request, StreamObserver<ListChainsResponse> observer) {
        GrpcCalls.unary(observer, () -> service.listChains(request));
    }

    @Override
    public void getChainStatus(GetChainStatusRequest request, StreamObserver<GetChainStatusResponse> observer) {
        GrpcCalls.unary(observer, () -> service.getChainStatus(request));
    }

    @Override
    public void listChainStatuses(ListChainStatusesRequest request, StreamObserver<ListChainStatusesResponse> observer) {
        GrpcCalls.unary(observer, () -> service.listChainStatuses(request));
    }

    @Override
    public void getChainTotals(GetChainTotalsRequest request, StreamObserver<GetChainTotalsResponse> observer) {
        GrpcCalls.unary(observer, () -> service.getChainTotals(request));
    }
}
