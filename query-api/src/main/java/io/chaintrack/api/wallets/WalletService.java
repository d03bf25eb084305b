package io.chaintrack.api.wallets;

import com.google.protobuf.Timestamp;
import io.chaintrack.api.config.AuthConfig;
import io.chaintrack.api.config.OidcConfig;
import io.chaintrack.api.config.WalletConfig;
import io.chaintrack.api.context.Caller;
import io.chaintrack.api.context.Callers;
import io.chaintrack.api.error.ApiException;
import io.chaintrack.api.error.ErrorKind;
import io.chaintrack.api.error.InvalidArgumentException;
import io.chaintrack.api.error.UnauthenticatedException;
import io.chaintrack.api.keys.ApiKeyAuthorizer;
import io.chaintrack.api.query.RequestValues;
import io.chaintrack.proto.v1.GetExtendedKeyBalancesRequest;
import io.chaintrack.proto.v1.BalanceView;
import io.chaintrack.core.utxo.UtxoNetwork;
import io.chaintrack.core.utxo.UtxoAddresses;
import io.chaintrack.core.utxo.ExtendedKeyWallet;
import io.chaintrack.api.query.ExtendedKeyQueryService;
import io.chaintrack.api.query.Async;
import io.chaintrack.api.query.BalanceQueryService;
import io.chaintrack.api.query.ChainDirectory;
import io.chaintrack.api.query.ChainQueryService;
import io.chaintrack.api.query.LiveStreams;
import io.chaintrack.api.query.Store;
import io.chaintrack.api.query.TransferQueryService;
import io.chaintrack.proto.v1.ChainStatusView;
import io.chaintrack.proto.v1.CreateWalletRequest;
import io.chaintrack.proto.v1.CreateWalletResponse;
import io.chaintrack.proto.v1.DeleteWalletRequest;
import io.chaintrack.proto.v1.DeleteWalletResponse;
import io.chaintrack.proto.v1.ExportWalletsRequest;
import io.chaintrack.proto.v1.ExportWalletsResponse;
import io.chaintrack.proto.v1.GetBalancesRequest;
import io.chaintrack.proto.v1.GetBalancesResponse;
import io.chaintrack.proto.v1.GetChainStatusRequest;
import io.chaintrack.proto.v1.GetWalletBalancesRequest;
import io.chaintrack.proto.v1.GetWalletBalancesResponse;
import io.chaintrack.proto.v1.GetWalletRequest;
import io.chaintrack.proto.v1.GetWalletResponse;
import io.chaintrack.proto.v1.ImportRowError;
import io.chaintrack.proto.v1.ImportWalletsRequest;
import io.chaintrack.proto.v1.ImportWalletsResponse;
import io.chaintrack.proto.v1.ListAddressTransfersRequest;
import io.chaintrack.proto.v1.ListAddressTransfersResponse;
import io.chaintrack.proto.v1.ListChainStatusesRequest;
import io.chaintrack.proto.v1.ListWalletTransfersRequest;
import io.chaintrack.proto.v1.ListWalletTransfersResponse;
import io.chaintrack.proto.v1.ListWalletsRequest;
import io.chaintrack.proto.v1.ListWalletsResponse;
import io.chaintrack.proto.v1.StreamWalletSyncRequest;
import io.chaintrack.proto.v1.StreamWalletSyncResponse;
import io.chaintrack.proto.v1.UpdateWalletRequest;
import io.chaintrack.proto.v1.UpdateWalletResponse;
import io.chaintrack.proto.v1.ResyncWalletRequest;
import io.chaintrack.proto.v1.ResyncWalletResponse;
import io.chaintrack.proto.v1.WalletHistorySyncState;
import io.chaintrack.proto.v1.WalletHistorySyncView;
import io.chaintrack.proto.v1.WalletSyncState;
import io.chaintrack.proto.v1.WalletSyncView;
import io.chaintrack.proto.v1.WalletView;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The plain service behind both transports of WalletService: a user's wallets, validated here, written only through
 * {@link WalletStore}, and their chain data read through the same read-only services as the address routes (so a
 * wallet's balances are exactly its address's). Every call acts for the current caller's user: another user's
 * wallet is NOT_FOUND exactly like a wallet that does not exist, so ids reveal nothing.
 */
