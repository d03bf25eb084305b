package io.chaintrack.api.grpc;

import io.chaintrack.api.wallets.WalletService;
import io.chaintrack.proto.v1.CreateWalletRequest;
import io.chaintrack.proto.v1.CreateWalletResponse;
import io.chaintrack.proto.v1.DeleteWalletRequest;
import io.chaintrack.proto.v1.DeleteWalletResponse;
import io.chaintrack.proto.v1.ExportWalletsRequest;
import io.chaintrack.proto.v1.ExportWalletsResponse;
import io.chaintrack.proto.v1.GetWalletBalancesRequest;
import io.chaintrack.proto.v1.GetWalletBalancesResponse;
import io.chaintrack.proto.v1.GetWalletRequest;
import io.chaintrack.proto.v1.GetWalletResponse;
import io.chaintrack.proto.v1.ImportWalletsRequest;
import io.chaintrack.proto.v1.ImportWalletsResponse;
import io.chaintrack.proto.v1.ListWalletTransfersRequest;
import io.chaintrack.proto.v1.ListWalletTransfersResponse;
import io.chaintrack.proto.v1.ListWalletsRequest;
import io.chaintrack.proto.v1.ListWalletsResponse;
import io.chaintrack.proto.v1.ResyncWalletRequest;
import io.chaintrack.proto.v1.ResyncWalletResponse;
import io.chaintrack.proto.v1.StreamWalletSyncRequest;
import io.chaintrack.proto.v1.StreamWalletSyncResponse;
import io.chaintrack.proto.v1.UpdateWalletRequest;
import io.chaintrack.proto.v1.UpdateWalletResponse;
import io.chaintrack.proto.v1.WalletServiceGrpc;
import io.grpc.stub.StreamObserver;
import jakarta.inject.Singleton;

/** gRPC transport of {@link WalletService}; no logic of its own, and no response cache (answers are per user). */
@Singleton
public final class WalletGrpcEndpoint extends WalletServiceGrpc.WalletServiceImplBase {
    private final WalletService service;

    public WalletGrpcEndpoint(WalletService service) {
        this.service = service;
    }

    @Override
    public void createWallet(CreateWalletRequest request, StreamObserver<CreateWalletResponse> observer) {
        GrpcCalls.unary(observer, () -> service.createWallet(request));
    }

    @Override
    public void listWallets(ListWalletsRequest request, StreamObserver<ListWalletsResponse> observer) {
        GrpcCalls.unary(observer, () -> service.listWallets(request));
    }

    @Override
    public void getWallet(GetWalletRequest request, StreamObserver<GetWalletResponse> observer) {
        GrpcCalls.unary(observer, () -> service.getWallet(request));
    }

    @Override
    public void updateWallet(UpdateWalletRequest request, StreamObserver<UpdateWalletResponse> observer) {
        GrpcCalls.unary(observer, () -> service.updateWallet(request));
    }

    @Override
    public void deleteWallet(DeleteWalletRequest request, StreamObserver<DeleteWalletResponse> observer) {
        GrpcCalls.unary(observer, () -> service.deleteWallet(request));
    }

    @Override
    public void importWallets(ImportWalletsRequest request, StreamObserver<ImportWalletsResponse> observer) {
        GrpcCalls.unary(observer, () -> service.importWallets(request));
    }

    @Override
    public void exportWallets(ExportWalletsRequest request, StreamObserver<ExportWalletsResponse> observer) {
        GrpcCalls.unary(observer, () -> service.exportWallets(request));
    }

    @Override
    public void getWalletBalances(GetWalletBalancesRequest request, StreamObserver<GetWalletBalancesResponse> observer) {
        GrpcCalls.unary(observer, () -> service.getWalletBalances(request));
    }

    @Override
    public void getWalletHistory(io.chaintrack.proto.v1.GetWalletHistoryRequest request,
                                 StreamObserver<io.chaintrack.proto.v1.GetWalletHistoryResponse> observer) {
        GrpcCalls.unary(observer, () -> service.getWalletHistory(request));
    }

    @Override
    public void resyncWallet(ResyncWalletRequest request, StreamObserver<ResyncWalletResponse> observer) {
        GrpcCalls.unary(observer, () -> service.resyncWallet(request));
    }

    @Override
    public void streamWalletSync(StreamWalletSyncRequest request, StreamObserver<StreamWalletSyncResponse> observer) {
        GrpcCalls.serverStream(observer, () -> service.streamWalletSync(request));
    }

    @Override
    public void listWalletTransfers(ListWalletTransfersRequest request, StreamObserver<ListWalletTransfersResponse> observer) {
        GrpcCalls.unary(observer, () -> service.listWalletTransfers(request));
    }
}
