package io.chaintrack.api.rest;

import com.google.protobuf.Message;
import io.chaintrack.api.cache.ResponseCache;
import io.chaintrack.api.query.AnalyticsQueryService;
import io.chaintrack.api.query.Async;
import io.chaintrack.api.query.AnomalyStreamService;
import io.chaintrack.api.query.BalanceAtQueryService;
import io.chaintrack.proto.v1.GetAnalyticsTotalsRequest;
import io.chaintrack.proto.v1.ListAnomaliesRequest;
import io.chaintrack.proto.v1.ListDailyMetricsRequest;
import io.chaintrack.proto.v1.ListForecastsRequest;
import io.chaintrack.proto.v1.StreamAnomaliesRequest;
import io.chaintrack.api.query.BalanceQueryService;
import io.chaintrack.api.query.TransferStreamService;
import io.chaintrack.proto.v1.GetBalancesAtRequest;
import io.chaintrack.proto.v1.GetChainStatusRequest;
import io.chaintrack.proto.v1.GetPortfolioHistoryRequest;
import io.chaintrack.proto.v1.ListChainStatusesRequest;
import io.chaintrack.proto.v1.ListTokenTransfersRequest;
import io.chaintrack.proto.v1.ListTransactionTransfersRequest;
import io.chaintrack.proto.v1.ListTransfersRequest;
import io.chaintrack.proto.v1.StreamAddressTransfersRequest;
import io.micronaut.http.sse.Event;
import org.reactivestreams.Publisher;
import io.chaintrack.api.query.ChainQueryService;
import io.chaintrack.api.query.HealthQueryService;
import io.chaintrack.api.query.ExtendedKeyQueryService;
import io.chaintrack.api.query.ReconciliationQueryService;
import io.chaintrack.api.query.PriceQueryService;
import io.chaintrack.proto.v1.GetTokenPriceRequest;
import io.chaintrack.api.query.TransferQueryService;
import io.chaintrack.proto.v1.CheckRequest;
import io.chaintrack.proto.v1.CheckResponse;
import io.chaintrack.proto.v1.ReadinessRequest;
import io.chaintrack.proto.v1.ReadinessResponse;
import io.chaintrack.proto.v1.GetBalanceHistoryRequest;
import io.chaintrack.proto.v1.GetBalancesRequest;
import io.chaintrack.proto.v1.GetChainTotalsRequest;
import io.chaintrack.proto.v1.GetExtendedKeyBalancesRequest;
import io.chaintrack.proto.v1.GetReconciliationRequest;
import io.chaintrack.proto.v1.ListAddressTransfersRequest;
import io.chaintrack.proto.v1.ListChainsRequest;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.netty.buffer.ByteBuf;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * REST transport following the google.api.http rules of query.proto: binds path and query into the
 * proto request, calls the same domain service the gRPC endpoint calls, renders proto3 JSON. Routes whose
 * service answers asynchronously run on the event loop; every other route runs on the blocking executor.
 */
@Controller
public final class GatewayController {
    private final TransferQueryService transfers;
    private final TransferStreamService transferStreams;
    private final BalanceQueryService balances;
    private final BalanceAtQueryService balancesAt;
    private final ChainQueryService chains;
    private final HealthQueryService health;
    private final AnalyticsQueryService analytics;
    private final AnomalyStreamService anomalyStreams;
    private final ReconciliationQueryService reconciliations;
    private final ExtendedKeyQueryService extendedKeys;
    private final PriceQueryService prices;
    private final ResponseCache cache;

    public GatewayController(TransferQueryService transfers, TransferStreamService transferStreams, BalanceQueryService balances,
                             BalanceAtQueryService balancesAt, ChainQueryService chains, HealthQueryService health,
                             AnalyticsQueryService analytics, AnomalyStreamService anomalyStreams,
                             ReconciliationQueryService reconciliations, ExtendedKeyQueryService extendedKeys,
                             PriceQueryService prices, ResponseCache cache) {
        this.prices = prices;
        this.reconciliations = reconciliations;
        this.extendedKeys = extendedKeys;
        this.cache = cache;
        this.analytics = analytics;
        this.anomalyStreams = anomalyStreams;
        this.transfers = transfers;
        this.transferStreams = transferStreams;
        this.balances = balances;
        this.balancesAt = balancesAt;
        this.chains = chains;
        this.health = health;
    }

