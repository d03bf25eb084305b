package io.chaintrack.api.grpc;

import io.chaintrack.api.query.BalanceAtQueryService;
import io.chaintrack.api.query.BalanceQueryService;
import io.chaintrack.proto.v1.BalanceServiceGrpc;
import io.chaintrack.proto.v1.GetBalanceHistoryRequest;
import io.chaintrack.proto.v1.GetBalanceHistoryResponse;
import io.chaintrack.api.query.ExtendedKeyQueryService;
import io.chaintrack.proto.v1.GetBalancesAtRequest;
import io.chaintrack.proto.v1.GetExtendedKeyBalancesRequest;
import io.chaintrack.proto.v1.GetExtendedKeyBalancesResponse;
import io.chaintrack.proto.v1.GetBalancesAtResponse;
import io.chaintrack.proto.v1.GetBalancesRequest;
import io.chaintrack.proto.v1.GetBalancesResponse;
import io.chaintrack.proto.v1.GetPortfolioHistoryRequest;
import io.chaintrack.proto.v1.GetPortfolioHistoryResponse;
import io.chaintrack.api.cache.ResponseCache;
import io.grpc.stub.StreamObserver;
import jakarta.inject.Singleton;

/** gRPC transport of {@link BalanceQueryService}, {@link BalanceAtQueryService} and {@link ExtendedKeyQueryService}; no logic of its own. */
@Singleton
public final class BalanceGrpcEndpoint extends BalanceServiceGrpc.BalanceServiceImplBase {
    private final BalanceQueryService service;
    private final BalanceAtQueryService at;
    private final ExtendedKeyQueryService extendedKeys;

    private final ResponseCache cache;

    public BalanceGrpcEndpoint(BalanceQueryService service, BalanceAtQueryService at, ExtendedKeyQueryService extendedKeys,
                               ResponseCache cache) {
        this.cache = cache;
        this.service = service;
        this.at = at;
        this.extendedKeys = extendedKeys;
    }

    @Override
    public void getExtendedKeyBalances(GetExtendedKeyBalancesRequest request,
                                       StreamObserver<GetExtendedKeyBalancesResponse> observer) {
        GrpcCalls.unary(observer, () -> cache.get(request, () -> extendedKeys.getExtendedKeyBalances(request)));
    }

    @Override
    public void getBalances(GetBalancesRequest request, StreamObserver<GetBalancesResponse> observer) {
        GrpcCalls.unary(observer, () -> cache.get(request, () -> service.getBalances(request)));
    }

    @Override
    public void getBalanceHistory(GetBalanceHistoryRequest request, StreamObserver<GetBalanceHistoryResponse> observer) {
        GrpcCalls.unaryAsync(observer, () -> cache.getAsync(request, () -> service.getBalanceHistory(request)));
    }

    @Override
    public void getBalancesAt(GetBalancesAtRequest request, StreamObserver<GetBalancesAtResponse> observer) {
        GrpcCalls.unary(observer, () -> cache.get(request, () -> at.getBalancesAt(request)));
    }

    @Override
    public void getPortfolioHistory(GetPortfolioHistoryRequest request, StreamObserver<GetPortfolioHistoryResponse> observer) {
        GrpcCalls.unary(observer, () -> cache.get(request, () -> service.getPortfolioHistory(request)));
    }
}
