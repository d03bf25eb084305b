package io.chaintrack.api.grpc;

import io.chaintrack.api.query.BalanceQueryService;
import io.chaintrack.proto.v1.BalanceServiceGrpc;
import io.chaintrack.proto.v1.GetBalanceHistoryRequest;
import io.chaintrack.proto.v1.GetBalanceHistoryResponse;
import io.chaintrack.proto.v1.GetBalancesRequest;
import io.chaintrack.proto.v1.GetBalancesResponse;
import io.grpc.stub.StreamObserver;
import jakarta.inject.Singleton;

/** gRPC transport of {@link BalanceQueryService}; no logic of its own. */
@Singleton
public final class BalanceGrpcEndpoint extends BalanceServiceGrpc.BalanceServiceImplBase {
    private final BalanceQueryService service;

    public BalanceGrpcEndpoint(BalanceQueryService service) {
        this.service = service;
    }

    @Override
    public void getBalances(GetBalancesRequest request, StreamObserver<GetBalancesResponse> observer) {
        GrpcCalls.unary(observer, () -> service.getBalances(request));
    }

    @Override
    public void getBalanceHistory(GetBalanceHistoryRequest request, StreamObserver<GetBalanceHistoryResponse> observer) {
        GrpcCalls.unary(observer, () -> service.getBalanceHistory(request));
    }
}
