package io.chaintrack.api.rest;

import com.google.protobuf.Message;
import io.chaintrack.api.error.InvalidArgumentException;
import io.chaintrack.api.wallets.WalletService;
import io.chaintrack.proto.v1.CreateWalletRequest;
import io.chaintrack.proto.v1.DeleteWalletRequest;
import io.chaintrack.proto.v1.ExportWalletsRequest;
import io.chaintrack.proto.v1.ExportWalletsResponse;
import io.chaintrack.proto.v1.GetWalletBalancesRequest;
import io.chaintrack.proto.v1.GetWalletRequest;
import io.chaintrack.proto.v1.ImportWalletsRequest;
import io.chaintrack.proto.v1.ListWalletTransfersRequest;
import io.chaintrack.proto.v1.ListWalletsRequest;
import io.chaintrack.proto.v1.ResyncWalletRequest;
import io.chaintrack.proto.v1.StreamWalletSyncRequest;
import io.chaintrack.proto.v1.UpdateWalletRequest;
import io.micronaut.http.sse.Event;
import org.reactivestreams.Publisher;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Patch;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.netty.buffer.ByteBuf;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * REST transport of {@link WalletService} following the google.api.http rules of WalletService: GET routes bind
 * path and query like every other route; routes with a body take proto3 JSON (only), its fields never also in the
 * query, a path variable never contradicted by the body. No response cache: answers are per user.
 */
@Controller
@ExecuteOn(TaskExecutors.BLOCKING)
public final class WalletController {
    static final MediaType TEXT_CSV = MediaType.of("text/csv");
    private final WalletService service;

    public WalletController(WalletService service) {
        this.service = service;
    }

    @Post(uri = "/v1/wallets", consumes = MediaType.APPLICATION_JSON, produces = MediaType.APPLICATION_JSON)
    public HttpResponse<ByteBuf> createWallet(@Nullable @Body String body, HttpRequest<?> request) {
        return ok(service.createWallet(body(CreateWalletRequest.newBuilder(), body, request, Map.of())));
    }

    @Get(uri = "/v1/wallets", produces = MediaType.APPLICATION_JSON)
    public HttpResponse<ByteBuf> listWallets(HttpRequest<?> request) {
        return ok(service.listWallets(query(ListWalletsRequest.newBuilder(), request, Map.of())));
    }

    @Get(uri = "/v1/wallets/{wallet_id}", produces = MediaType.APPLICATION_JSON)
    public HttpResponse<ByteBuf> getWallet(@PathVariable("wallet_id") String walletId, HttpRequest<?> request) {
        return ok(service.getWallet(query(GetWalletRequest.newBuilder(), request, Map.of("wallet_id", walletId))));
    }

    @Patch(uri = "/v1/wallets/{wallet_id}", consumes = MediaType.APPLICATION_JSON, produces = MediaType.APPLICATION_JSON)
    public HttpResponse<ByteBuf> updateWallet(@PathVariable("wallet_id") String walletId, @Nullable @Body String body,
                                              HttpRequest<?> request) {
        return ok(service.updateWallet(body(UpdateWalletRequest.newBuilder(), body, request, Map.of("wallet_id", walletId))));
    }

    @Delete(uri = "/v1/wallets/{wallet_id}", produces = MediaType.APPLICATION_JSON)
    public HttpResponse<ByteBuf> deleteWallet(@PathVariable("wallet_id") String walletId, HttpRequest<?> request) {
        return ok(service.deleteWallet(query(DeleteWalletRequest.newBuilder(), request, Map.of("wallet_id", walletId))));
    }

    /** JSON {"csv": "..."} as the rule says, or the CSV file itself (Content-Type: text/csv), as a browser uploads it. */
    @Post(uri = "/v1/wallets/import", consumes = {MediaType.APPLICATION_JSON, "text/csv"}, produces = MediaType.APPLICATION_JSON)
    public HttpResponse<ByteBuf> importWallets(@Nullable @Body String body, HttpRequest<?> request) {
        ImportWalletsRequest bound;
        if (request.getContentType().map(type -> type.matches(TEXT_CSV)).orElse(false)) {
            requireNoQuery(request);
            bound = ImportWalletsRequest.newBuilder().setCsv(body == null ? "" : body).build();
        } else {
            bound = body(ImportWalletsRequest.newBuilder(), body, request, Map.of());
        }
        return ok(service.importWallets(bound));
    }

    /** JSON as the rule says; with Accept: text/csv (and not JSON) the CSV file itself, as a browser downloads it. */
    @Get(uri = "/v1/wallets/export", produces = {MediaType.APPLICATION_JSON, "text/csv"})
    public HttpResponse<?> exportWallets(HttpRequest<?> request) {
        ExportWalletsResponse export = service.exportWallets(query(ExportWalletsRequest.newBuilder(), request, Map.of()));
        boolean csv = request.accept().stream().anyMatch(type -> type.matches(TEXT_CSV))
                && request.accept().stream().noneMatch(type -> type.matches(MediaType.APPLICATION_JSON_TYPE));
        if (csv) {
            return HttpResponse.ok(export.getCsv()).contentType(MediaType.of("text/csv; charset=utf-8"))
                    .header("Content-Disposition", "attachment; filename=\"wallets.csv\"");
        }
        return ok(export);
    }