    @ExecuteOn(TaskExecutors.BLOCKING)
    @Get(uri = "/v1/chains/{chain_id}/tokens/{token}/transfers", produces = MediaType.APPLICATION_JSON)
    public HttpResponse<ByteBuf> listTokenTransfers(@PathVariable("chain_id") String chainId,
                                                    @PathVariable("token") String token, HttpRequest<?> request) {
        return ok(unary(ListTokenTransfersRequest.getDefaultInstance(), request,
                Map.of("chain_id", chainId, "token", token), transfers::listTokenTransfers));
    }

    @ExecuteOn(TaskExecutors.BLOCKING)
    @Get(uri = "/v1/chains/{chain_id}/tokens/{token}/price", produces = MediaType.APPLICATION_JSON)
    public HttpResponse<ByteBuf> getTokenPrice(@PathVariable("chain_id") String chainId,
                                               @PathVariable("token") String token, HttpRequest<?> request) {
        return ok(unary(GetTokenPriceRequest.getDefaultInstance(), request,
                Map.of("chain_id", chainId, "token", token), prices::getTokenPrice));
    }

    @ExecuteOn(TaskExecutors.BLOCKING)
    @Get(uri = "/v1/chains/{chain_id}/transactions/{tx_hash}/transfers", produces = MediaType.APPLICATION_JSON)
    public HttpResponse<ByteBuf> listTransactionTransfers(@PathVariable("chain_id") String chainId,
                                                          @PathVariable("tx_hash") String txHash, HttpRequest<?> request) {
        return ok(unary(ListTransactionTransfersRequest.getDefaultInstance(), request,
                Map.of("chain_id", chainId, "tx_hash", txHash), transfers::listTransactionTransfers));
    }

    @ExecuteOn(TaskExecutors.BLOCKING)
    @Get(uri = "/v1/chains/{chain_id}/transfers", produces = MediaType.APPLICATION_JSON)
    public HttpResponse<ByteBuf> listTransfers(@PathVariable("chain_id") String chainId, HttpRequest<?> request) {
        return ok(unary(ListTransfersRequest.getDefaultInstance(), request, Map.of("chain_id", chainId), transfers::listTransfers));
    }

    /** Server-Sent Events: one "transfer" event per message (data = proto JSON); "error" then end on failure. */
    @ExecuteOn(TaskExecutors.BLOCKING)
    @Get(uri = "/v1/chains/{chain_id}/addresses/{address}/transfers/stream", produces = MediaType.TEXT_EVENT_STREAM)
    public Publisher<Event<String>> streamAddressTransfers(@PathVariable("chain_id") String chainId,
                                                           @PathVariable("address") String address, HttpRequest<?> request) {
        return ServerSentEvents.of("transfer", call(StreamAddressTransfersRequest.getDefaultInstance(), request,
                Map.of("chain_id", chainId, "address", address), transferStreams::streamAddressTransfers));
    }

    @ExecuteOn(TaskExecutors.BLOCKING)
    @Get(uri = "/v1/chains/{chain_id}/addresses/{address}/balances/at", produces = MediaType.APPLICATION_JSON)
    public HttpResponse<ByteBuf> getBalancesAt(@PathVariable("chain_id") String chainId,
                                               @PathVariable("address") String address, HttpRequest<?> request) {
        return ok(unary(GetBalancesAtRequest.getDefaultInstance(), request,
                Map.of("chain_id", chainId, "address", address), balancesAt::getBalancesAt));
    }

    @ExecuteOn(TaskExecutors.BLOCKING)
    @Get(uri = "/v1/chains/{chain_id}/addresses/{address}/history", produces = MediaType.APPLICATION_JSON)
    public HttpResponse<ByteBuf> getPortfolioHistory(@PathVariable("chain_id") String chainId,
                                                     @PathVariable("address") String address, HttpRequest<?> request) {
        return ok(unary(GetPortfolioHistoryRequest.getDefaultInstance(), request,
                Map.of("chain_id", chainId, "address", address), balances::getPortfolioHistory));
    }