@Singleton
public final class WalletService {
    static final int MAX_LABEL = 200;
    static final int MAX_TAGS = 20;
    static final Pattern TAG = Pattern.compile("[A-Za-z0-9 _.:-]{1,50}");
    static final Pattern WALLET_ID = Pattern.compile("w_[0-9a-f]{20}");
    private static final Pattern DIGITS = Pattern.compile("[0-9]{1,19}");
    private static final int DEFAULT_LIMIT = 100;
    private static final int MAX_LIMIT = 1000;

    private final Store store;
    private final WalletStore wallets;
    private final WalletConfig config;
    private final ChainDirectory chains;
    private final ChainQueryService chainQueries;
    private final BalanceQueryService balances;
    private final TransferQueryService transfers;
    private final LiveStreams streams;
    private final boolean authEnabled;
    private final boolean oidcEnabled;

    private final ExtendedKeyQueryService extendedKeys;

    public WalletService(Store store, WalletStore wallets, WalletConfig config, ChainDirectory chains, ChainQueryService chainQueries,
                         BalanceQueryService balances, TransferQueryService transfers, LiveStreams streams, AuthConfig auth,
                         OidcConfig oidc, ExtendedKeyQueryService extendedKeys) {
        this.extendedKeys = extendedKeys;
        this.streams = streams;
        this.store = store;
        this.wallets = wallets;
        this.config = config;
        this.chains = chains;
        this.chainQueries = chainQueries;
        this.balances = balances;
        this.transfers = transfers;
        this.authEnabled = auth.enabled();
        this.oidcEnabled = oidc.enabled();
    }

    public CreateWalletResponse createWallet(CreateWalletRequest request) {
        Caller.User user = user();
        long chainId = chains.requireKnown(request.getChainId());
        String address = accountOrKey(chainId, request.getAddress());
        String label = label("label", request.getLabel());
        List<String> tags = tags("tags", request.getTagsList());
        WalletStore.NewWallet wallet = new WalletStore.NewWallet(chainId, address, label, tags);
        Object[] outcome = store.transaction(c -> {
            long userId = wallets.lockUser(c, user);
            Optional<WalletStore.WalletRow> inserted = wallets.insert(c, userId, wallet);
            if (inserted.isPresent()) {
                requireWithinBound(wallets.count(c, userId));
                return new Object[] {inserted.get(), true};
            }
            return new Object[] {wallets.find(c, userId, chainId, address).orElseThrow(), false};
        });
        WalletStore.WalletRow row = (WalletStore.WalletRow) outcome[0];
        return CreateWalletResponse.newBuilder().setWallet(view(row, syncOf(row)))
                .setCreated((Boolean) outcome[1]).build();
    }

    public ListWalletsResponse listWallets(ListWalletsRequest request) {
        Caller.User user = user();
        int limit = limit(request.getLimit());
        long after = cursor(request.getCursor());
        long chainId = request.getChainId() == 0 ? 0 : chains.requireKnown(request.getChainId());
        String tag = request.getTag().isEmpty() ? "" : tag("tag", request.getTag());
        List<WalletStore.WalletRow> rows = store.read(c -> {
            Optional<Long> userId = wallets.findUser(c, user);
            return userId.isEmpty() ? List.<WalletStore.WalletRow>of() : wallets.list(c, userId.get(), after, limit + 1, chainId, tag);
        });
        ListWalletsResponse.Builder response = ListWalletsResponse.newBuilder();
        boolean more = rows.size() > limit;
        List<WalletStore.WalletRow> page = more ? rows.subList(0, limit) : rows;
        Function<Long, WalletSyncView> sync = page.isEmpty() ? id -> WalletSyncView.getDefaultInstance() : allSyncs();
        Map<String, WalletStore.HistorySync> histories = page.isEmpty() ? Map.of() : store.read(c -> wallets.historySyncs(c,
                page.stream().map(WalletStore.WalletRow::chainId).toList(), page.stream().map(WalletStore.WalletRow::address).toList()));
        for (WalletStore.WalletRow row : page) {
            response.addWallets(view(row, sync.apply(row.chainId()).toBuilder()
                    .setHistory(history(histories.get(row.chainId() + "/" + row.address()))).build()));
        }
        if (more) {
            response.setNextCursor(encodeCursor(page.get(page.size() - 1).seq()));
        }
        return response.build();
    }

    public GetWalletResponse getWallet(GetWalletRequest request) {
        WalletStore.WalletRow row = own(request.getWalletId());
        return GetWalletResponse.newBuilder().setWallet(view(row, syncOf(row))).build();
    }

