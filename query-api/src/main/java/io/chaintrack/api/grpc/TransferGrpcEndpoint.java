package io.chaintrack.api.grpc;

import io.chaintrack.api.query.TransferQueryService;
import io.chaintrack.api.query.TransferStreamService;
import io.chaintrack.proto.v1.ListAddressTransfersRequest;
import io.chaintrack.proto.v1.ListAddressTransfersResponse;
import io.chaintrack.proto.v1.ListTokenTransfersRequest;
import io.chaintrack.proto.v1.ListTokenTransfersResponse;
import io.chaintrack.proto.v1.ListTransactionTransfersRequest;
import io.chaintrack.proto.v1.ListTransactionTransfersResponse;
import io.chaintrack.proto.v1.ListTransfersRequest;
import io.chaintrack.proto.v1.ListTransfersResponse;
import io.chaintrack.proto.v1.StreamAddressTransfersRequest;
import io.chaintrack.proto.v1.StreamAddressTransfersResponse;
import io.chaintrack.proto.v1.TransferServiceGrpc;
import io.chaintrack.api.cache.ResponseCache;
import io.grpc.stub.StreamObserver;
import jakarta.inject.Singleton;

/** gRPC transport of {@link TransferQueryService} and {@link TransferStreamService}; no logic of its own. */
@Singleton
public final class TransferGrpcEndpoint extends TransferServiceGrpc.TransferServiceImplBase {
    private final TransferQueryService service;
    private final TransferStreamService streams;

    private final ResponseCache cache;

    public TransferGrpcEndpoint(TransferQueryService service, TransferStreamService streams, ResponseCache cache) {
        this.cache = cache;
        this.service = service;
        this.streams = streams;
    }

    @Override
    public void listAddressTransfers(ListAddressTransfersRequest request, StreamObserver<ListAddressTransfersResponse> observer) {
        GrpcCalls.unaryAsync(observer, () -> cache.getAsync(request, () -> service.listAddressTransfers(request)));
    }

    @Override
    public void listTokenTransfers(ListTokenTransfersRequest request, StreamObserver<ListTokenTransfersResponse> observer) {
        GrpcCalls.unary(observer, () -> cache.get(request, () -> service.listTokenTransfers(request)));
    }

    @Override
    public void listTransactionTransfers(ListTransactionTransfersRequest request,
                                         StreamObserver<ListTransactionTransfersResponse> observer) {
        GrpcCalls.unary(observer, () -> cache.get(request, () -> service.listTransactionTransfers(request)));
    }

    @Override
    public void listTransfers(ListTransfersRequest request, StreamObserver<ListTransfersResponse> observer) {
        GrpcCalls.unary(observer, () -> cache.get(request, () -> service.listTransfers(request)));
    }

    @Override
    public void streamAddressTransfers(StreamAddressTransfersRequest request,
                                       StreamObserver<StreamAddressTransfersResponse> observer) {
        GrpcCalls.serverStream(observer, () -> streams.streamAddressTransfers(request));
    }
}