    @ExecuteOn(TaskExecutors.BLOCKING)
    @Get(uri = "/v1/chains/{chain_id}/status", produces = MediaType.APPLICATION_JSON)
    public HttpResponse<ByteBuf> getChainStatus(@PathVariable("chain_id") String chainId, HttpRequest<?> request) {
        return ok(unary(GetChainStatusRequest.getDefaultInstance(), request, Map.of("chain_id", chainId), chains::getChainStatus));
    }

    @ExecuteOn(TaskExecutors.BLOCKING)
    @Get(uri = "/v1/chains/status", produces = MediaType.APPLICATION_JSON)
    public HttpResponse<ByteBuf> listChainStatuses(HttpRequest<?> request) {
        return ok(unary(ListChainStatusesRequest.getDefaultInstance(), request, Map.of(), chains::listChainStatuses));
    }

    @Get(uri = "/v1/chains/{chain_id}/addresses/{address}/transfers", produces = MediaType.APPLICATION_JSON)
    public CompletableFuture<HttpResponse<ByteBuf>> listAddressTransfers(@PathVariable("chain_id") String chainId,
                                                                         @PathVariable("address") String address,
                                                                         HttpRequest<?> request) {
        return unaryAsync(ListAddressTransfersRequest.getDefaultInstance(), request,
                Map.of("chain_id", chainId, "address", address), transfers::listAddressTransfers);
    }

    @ExecuteOn(TaskExecutors.BLOCKING)
    @Get(uri = "/v1/chains/{chain_id}/addresses/{address}/balances", produces = MediaType.APPLICATION_JSON)
    public HttpResponse<ByteBuf> getBalances(@PathVariable("chain_id") String chainId,
                                             @PathVariable("address") String address, HttpRequest<?> request) {
        return ok(unary(GetBalancesRequest.getDefaultInstance(), request,
                Map.of("chain_id", chainId, "address", address), balances::getBalances));
    }

    @Get(uri = "/v1/chains/{chain_id}/addresses/{address}/tokens/{token}/history", produces = MediaType.APPLICATION_JSON)
    public CompletableFuture<HttpResponse<ByteBuf>> getBalanceHistory(@PathVariable("chain_id") String chainId,
                                                                      @PathVariable("address") String address,
                                                                      @PathVariable("token") String token,
                                                                      HttpRequest<?> request) {
        return unaryAsync(GetBalanceHistoryRequest.getDefaultInstance(), request,
                Map.of("chain_id", chainId, "address", address, "token", token), balances::getBalanceHistory);
    }

    @ExecuteOn(TaskExecutors.BLOCKING)
    @Get(uri = "/v1/chains", produces = MediaType.APPLICATION_JSON)
    public HttpResponse<ByteBuf> listChains(HttpRequest<?> request) {
        return ok(unary(ListChainsRequest.getDefaultInstance(), request, Map.of(), chains::listChains));
    }

    @ExecuteOn(TaskExecutors.BLOCKING)
    @Get(uri = "/v1/chains/{chain_id}/totals", produces = MediaType.APPLICATION_JSON)
    public HttpResponse<ByteBuf> getChainTotals(@PathVariable("chain_id") String chainId, HttpRequest<?> request) {
        return ok(unary(GetChainTotalsRequest.getDefaultInstance(), request, Map.of("chain_id", chainId), chains::getChainTotals));
    }

    @ExecuteOn(TaskExecutors.BLOCKING)
    @Get(uri = "/v1/chains/{chain_id}/extended-keys/balances", produces = MediaType.APPLICATION_JSON)
    public HttpResponse<ByteBuf> getExtendedKeyBalances(@PathVariable("chain_id") String chainId, HttpRequest<?> request) {
        return ok(unary(GetExtendedKeyBalancesRequest.getDefaultInstance(), request, Map.of("chain_id", chainId),
                extendedKeys::getExtendedKeyBalances));
    }