    public UpdateWalletResponse updateWallet(UpdateWalletRequest request) {
        Caller.User user = user();
        String walletId = walletId(request.getWalletId());
        boolean setLabel;
        boolean setTags;
        boolean setWebhook;
        if (request.getUpdateFieldsCount() == 0) {
            setLabel = !request.getLabel().isEmpty();
            setTags = request.getTagsCount() > 0;
            setWebhook = !request.getWebhookUrl().isEmpty() || !request.getWebhookSecret().isEmpty();
        } else {
            setLabel = false;
            setTags = false;
            setWebhook = false;
            for (String field : request.getUpdateFieldsList()) {
                switch (field) {
                    case "label" -> setLabel = true;
                    case "tags" -> setTags = true;
                    case "webhook" -> setWebhook = true;
                    default -> throw new InvalidArgumentException("update_fields", "unknown field '" + field + "' (label, tags, webhook)");
                }
            }
        }
        if (!setLabel && !setTags && !setWebhook) {
            throw new InvalidArgumentException("update_fields", "nothing to update: give a label, tags or a webhook, or name the fields to clear");
        }
        String label = setLabel ? label("label", request.getLabel()) : null;
        List<String> tags = setTags ? tags("tags", request.getTagsList()) : null;
        WalletStore.Webhook webhook = setWebhook ? webhook(request.getWebhookUrl(), request.getWebhookSecret()) : null;
        WalletStore.WalletRow row = store.transaction(c -> {
            Optional<Long> userId = wallets.findUser(c, user);
            return userId.isEmpty() ? Optional.<WalletStore.WalletRow>empty()
                    : wallets.update(c, userId.get(), walletId, label, tags, webhook);
        }).orElseThrow(() -> notFound(walletId));
        return UpdateWalletResponse.newBuilder().setWallet(view(row, syncOf(row))).build();
    }

    /**
     * Requests the wallet's history be synced again; the pipeline's sync worker takes the request up (superseding a
     * sync of the account still running) and restarts from block 0.
     */
    public ResyncWalletResponse resyncWallet(ResyncWalletRequest request) {
        WalletStore.WalletRow row = own(request.getWalletId());
        if (!row.address().matches("0x[0-9a-f]{40}")) {
            throw new InvalidArgumentException("wallet_id", "wallet " + row.walletId() + " is on a UTXO chain: only EVM"
                    + " wallets have a targeted history sync");
        }
        store.transaction(c -> {
            wallets.requestSync(c, List.of(row.chainId()), List.of(row.address()), true);
            return null;
        });
        return ResyncWalletResponse.newBuilder().setWallet(view(row, syncOf(row))).build();
    }

    /** A webhook to set: both fields, or both empty to remove it. */
    static WalletStore.Webhook webhook(String url, String secret) {
        if (url.isEmpty() && secret.isEmpty()) {
            return new WalletStore.Webhook(null, null);
        }
        if (url.isEmpty()) {
            throw new InvalidArgumentException("webhook_url", "is required with webhook_secret");
        }
        java.net.URI uri;
        try {
            uri = new java.net.URI(url);
        } catch (java.net.URISyntaxException e) {
            throw new InvalidArgumentException("webhook_url", "'" + clip(url) + "' is not a URL: " + e.getReason());
        }
        if (uri.getScheme() == null || !(uri.getScheme().equals("https") || uri.getScheme().equals("http"))
                || uri.getHost() == null || url.length() > 2000) {
            throw new InvalidArgumentException("webhook_url", "'" + clip(url) + "' is not an absolute http(s) URL of at most 2000 characters");
        }
        if (secret.length() < 16 || secret.length() > 200 || secret.codePoints().anyMatch(Character::isISOControl)) {
            throw new InvalidArgumentException("webhook_secret", "must be 16 to 200 characters without control characters"
                    + " (it keys the HMAC-SHA256 signature of every delivery)");
        }
        return new WalletStore.Webhook(url, secret);
    }

    public DeleteWalletResponse deleteWallet(DeleteWalletRequest request) {
        Caller.User user = user();
        String walletId = walletId(request.getWalletId());
        boolean deleted = store.transaction(c -> {
            Optional<Long> userId = wallets.findUser(c, user);
            return userId.isPresent() && wallets.delete(c, userId.get(), walletId);
        });
        if (!deleted) {
            throw notFound(walletId);
        }
        return DeleteWalletResponse.newBuilder().setWalletId(walletId).build();
    }