    @Get(uri = "/v1/wallets/{wallet_id}/balances", produces = MediaType.APPLICATION_JSON)
    public HttpResponse<ByteBuf> getWalletBalances(@PathVariable("wallet_id") String walletId, HttpRequest<?> request) {
        return ok(service.getWalletBalances(query(GetWalletBalancesRequest.newBuilder(), request, Map.of("wallet_id", walletId))));
    }

    @Get(uri = "/v1/wallets/{wallet_id}/history", produces = MediaType.APPLICATION_JSON)
    public HttpResponse<ByteBuf> getWalletHistory(@PathVariable("wallet_id") String walletId, HttpRequest<?> request) {
        return ok(service.getWalletHistory(query(io.chaintrack.proto.v1.GetWalletHistoryRequest.newBuilder(), request,
                Map.of("wallet_id", walletId))));
    }

    @Get(uri = "/v1/wallets/{wallet_id}/transfers", produces = MediaType.APPLICATION_JSON)
    public HttpResponse<ByteBuf> listWalletTransfers(@PathVariable("wallet_id") String walletId, HttpRequest<?> request) {
        return ok(service.listWalletTransfers(query(ListWalletTransfersRequest.newBuilder(), request, Map.of("wallet_id", walletId))));
    }

    @Post(uri = "/v1/wallets/{wallet_id}/sync", consumes = MediaType.APPLICATION_JSON, produces = MediaType.APPLICATION_JSON)
    public HttpResponse<ByteBuf> resyncWallet(@PathVariable("wallet_id") String walletId, @Nullable @Body String body,
                                              HttpRequest<?> request) {
        // the request has no field but the path's: an empty body is the same as {}
        return ok(service.resyncWallet(body(ResyncWalletRequest.newBuilder(), body == null || body.isBlank() ? "{}" : body,
                request, Map.of("wallet_id", walletId))));
    }

    /** Server-Sent Events: one "walletSync" event per change (data = proto JSON), the last with complete = true. */
    @Get(uri = "/v1/wallets/{wallet_id}/sync/stream", produces = MediaType.TEXT_EVENT_STREAM)
    public Publisher<Event<String>> streamWalletSync(@PathVariable("wallet_id") String walletId, HttpRequest<?> request) {
        return ServerSentEvents.of("walletSync", service.streamWalletSync(query(StreamWalletSyncRequest.newBuilder(), request,
                Map.of("wallet_id", walletId))));
    }

    private static <B extends Message.Builder, Q extends Message> Q query(B builder, HttpRequest<?> request, Map<String, String> path) {
        Map<String, List<String>> query = new LinkedHashMap<>();
        for (String name : request.getParameters().names()) {
            query.put(name, request.getParameters().getAll(name));
        }
        ProtoRequestBinder.bind(builder, path, query);
        @SuppressWarnings("unchecked")
        Q built = (Q) builder.build();
        return built;
    }

    private static <B extends Message.Builder, Q extends Message> Q body(B builder, String body, HttpRequest<?> request,
                                                                          Map<String, String> path) {
        requireNoQuery(request);
        if (body == null || body.isBlank()) {
            throw new InvalidArgumentException("body", "a JSON object is required");
        }
        try {
            ProtoJson.parse(body, builder);
        } catch (IllegalArgumentException e) {
            String why = e.getCause() == null ? e.getMessage() : e.getCause().getMessage();
            throw new InvalidArgumentException("body", "not valid JSON for " + builder.getDescriptorForType().getName() + ": " + why);
        }
        for (Map.Entry<String, String> variable : path.entrySet()) {
            var field = builder.getDescriptorForType().findFieldByName(variable.getKey());
            Object given = builder.getField(field);
            if (!"".equals(given) && !variable.getValue().equals(given)) {
                throw new InvalidArgumentException(variable.getKey(), "the body says " + given + " but the path " + variable.getValue());
            }
        }
        ProtoRequestBinder.bind(builder, path, Map.of());
        @SuppressWarnings("unchecked")
        Q built = (Q) builder.build();
        return built;
    }

    private static void requireNoQuery(HttpRequest<?> request) {
        for (String name : request.getParameters().names()) {
            throw new InvalidArgumentException(name, "this route takes its fields in the body, not in the query");
        }
    }

    private static HttpResponse<ByteBuf> ok(Message response) {
        return HttpResponse.<ByteBuf>status(HttpStatus.OK).body(ProtoJson.printBuffer(response)).contentType(MediaType.APPLICATION_JSON_TYPE);
    }
}