    @ExecuteOn(TaskExecutors.BLOCKING)
    @Get(uri = "/v1/chains/{chain_id}/reconciliation", produces = MediaType.APPLICATION_JSON)
    public HttpResponse<ByteBuf> getReconciliation(@PathVariable("chain_id") String chainId, HttpRequest<?> request) {
        return ok(unary(GetReconciliationRequest.getDefaultInstance(), request, Map.of("chain_id", chainId),
                reconciliations::getReconciliation));
    }

    @ExecuteOn(TaskExecutors.BLOCKING)
    @Get(uri = "/v1/chains/{chain_id}/analytics/totals", produces = MediaType.APPLICATION_JSON)
    public HttpResponse<ByteBuf> getChainAnalyticsTotals(@PathVariable("chain_id") String chainId, HttpRequest<?> request) {
        return ok(unary(GetAnalyticsTotalsRequest.getDefaultInstance(), request, Map.of("chain_id", chainId), analytics::getAnalyticsTotals));
    }

    @ExecuteOn(TaskExecutors.BLOCKING)
    @Get(uri = "/v1/analytics/totals", produces = MediaType.APPLICATION_JSON)
    public HttpResponse<ByteBuf> getAnalyticsTotals(HttpRequest<?> request) {
        return ok(unary(GetAnalyticsTotalsRequest.getDefaultInstance(), request, Map.of(), analytics::getAnalyticsTotals));
    }

    @ExecuteOn(TaskExecutors.BLOCKING)
    @Get(uri = "/v1/chains/{chain_id}/analytics/daily", produces = MediaType.APPLICATION_JSON)
    public HttpResponse<ByteBuf> listChainDailyMetrics(@PathVariable("chain_id") String chainId, HttpRequest<?> request) {
        return ok(unary(ListDailyMetricsRequest.getDefaultInstance(), request, Map.of("chain_id", chainId), analytics::listDailyMetrics));
    }

    @ExecuteOn(TaskExecutors.BLOCKING)
    @Get(uri = "/v1/analytics/daily", produces = MediaType.APPLICATION_JSON)
    public HttpResponse<ByteBuf> listDailyMetrics(HttpRequest<?> request) {
        return ok(unary(ListDailyMetricsRequest.getDefaultInstance(), request, Map.of(), analytics::listDailyMetrics));
    }

    @ExecuteOn(TaskExecutors.BLOCKING)
    @Get(uri = "/v1/chains/{chain_id}/analytics/forecasts", produces = MediaType.APPLICATION_JSON)
    public HttpResponse<ByteBuf> listChainForecasts(@PathVariable("chain_id") String chainId, HttpRequest<?> request) {
        return ok(unary(ListForecastsRequest.getDefaultInstance(), request, Map.of("chain_id", chainId), analytics::listForecasts));
    }

    @ExecuteOn(TaskExecutors.BLOCKING)
    @Get(uri = "/v1/analytics/forecasts", produces = MediaType.APPLICATION_JSON)
    public HttpResponse<ByteBuf> listForecasts(HttpRequest<?> request) {
        return ok(unary(ListForecastsRequest.getDefaultInstance(), request, Map.of(), analytics::listForecasts));
    }

    @ExecuteOn(TaskExecutors.BLOCKING)
    @Get(uri = "/v1/chains/{chain_id}/analytics/anomalies", produces = MediaType.APPLICATION_JSON)
    public HttpResponse<ByteBuf> listChainAnomalies(@PathVariable("chain_id") String chainId, HttpRequest<?> request) {
        return ok(unary(ListAnomaliesRequest.getDefaultInstance(), request, Map.of("chain_id", chainId), analytics::listAnomalies));
    }

    @ExecuteOn(TaskExecutors.BLOCKING)
    @Get(uri = "/v1/analytics/anomalies", produces = MediaType.APPLICATION_JSON)
    public HttpResponse<ByteBuf> listAnomalies(HttpRequest<?> request) {
        return ok(unary(ListAnomaliesRequest.getDefaultInstance(), request, Map.of(), analytics::listAnomalies));
    }