    /** Valid rows are added or updated in one transaction; every other row comes back with its line and reason. */
    public ImportWalletsResponse importWallets(ImportWalletsRequest request) {
        Caller.User user = user();
        List<WalletCsv.Row> rows;
        List<ImportRowError> errors = new ArrayList<>();
        try {
            rows = WalletCsv.parse(request.getCsv());
        } catch (WalletCsv.MalformedException e) {
            throw new InvalidArgumentException("csv", "line " + e.line() + ": " + e.getMessage());
        }
        if (rows.isEmpty()) {
            throw new InvalidArgumentException("csv", "is empty: the first line must be the header chain_id,address,label[,tags]");
        }
        List<String> header = rows.get(0).fields().stream().map(f -> f.strip().toLowerCase(Locale.ROOT)).toList();
        if (!header.equals(List.of("chain_id", "address", "label")) && !header.equals(List.of("chain_id", "address", "label", "tags"))) {
            throw new InvalidArgumentException("csv", "line " + rows.get(0).line() + ": the header must be chain_id,address,label or"
                    + " chain_id,address,label,tags, not " + String.join(",", rows.get(0).fields()));
        }
        if (rows.size() - 1 > config.maxImportRows()) {
            throw new InvalidArgumentException("csv", (rows.size() - 1) + " rows is over the limit of " + config.maxImportRows()
                    + " per upload (chaintrack.api.wallets.max-import-rows); split the file");
        }
        List<WalletStore.NewWallet> valid = new ArrayList<>();
        Map<String, Integer> firstLine = new HashMap<>();
        for (WalletCsv.Row row : rows.subList(1, rows.size())) {
            try {
                WalletStore.NewWallet wallet = importRow(row, header.size());
                Integer earlier = firstLine.putIfAbsent(wallet.chainId() + "/" + wallet.address(), row.line());
                if (earlier != null) {
                    throw new InvalidArgumentException("address", "the same chain and address as line " + earlier);
                }
                valid.add(wallet);
            } catch (InvalidArgumentException e) {
                errors.add(ImportRowError.newBuilder().setLine(row.line()).setColumn(e.parameter().orElse(""))
                        .setMessage(e.getMessage()).build());
            }
        }
        WalletStore.Upserted done = store.transaction(c -> {
            long userId = wallets.lockUser(c, user);
            WalletStore.Upserted upserted = wallets.upsert(c, userId, valid);
            requireWithinBound(wallets.count(c, userId));
            return upserted;
        });
        errors.sort(Comparator.comparingInt(ImportRowError::getLine));
        return ImportWalletsResponse.newBuilder().setCreated(done.created()).setUpdated(done.updated()).addAllErrors(errors).build();
    }

    /** Every wallet of the user in the upload's CSV format, oldest first (an export uploaded again changes nothing). */
    public ExportWalletsResponse exportWallets(ExportWalletsRequest request) {
        Caller.User user = user();
        List<WalletStore.WalletRow> rows = store.read(c -> {
            Optional<Long> userId = wallets.findUser(c, user);
            return userId.isEmpty() ? List.<WalletStore.WalletRow>of() : wallets.list(c, userId.get(), 0, config.maxPerUser() + 1, 0, "");
        });
        StringBuilder csv = new StringBuilder("chain_id,address,label,tags\r\n");
        for (WalletStore.WalletRow row : rows) {
            csv.append(row.chainId()).append(',').append(row.address()).append(',').append(WalletCsv.field(row.label()))
                    .append(',').append(WalletCsv.field(String.join(";", row.tags()))).append("\r\n");
        }
        return ExportWalletsResponse.newBuilder().setCsv(csv.toString()).setWallets(rows.size()).build();
    }

