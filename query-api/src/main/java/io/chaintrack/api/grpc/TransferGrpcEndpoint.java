package io.chaintrack.api.grpc;

import io.chaintrack.api.query.TransferQueryService;
import io.chaintrack.proto.v1.ListAddressTransfersRequest;
import io.chaintrack.proto.v1.ListAddressTransfersResponse;
import io.chaintrack.proto.v1.TransferServiceGrpc;
import io.grpc.stub.StreamObserver;
import jakarta.inject.Singleton;

/** gRPC transport of {@link TransferQueryService}; no logic of its own. */
@Singleton
public final class TransferGrpcEndpoint extends TransferServiceGrpc.TransferServiceImplBase {
    private final TransferQueryService service;

    public TransferGrpcEndpoint(TransferQueryService service) {
        this.service = service;
    }

    @Override
    public void listAddressTransfers(ListAddressTransfersRequest request, StreamObserver<ListAddressTransfersResponse> observer) {
        GrpcCalls.unary(observer, () -> service.listAddressTransfers(request));
    }
}