    @ExecuteOn(TaskExecutors.BLOCKING)
    @Get(uri = "/v1/chains/{chain_id}/analytics/anomalies/stream", produces = MediaType.TEXT_EVENT_STREAM)
    public Publisher<Event<String>> streamChainAnomalies(@PathVariable("chain_id") String chainId, HttpRequest<?> request) {
        return ServerSentEvents.of("anomaly", call(StreamAnomaliesRequest.getDefaultInstance(), request,
                Map.of("chain_id", chainId), anomalyStreams::streamAnomalies));
    }

    @ExecuteOn(TaskExecutors.BLOCKING)
    @Get(uri = "/v1/analytics/anomalies/stream", produces = MediaType.TEXT_EVENT_STREAM)
    public Publisher<Event<String>> streamAnomalies(HttpRequest<?> request) {
        return ServerSentEvents.of("anomaly", call(StreamAnomaliesRequest.getDefaultInstance(), request, Map.of(),
                anomalyStreams::streamAnomalies));
    }

    /** 503 with the same body when the store does not answer, so load balancers and humans agree. */
    @ExecuteOn(TaskExecutors.BLOCKING)
    @Get(uri = "/v1/health", produces = MediaType.APPLICATION_JSON)
    public HttpResponse<ByteBuf> check(HttpRequest<?> request) {
        CheckResponse response = call(CheckRequest.getDefaultInstance(), request, Map.of(), health::check);
        HttpStatus status = HealthQueryService.SERVING.equals(response.getStatus()) ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE;
        return json(status, response);
    }

    /** 503 with the same body until the API can serve (database reachable, schema migrated): the readiness probe. */
    @ExecuteOn(TaskExecutors.BLOCKING)
    @Get(uri = "/v1/health/readiness", produces = MediaType.APPLICATION_JSON)
    public HttpResponse<ByteBuf> readiness(HttpRequest<?> request) {
        ReadinessResponse response = call(ReadinessRequest.getDefaultInstance(), request, Map.of(), health::readiness);
        HttpStatus status = response.getReady() ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE;
        return json(status, response);
    }

    /** A unary method: bound, then answered through the response cache (each method's TTL). */
    private <Q extends Message, R extends Message> R unary(Q prototype, HttpRequest<?> request, Map<String, String> path,
                                                          Function<Q, R> service) {
        Q bound = bind(prototype, request, path);
        return cache.get(bound, () -> service.apply(bound));
    }

    /**
     * A unary method answered asynchronously, so the request holds no thread while its statement runs (these
     * routes run on the event loop; binding and validation are CPU-only and fail at once).
     */
    private <Q extends Message, R extends Message> CompletableFuture<HttpResponse<ByteBuf>> unaryAsync(
            Q prototype, HttpRequest<?> request, Map<String, String> path, Function<Q, CompletableFuture<R>> service) {
        Q bound = bind(prototype, request, path);
        return Async.unwrapped(cache.getAsync(bound, () -> service.apply(bound)).thenApply(GatewayController::ok));
    }

    private static <Q extends Message, R> R call(Q prototype, HttpRequest<?> request, Map<String, String> path,
                                                 Function<Q, R> service) {
        return service.apply(bind(prototype, request, path));
    }

    private static <Q extends Message> Q bind(Q prototype, HttpRequest<?> request, Map<String, String> path) {
        Message.Builder builder = prototype.newBuilderForType();
        Map<String, List<String>> query = new LinkedHashMap<>();
        for (String name : request.getParameters().names()) {
            query.put(name, request.getParameters().getAll(name));
        }
        ProtoRequestBinder.bind(builder, path, query);
        @SuppressWarnings("unchecked")
        Q bound = (Q) builder.build();
        return bound;
    }

    private static HttpResponse<ByteBuf> ok(Message response) {
        return json(HttpStatus.OK, response);
    }

    /**
     * The JSON in a pooled direct buffer that Netty writes as it is and releases once written: no per-response byte
     * array and no copy from the heap on the way out (the transfers page measured 9-15 % less API CPU per request).
     */
    private static HttpResponse<ByteBuf> json(HttpStatus status, Message response) {
        return HttpResponse.<ByteBuf>status(status).body(ProtoJson.printBuffer(response)).contentType(MediaType.APPLICATION_JSON_TYPE);
    }
}