    public GetWalletBalancesResponse getWalletBalances(GetWalletBalancesRequest request) {
        String currency = io.chaintrack.api.query.PriceQueryService.currency("currency", request.getCurrency(), false);
        WalletStore.WalletRow row = own(request.getWalletId());
        GetBalancesResponse held;
        if (extendedKey(row)) {
            // many addresses, one balance: derived to the gap limit and summed
            List<BalanceView> summed = extendedKeys.getExtendedKeyBalances(GetExtendedKeyBalancesRequest.newBuilder()
                    .setChainId(row.chainId()).setKey(row.address()).build()).getBalancesList();
            held = currency == null ? GetBalancesResponse.newBuilder().addAllBalances(summed).build()
                    : balances.valued(row.chainId(), summed);
        } else {
            held = balances.getBalances(GetBalancesRequest.newBuilder().setChainId(row.chainId()).setAddress(row.address())
                    .setCurrency(request.getCurrency()).build());
        }
        GetWalletBalancesResponse.Builder out = GetWalletBalancesResponse.newBuilder().setWallet(view(row, syncOf(row)))
                .addAllBalances(held.getBalancesList());
        if (held.hasTotalValue()) {
            out.setTotalValue(held.getTotalValue());
        }
        return out.build();
    }

    /** The wallet address's balances and value over time: BalanceService.GetPortfolioHistory for it. */
    public io.chaintrack.proto.v1.GetWalletHistoryResponse getWalletHistory(io.chaintrack.proto.v1.GetWalletHistoryRequest request) {
        WalletStore.WalletRow row = own(request.getWalletId());
        if (extendedKey(row)) {
            throw new InvalidArgumentException("wallet_id", "an extended-key wallet's history is kept per derived address:"
                    + " GET /v1/chains/" + row.chainId() + "/extended-keys/balances names them");
        }
        io.chaintrack.proto.v1.GetPortfolioHistoryRequest.Builder history = io.chaintrack.proto.v1.GetPortfolioHistoryRequest
                .newBuilder().setChainId(row.chainId()).setAddress(row.address()).setWindowSeconds(request.getWindowSeconds())
                .setCurrency(request.getCurrency());
        if (request.hasStartTime()) {
            history.setStartTime(request.getStartTime());
        }
        if (request.hasEndTime()) {
            history.setEndTime(request.getEndTime());
        }
        return io.chaintrack.proto.v1.GetWalletHistoryResponse.newBuilder().setWallet(view(row, syncOf(row)))
                .setHistory(balances.getPortfolioHistory(history.build())).build();
    }

    /**
     * An account of the chain, or on a UTXO chain an account-level extended public key or descriptor (kept as given:
     * the wallet is then every address it derives). Anything else fails with the account rule's message.
     */
    private static String accountOrKey(long chainId, String value) {
        try {
            return RequestValues.address(chainId, "address", value);
        } catch (InvalidArgumentException e) {
            Optional<UtxoNetwork> utxo = UtxoNetwork.byChainId(chainId);
            if (utxo.isPresent() && !value.isBlank()) {
                try {
                    ExtendedKeyWallet.parse(utxo.get(), value);
                    return value.strip();
                } catch (IllegalArgumentException notAKey) {
                    throw new InvalidArgumentException("address", e.getMessage().replaceFirst("^address: ", "")
                            + "; nor an extended public key (" + notAKey.getMessage() + ")");
                }
            }
            throw e;
        }
    }

    private static boolean extendedKey(WalletStore.WalletRow row) {
        // UtxoAddresses.isValid accepts addresses and script-hash keys; anything else stored is an extended key
        return UtxoNetwork.byChainId(row.chainId()).map(n -> !UtxoAddresses.isValid(n, row.address())).orElse(false);
    }

    public ListWalletTransfersResponse listWalletTransfers(ListWalletTransfersRequest request) {
        WalletStore.WalletRow row = own(request.getWalletId());
        if (extendedKey(row)) {
            throw new InvalidArgumentException("wallet_id", "an extended-key wallet's transfers are listed per derived address:"
                    + " GET /v1/chains/" + row.chainId() + "/extended-keys/balances names them");
        }
        ListAddressTransfersResponse answer;
        try {
            answer = transfers.listAddressTransfers(ListAddressTransfersRequest.newBuilder()
                    .setChainId(row.chainId()).setAddress(row.address()).setLimit(request.getLimit()).setCursor(request.getCursor())
                    .setDirection(request.getDirection()).setStandard(request.getStandard()).setMinAmount(request.getMinAmount())
                    .build()).join();
        } catch (CompletionException e) {
            throw Async.cause(e);
        }
        return ListWalletTransfersResponse.newBuilder().addAllTransfers(answer.getTransfersList())
                .setNextCursor(answer.getNextCursor()).build();
    }

