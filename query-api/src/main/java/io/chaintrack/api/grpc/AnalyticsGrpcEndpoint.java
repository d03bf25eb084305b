package io.chaintrack.api.grpc;

import io.chaintrack.api.query.AnalyticsQueryService;
import io.chaintrack.api.query.AnomalyStreamService;
import io.chaintrack.proto.v1.AnalyticsServiceGrpc;
import io.chaintrack.proto.v1.GetAnalyticsTotalsRequest;
import io.chaintrack.proto.v1.GetAnalyticsTotalsResponse;
import io.chaintrack.proto.v1.ListAnomaliesRequest;
import io.chaintrack.proto.v1.ListAnomaliesResponse;
import io.chaintrack.proto.v1.ListDailyMetricsRequest;
import io.chaintrack.proto.v1.ListDailyMetricsResponse;
import io.chaintrack.proto.v1.ListForecastsRequest;
import io.chaintrack.proto.v1.ListForecastsResponse;
import io.chaintrack.proto.v1.StreamAnomaliesRequest;
import io.chaintrack.proto.v1.StreamAnomaliesResponse;
import io.chaintrack.api.cache.ResponseCache;
import io.grpc.stub.StreamObserver;
import jakarta.inject.Singleton;

/** gRPC transport of {@link AnalyticsQueryService} and {@link AnomalyStreamService}; no logic of its own. */
@Singleton
public final class AnalyticsGrpcEndpoint extends AnalyticsServiceGrpc.AnalyticsServiceImplBase {
    private final AnalyticsQueryService service;
    private final AnomalyStreamService streams;

    private final ResponseCache cache;

    public AnalyticsGrpcEndpoint(AnalyticsQueryService service, AnomalyStreamService streams, ResponseCache cache) {
        this.cache = cache;
        this.service = service;
        this.streams = streams;
    }

    @Override
    public void getAnalyticsTotals(GetAnalyticsTotalsRequest request, StreamObserver<GetAnalyticsTotalsResponse> observer) {
        GrpcCalls.unary(observer, () -> cache.get(request, () -> service.getAnalyticsTotals(request)));
    }

    @Override
    public void listDailyMetrics(ListDailyMetricsRequest request, StreamObserver<ListDailyMetricsResponse> observer) {
        GrpcCalls.unary(observer, () -> cache.get(request, () -> service.listDailyMetrics(request)));
    }

    @Override
    public void listForecasts(ListForecastsRequest request, StreamObserver<ListForecastsResponse> observer) {
        GrpcCalls.unary(observer, () -> cache.get(request, () -> service.listForecasts(request)));
    }

    @Override
    public void listAnomalies(ListAnomaliesRequest request, StreamObserver<ListAnomaliesResponse> observer) {
        GrpcCalls.unary(observer, () -> cache.get(request, () -> service.listAnomalies(request)));
    }

    @Override
    public void streamAnomalies(StreamAnomaliesRequest request, StreamObserver<StreamAnomaliesResponse> observer) {
        GrpcCalls.serverStream(observer, () -> streams.streamAnomalies(request));
    }
}