    /**
     * The wallet's sync state at once and at every change, ending after the message that says it is synced. Ownership
     * is checked when the stream opens; the stream holds a live-stream slot of the caller like any other.
     */
    public LiveStreams.Prepared<StreamWalletSyncResponse> streamWalletSync(StreamWalletSyncRequest request) {
        WalletStore.WalletRow row = own(request.getWalletId());
        LiveStreams.Slot slot = streams.reserve();
        return sink -> streams.start(slot, new LiveStreams.Poll() {
            private WalletSyncView last;
            private long lastSent = System.nanoTime();

            @Override
            public boolean run() {
                if (sink.closed()) {
                    return false;
                }
                if (!sink.ready()) {
                    return true;
                }
                WalletSyncView now;
                try {
                    now = syncOf(row);
                } catch (ApiException e) {
                    sink.fail(e);
                    return false;
                }
                boolean complete = complete(now);
                long t = System.nanoTime();
                if (!now.equals(last)) {
                    sink.send(StreamWalletSyncResponse.newBuilder().setWalletId(row.walletId()).setSync(now).setComplete(complete).build());
                    last = now;
                    lastSent = t;
                } else if (t - lastSent >= streams.config().heartbeat().toNanos()) {
                    sink.heartbeat();
                    lastSent = t;
                }
                if (complete) {
                    sink.complete();
                    return false;
                }
                return true;
            }
        });
    }

    /** The current caller's wallet {@code walletId}; NOT_FOUND when it is not theirs. */
    private WalletStore.WalletRow own(String requested) {
        Caller.User user = user();
        String walletId = walletId(requested);
        return store.read(c -> {
            Optional<Long> userId = wallets.findUser(c, user);
            return userId.isEmpty() ? Optional.<WalletStore.WalletRow>empty() : wallets.get(c, userId.get(), walletId);
        }).orElseThrow(() -> notFound(walletId));
    }

    private Caller.User user() {
        Optional<Caller> caller = Callers.current();
        if (caller.isPresent() && caller.get().user() != null) {
            return caller.get().user();
        }
        if (caller.isPresent() && caller.get().keyId() != null) {
            throw new ApiException(ErrorKind.PERMISSION_DENIED, null, "API key " + caller.get().keyId() + " belongs to no user: wallets"
                    + " are a user's (sign in with a bearer token, or use a key created with --user-issuer and --user-subject)");
        }
        String challenge = oidcEnabled ? ApiKeyAuthorizer.API_KEY_CHALLENGE + ", Bearer realm=\"chaintrack\"" : ApiKeyAuthorizer.API_KEY_CHALLENGE;
        throw new UnauthenticatedException(null, authEnabled
                ? "wallets belong to a signed-in user: send a bearer token or an API key that belongs to a user"
                : "wallets belong to a signed-in user, and this server authenticates nobody (chaintrack.api.auth.enabled is false)",
                challenge);
    }

    private void requireWithinBound(int count) {
        if (count > config.maxPerUser()) {
            throw new InvalidArgumentException(null, "this would give you " + count + " wallets, over the limit of "
                    + config.maxPerUser() + " per user (chaintrack.api.wallets.max-per-user); nothing was added");
        }
    }

    private WalletStore.NewWallet importRow(WalletCsv.Row row, int columns) {
        List<String> fields = row.fields();
        if (fields.size() > columns || fields.size() < 2) {
            throw new InvalidArgumentException(null, "has " + fields.size() + " fields; the header has " + columns);
        }
        String chainText = fields.get(0).strip();
        if (!DIGITS.matcher(chainText).matches()) {
            throw new InvalidArgumentException("chain_id", "'" + clip(chainText) + "' is not a chain id (decimal digits)");
        }
        long chainId = chains.requireKnown(Long.parseLong(chainText));
        String address = accountOrKey(chainId, fields.get(1).strip());
        String label = fields.size() > 2 ? label("label", fields.get(2).strip()) : "";
        List<String> tags = List.of();
        if (fields.size() > 3 && !fields.get(3).isBlank()) {
            tags = tags("tags", List.of(fields.get(3).split(";", -1)));
        }
        return new WalletStore.NewWallet(chainId, address, label, tags);
    }

    private WalletSyncView syncOf(WalletStore.WalletRow row) {
        WalletSyncView chain = sync(chainQueries.getChainStatus(GetChainStatusRequest.newBuilder().setChainId(row.chainId()).build())
                .getStatus());
        WalletStore.HistorySync h = store.read(c -> wallets.historySyncs(c, List.of(row.chainId()), List.of(row.address())))
                .get(row.chainId() + "/" + row.address());
        return chain.toBuilder().setHistory(history(h)).build();
    }

    /** The stream's last message: the history sync failed, or it is done (or not needed) and the chain is synced. */
    static boolean complete(WalletSyncView sync) {
        WalletHistorySyncState h = sync.getHistory().getState();
        return h == WalletHistorySyncState.WALLET_HISTORY_SYNC_STATE_FAILED
                || ((h == WalletHistorySyncState.WALLET_HISTORY_SYNC_STATE_DONE || h == WalletHistorySyncState.WALLET_HISTORY_SYNC_STATE_NOT_NEEDED
                        || h == WalletHistorySyncState.WALLET_HISTORY_SYNC_STATE_UNAVAILABLE)
                    && sync.getState() == WalletSyncState.WALLET_SYNC_STATE_SYNCED);
    }

    /**
     * The history sync's view: no request (a UTXO wallet) or a chain indexed from genesis is NOT_NEEDED; progress is
     * blocks done over the sync's three passes, the ETA the rate so far applied to what is left.
     */
    static WalletHistorySyncView history(WalletStore.HistorySync h) {
        WalletHistorySyncView.Builder v = WalletHistorySyncView.newBuilder();
        if (h == null || (h.firstIndexedBlock() != null && h.firstIndexedBlock() == 0)) {
            return v.setState(WalletHistorySyncState.WALLET_HISTORY_SYNC_STATE_NOT_NEEDED).build();
        }
        if (!h.workerRuns() && h.state().equals("queued")) {
            return v.setState(WalletHistorySyncState.WALLET_HISTORY_SYNC_STATE_UNAVAILABLE).setGeneration(h.generation())
                    .setReason("no history sync runs for this chain" + (h.firstIndexedBlock() == null ? "" : " (indexed from block "
                            + h.firstIndexedBlock() + ")") + ": balances count only what the pipeline indexed").build();
        }
        v.setState(switch (h.state()) {
            case "running" -> WalletHistorySyncState.WALLET_HISTORY_SYNC_STATE_RUNNING;
            case "done" -> WalletHistorySyncState.WALLET_HISTORY_SYNC_STATE_DONE;
            case "failed" -> WalletHistorySyncState.WALLET_HISTORY_SYNC_STATE_FAILED;
            default -> WalletHistorySyncState.WALLET_HISTORY_SYNC_STATE_QUEUED;
        }).setReason(h.reason()).setGeneration(h.generation()).setRecordsDone(h.recordsDone());
        if (h.requestedAt() != null) {
            v.setRequestedAt(timestamp(h.requestedAt()));
        }
        if (h.startedAt() != null) {
            v.setStartedAt(timestamp(h.startedAt()));
        }
        if (h.finishedAt() != null) {
            v.setFinishedAt(timestamp(h.finishedAt()));
        }
        if (h.targetBlock() != null) {
            long perPass = h.targetBlock() + 1;
            long total = 3 * perPass;
            long done = "done".equals(h.state()) ? total
                    : Math.min(perPass, h.logsThrough() + 1) + Math.min(perPass, h.nativeThrough() + 1) + Math.min(perPass, h.internalThrough() + 1);
            v.setTargetBlock(h.targetBlock()).setBlocksTotal(total).setBlocksDone(done)
                    .setProgress(total == 0 ? 1.0 : (double) done / total);
            if ("running".equals(h.state()) && done > 0 && done < total && h.startedAt() != null && h.updatedAt() != null) {
                double elapsed = java.time.Duration.between(h.startedAt(), h.updatedAt()).toMillis() / 1000.0;
                v.setEtaSeconds(Math.round(elapsed * (total - done) / done));
            }
        }
        return v.build();
    }

    /** Every chain's status in one read, for a page of wallets. */
    private Function<Long, WalletSyncView> allSyncs() {
        Map<Long, WalletSyncView> byChain = new HashMap<>();
        for (ChainStatusView status : chainQueries.listChainStatuses(ListChainStatusesRequest.getDefaultInstance()).getChainsList()) {
            byChain.put(status.getChainId(), sync(status));
        }
        return chainId -> byChain.getOrDefault(chainId, notIndexed());
    }

    /**
     * A wallet is synced when its chain is indexed up to the head its follower last saw: chaintrack indexes every
     * address of a chain, so the chain's progress is the address's.
     */
    static WalletSyncView sync(ChainStatusView status) {
        if (status.getLatestBlockHash().isEmpty()) {
            return notIndexed();
        }
        WalletSyncView.Builder sync = WalletSyncView.newBuilder().setIndexedBlock(status.getLatestBlock());
        if (!status.hasHeadNumber()) {
            return sync.setState(WalletSyncState.WALLET_SYNC_STATE_HEAD_UNKNOWN).build();
        }
        long head = status.getHeadNumber();
        long behind = Math.max(0, head - status.getLatestBlock());
        sync.setHeadBlock(head).setBlocksBehind(behind);
        if (behind == 0) {
            return sync.setState(WalletSyncState.WALLET_SYNC_STATE_SYNCED).setProgress(1.0).build();
        }
        return sync.setState(WalletSyncState.WALLET_SYNC_STATE_SYNCING)
                .setProgress(head == 0 ? 0 : (double) status.getLatestBlock() / head).build();
    }

    private static WalletSyncView notIndexed() {
        return WalletSyncView.newBuilder().setState(WalletSyncState.WALLET_SYNC_STATE_NOT_INDEXED).build();
    }

    private static WalletView view(WalletStore.WalletRow row, WalletSyncView sync) {
        return WalletView.newBuilder().setWalletId(row.walletId()).setChainId(row.chainId()).setAddress(row.address())
                .setLabel(row.label()).addAllTags(row.tags()).setCreatedAt(timestamp(row.createdAt()))
                .setUpdatedAt(timestamp(row.updatedAt())).setSync(sync)
                .setWebhookUrl(row.webhookUrl() == null ? "" : row.webhookUrl()).build();
    }

    private static Timestamp timestamp(OffsetDateTime time) {
        return Timestamp.newBuilder().setSeconds(time.toEpochSecond()).setNanos(time.getNano()).build();
    }

    static String label(String parameter, String value) {
        if (value.codePointCount(0, value.length()) > MAX_LABEL) {
            throw new InvalidArgumentException(parameter, "is longer than " + MAX_LABEL + " characters");
        }
        if (value.codePoints().anyMatch(Character::isISOControl)) {
            throw new InvalidArgumentException(parameter, "must not contain control characters");
        }
        return value;
    }

    static List<String> tags(String parameter, List<String> values) {
        TreeSet<String> tags = new TreeSet<>();
        for (String value : values) {
            tags.add(tag(parameter, value.strip()));
        }
        if (tags.size() > MAX_TAGS) {
            throw new InvalidArgumentException(parameter, "at most " + MAX_TAGS + " tags, not " + tags.size());
        }
        return List.copyOf(tags);
    }

    static String tag(String parameter, String value) {
        if (!TAG.matcher(value).matches()) {
            throw new InvalidArgumentException(parameter, "'" + clip(value) + "' is not a tag (1 to 50 of A-Z a-z 0-9 space _ . : -)");
        }
        return value;
    }

    private static String walletId(String value) {
        if (value.isEmpty()) {
            throw new InvalidArgumentException("wallet_id", "is required");
        }
        if (!WALLET_ID.matcher(value).matches()) {
            throw new InvalidArgumentException("wallet_id", "'" + clip(value) + "' is not a wallet id (w_ and 20 hex digits)");
        }
        return value;
    }

    private static ApiException notFound(String walletId) {
        return new ApiException(ErrorKind.NOT_FOUND, "wallet_id", "you have no wallet " + walletId);
    }

    private static int limit(int value) {
        if (value < 0 || value > MAX_LIMIT) {
            throw new InvalidArgumentException("limit", "must be between 1 and " + MAX_LIMIT + " (0 means " + DEFAULT_LIMIT + "), not " + value);
        }
        return value == 0 ? DEFAULT_LIMIT : value;
    }

    private static long cursor(String cursor) {
        if (cursor.isEmpty()) {
            return 0;
        }
        try {
            String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.US_ASCII);
            if (text.startsWith("wallets:") && DIGITS.matcher(text.substring(8)).matches()) {
                return Long.parseLong(text.substring(8));
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        throw new InvalidArgumentException("cursor", "is not a cursor of this listing (pass next_cursor as it came)");
    }

    private static String encodeCursor(long seq) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(("wallets:" + seq).getBytes(StandardCharsets.US_ASCII));
    }

    static String clip(String value) {
        return value.length() > 80 ? value.substring(0, 80) + "…" : value;
    }
}
