package io.chaintrack.api.query;

import com.google.protobuf.Timestamp;
import io.chaintrack.api.config.ApiConfig;
import io.chaintrack.api.config.BatchConfig;
import io.chaintrack.api.context.Deadlines;
import io.chaintrack.api.metrics.ApiMetrics;
import io.chaintrack.api.error.InvalidArgumentException;
import io.chaintrack.proto.v1.BalanceView;
import io.chaintrack.proto.v1.BalanceWindowView;
import io.chaintrack.proto.v1.GetBalanceHistoryRequest;
import io.chaintrack.proto.v1.GetBalanceHistoryResponse;
import io.chaintrack.proto.v1.GetBalancesRequest;
import io.chaintrack.proto.v1.GetBalancesResponse;
import io.chaintrack.proto.v1.GetPortfolioHistoryRequest;
import io.chaintrack.proto.v1.GetPortfolioHistoryResponse;
import io.chaintrack.proto.v1.TokenHistoryView;
import io.chaintrack.proto.v1.TokenStandard;
import io.chaintrack.proto.v1.ValueView;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Current balances and per-window balance history of an address. A history answer is complete or
 * refused: a range holding more than max-limit windows is a 400, never a silently cut list. The open window of each
 * resolution is served with its running values, marked provisional; a window is finalized once it is closed and ends
 * at or before the time of an indexed final block. With finality=finalized, current balances are those at the newest
 * indexed final block and histories stop at the last finalized window.
 */
@Singleton
public final class BalanceQueryService {
    /** A window whose transfers were all reverted is still written (zero counts, same balance): not shown. */
    static final String VISIBLE = " AND (transfers_in > 0 OR transfers_out > 0)";

    private final ChainDirectory chains;
    private final Finality finality;
    private final BalanceAtQueryService balancesAt;
    private final Store store;
    private final ApiConfig config;
    private final TokenMetadataReader metadata;
    private final StatementBatcher<HistoryRead, History> histories;
    private final ApiMetrics metrics;
    private final PriceQueryService prices;
    private final java.time.Clock clock;
    private final java.util.concurrent.ExecutorService blocking;

    public BalanceQueryService(ChainDirectory chains, Finality finality, BalanceAtQueryService balancesAt, Store store,
                               ApiConfig config, TokenMetadataReader metadata, BatchConfig batch, ApiMetrics metrics,
                               PriceQueryService prices, java.time.Clock clock,
                               @jakarta.inject.Named(io.micronaut.scheduling.TaskExecutors.BLOCKING) java.util.concurrent.ExecutorService blocking) {
        this.prices = prices;
        this.clock = clock;
        this.blocking = blocking;
        this.chains = chains;
        this.finality = finality;
        this.balancesAt = balancesAt;
        this.store = store;
        this.config = config;
        this.metadata = metadata;
        this.metrics = metrics;
        this.histories = new StatementBatcher<>("balance-history", store, metrics, batch, (c, reads) -> readHistories(store, c, reads));
    }

    @PreDestroy
    void close() {
        histories.close();
    }

    public GetBalancesResponse getBalances(GetBalancesRequest request) {
        String address = RequestValues.address(request.getChainId(), "address", request.getAddress());
        Finality.Mode mode = Finality.mode("finality", request.getFinality());
        String currency = PriceQueryService.currency("currency", request.getCurrency(), false);
        long chainId = chains.requireKnown(request.getChainId());
        Finality.Finalized f = finality.of(chainId);
        GetBalancesResponse.Builder response = GetBalancesResponse.newBuilder().setChainId(chainId).setAddress(address);
        if (f.number() != null) {
            response.setFinalizedBlock(f.number());
        }
        if (mode == Finality.Mode.FINALIZED) {
            // as of the newest indexed final block: the exact balances there, each final; none before one is indexed
            List<BalanceView> held = f.indexedNumber() == null ? List.of() : store.read(c -> balancesAt.at(c, chainId, address, null,
                    balancesAt.block(c, chainId, f.indexedNumber()), true)).getBalancesList();
            return currency == null ? response.addAllBalances(held).build() : valued(response, chainId, held);
        }
        List<BalanceView> balances = store.read(c -> metadata.withMetadata(c, chainId, readBalances(c, chainId, address, f)));
        metrics.countNegativeBalances(address, balances);
        return currency == null ? response.addAllBalances(balances).build() : valued(response, chainId, balances);
    }

    /** Balances read elsewhere (an extended-key wallet's sums) valued now, with their total. */
    public GetBalancesResponse valued(long chainId, List<BalanceView> balances) {
        return valued(GetBalancesResponse.newBuilder().setChainId(chainId), chainId, balances);
    }

    /** Current balances valued now, with their total (zero balances are valued but never listed as unpriced). */
    private GetBalancesResponse valued(GetBalancesResponse.Builder response, long chainId, List<BalanceView> balances) {
        return store.read(c -> {
            PriceQueryService.Pricer pricer = prices.pricer(c, chainId, clock.instant());
            List<String> tokens = new ArrayList<>();
            List<ValueView> values = new ArrayList<>();
            for (BalanceView b : balances) {
                ValueView v = pricer.value(b.getToken(), b.getStandard(), b.getBalance(), pricer.now());
                response.addBalances(b.toBuilder().setValue(v));
                tokens.add(b.getBalance().equals("0") ? null : b.getToken());
                values.add(v);
            }
            return response.setTotalValue(pricer.total(tokens, values, pricer.now())).build();
        });
    }

    /** Each window's closing balance valued at the window's end (now for a window still open). */
    private GetBalanceHistoryResponse valued(GetBalanceHistoryResponse history, long chainId, TokenStandard standard) {
        return store.read(c -> {
            PriceQueryService.Pricer pricer = prices.pricer(c, chainId, clock.instant());
            GetBalanceHistoryResponse.Builder out = history.toBuilder().clearWindows();
            for (BalanceWindowView w : history.getWindowsList()) {
                out.addWindows(w.toBuilder().setValue(pricer.value(history.getToken(), standard, w.getBalance(), end(w))));
            }
            return out.build();
        });
    }

    static java.time.Instant end(BalanceWindowView w) {
        return java.time.Instant.ofEpochSecond(w.getWindowStart().getSeconds() + w.getWindowSeconds(), w.getWindowStart().getNanos());
    }

    /**
     * Every window valued at its end, and the portfolio at the end of each window any token has: per token the
     * balance of its latest window starting at or before then (its opening balance before its first one).
     */
    private void valuePortfolio(PriceQueryService.Pricer pricer, GetPortfolioHistoryResponse.Builder response)
            throws SQLException {
        java.util.TreeSet<java.time.Instant> ends = new java.util.TreeSet<>();
        for (TokenHistoryView.Builder t : response.getTokensBuilderList()) {
            for (BalanceWindowView.Builder w : t.getWindowsBuilderList()) {
                BalanceWindowView built = w.build();
                ends.add(end(built));
                w.setValue(pricer.value(t.getToken(), t.getStandard(), built.getBalance(), end(built)));
            }
        }
        for (java.time.Instant at : ends) {
            List<String> tokens = new ArrayList<>();
            List<ValueView> values = new ArrayList<>();
            for (TokenHistoryView.Builder t : response.getTokensBuilderList()) {
                String balance = t.getOpeningBalance();
                ValueView value = null;
                for (BalanceWindowView.Builder w : t.getWindowsBuilderList()) {
                    java.time.Instant e = end(w.build());
                    if (e.isAfter(at)) {
                        break;
                    }
                    balance = w.getBalance();
                    value = e.equals(at) ? w.getValue() : null;
                }
                if (balance.equals("0")) {
                    continue;
                }
                tokens.add(t.getToken());
                values.add(value != null ? value : pricer.value(t.getToken(), t.getStandard(), balance, at));
            }
            response.addValues(pricer.total(tokens, values, at));
        }
    }

    /**
     * Current balances; one is final when its last change is at or below the finalized block (it is the balance there).
     * On a chain followed from a start block, an address whose history was synced (a wallet's targeted sync) has an
     * opening balance at the block before it: the balance is the opening one plus the pipeline's since the start.
     */
    private List<BalanceView> readBalances(java.sql.Connection c, long chainId, String address, Finality.Finalized f)
            throws java.sql.SQLException {
        try (PreparedStatement st = store.prepare(c, "SELECT COALESCE(cb.token, o.token) AS token,"
                    + " COALESCE(cb.token_id, o.token_id) AS token_id, COALESCE(cb.standard, o.standard) AS standard,"
                    + " COALESCE(cb.balance, 0) + COALESCE(o.balance, 0) AS balance,"
                    + " COALESCE(cb.block_number, o.block_number) AS block_number, COALESCE(cb.block_time, o.block_time) AS block_time"
                    + " FROM (SELECT * FROM current_balances WHERE chain_id = ? AND address = ?) cb"
                    + " FULL JOIN (SELECT * FROM opening_balances WHERE chain_id = ? AND address = ?) o"
                    + " ON o.token = cb.token AND o.token_id = cb.token_id ORDER BY 1, 2")) {
                st.setLong(1, chainId);
                st.setString(2, address);
                st.setLong(3, chainId);
                st.setString(4, address);
                List<BalanceView> out = new ArrayList<>();
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        TokenStandard standard = Rows.standard(rs.getString("standard"));
                        out.add(BalanceView.newBuilder()
                                .setToken(rs.getString("token"))
                                .setStandard(standard)
                                // token_id is a real id only for ERC-1155; elsewhere it is the 0 placeholder
                                .setTokenId(standard == TokenStandard.TOKEN_STANDARD_ERC1155 ? Rows.decimal(rs, "token_id") : "")
                                .setBalance(Rows.decimal(rs, "balance"))
                                .setNegative(rs.getBigDecimal("balance").signum() < 0)
                                .setBlockNumber(rs.getLong("block_number"))
                                .setBlockTime(Rows.timestamp(rs, "block_time"))
                                .setFinalized(f.covers(rs.getLong("block_number")))
                                .build());
                    }
                }
                return out;
        }
    }

    /**
     * Windows with window_start in [start_time, end_time), oldest first. Defaults: no start_time means
     * from the first window (opening balance 0), no end_time means up to the latest window.
     */
    public CompletableFuture<GetBalanceHistoryResponse> getBalanceHistory(GetBalanceHistoryRequest request) {
        String address = RequestValues.address(request.getChainId(), "address", request.getAddress());
        String token = RequestValues.token(request.getChainId(), "token", request.getToken());
        BigInteger tokenId = RequestValues.uint256("token_id", request.getTokenId());
        int windowSeconds = windowSeconds(request.getWindowSeconds());
        OffsetDateTime from = request.hasStartTime() ? RequestValues.time("start_time", request.getStartTime()) : null;
        OffsetDateTime to = request.hasEndTime() ? RequestValues.time("end_time", request.getEndTime()) : null;
        RequestValues.requireOrdered(from, to);
        Finality.Mode mode = Finality.mode("finality", request.getFinality());
        String currency = PriceQueryService.currency("currency", request.getCurrency(), false);
        TokenStandard standard = tokenId.signum() != 0 ? TokenStandard.TOKEN_STANDARD_ERC1155 : TokenStandard.TOKEN_STANDARD_UNSPECIFIED;
        int max = config.maxLimit();
        Long deadline = Deadlines.current();
        return chains.requireKnownAsync(request.getChainId())
                .thenCompose(chainId -> finality.ofAsync(chainId).thenCompose(f -> {
                    Range range = Range.of(from, to, mode, f, windowSeconds);
                    CompletableFuture<History> read = range == null ? CompletableFuture.completedFuture(new History(List.of(), "0"))
                            : histories.submit(new HistoryRead(chainId, address, token, tokenId, windowSeconds, range.from(),
                                    range.to(), max + 1), deadline);
                    return read.thenApply(history -> {
                        if (history.windows().size() > max) {
                            throw new InvalidArgumentException("start_time", "the range holds more than " + max
                                    + " windows; narrow start_time/end_time or use a larger window_seconds");
                        }
                        GetBalanceHistoryResponse.Builder response = GetBalanceHistoryResponse.newBuilder()
                                .setChainId(request.getChainId()).setAddress(address).setToken(token)
                                .setOpeningBalance(history.opening()).addAllWindows(marked(history.windows(), mode, f));
                        if (f.number() != null) {
                            response.setFinalizedBlock(f.number());
                        }
                        return response.build();
                    }).thenCompose(history -> currency == null ? CompletableFuture.completedFuture(history)
                            // valuing reads prices: on the blocking executor, never on the event loop
                            : CompletableFuture.supplyAsync(() -> valued(history, chainId, standard), blocking));
                }));
    }

    /**
     * The window-start range [from, to) a history reads (null: unbounded); with finality=finalized it ends after the
     * last window that ends at or before the newest indexed final block's time, and a start past that moves back to
     * it (the opening balance is then the final one there); null when nothing is final yet.
     */
    record Range(OffsetDateTime from, OffsetDateTime to) {
        static Range of(OffsetDateTime from, OffsetDateTime to, Finality.Mode mode, Finality.Finalized f, int windowSeconds) {
            if (mode != Finality.Mode.FINALIZED) {
                return new Range(from, to);
            }
            if (f.indexedTime() == null) {
                return null;
            }
            // window_start <= final time - size, at the database's microsecond precision
            OffsetDateTime last = f.indexedTime().minusSeconds(windowSeconds).plusNanos(1_000);
            OffsetDateTime end = to == null || last.isBefore(to) ? last : to;
            OffsetDateTime start = from != null && from.isAfter(end) ? end : from;
            return new Range(start, end);
        }
    }

    /** Each window's finalized flag; with finality=finalized only the finalized ones (a provisional flag may lag). */
    static List<BalanceWindowView> marked(List<BalanceWindowView> windows, Finality.Mode mode, Finality.Finalized f) {
        List<BalanceWindowView> out = new ArrayList<>(windows.size());
        for (BalanceWindowView w : windows) {
            boolean fin = !w.getProvisional() && f.coversWindow(Rows.toOffsetDateTime(w.getWindowStart()), w.getWindowSeconds());
            if (fin) {
                out.add(w.toBuilder().setFinalized(true).build());
            } else if (mode != Finality.Mode.FINALIZED) {
                out.add(w);
            }
        }
        return out;
    }

    /** One token history to read: windows with window_start in [from, to) (null: unbounded), at most fetch of them. */
    record HistoryRead(long chainId, String address, String token, BigInteger tokenId, int windowSeconds,
                       OffsetDateTime from, OffsetDateTime to, int fetch) {}

    /** The windows of one history, oldest first, and the balance before its first window ("0" without one). */
    record History(List<BalanceWindowView> windows, String opening) {}

    /** A window's columns in the order {@link #window} reads them. */
    static final String WINDOW_COLUMNS = "window_start, delta, balance, transfers_in, transfers_out, volume_in, volume_out, provisional";

    /**
     * Every history of a batch in one statement: per read (one row of the unnest, in order) the last visible window
     * before the range, whose balance opens it (not looked up for an unbounded start), and the visible windows in
     * the range. The range is written as a row comparison in the primary key's order, (token, token_id,
     * window_seconds, window_start) between (.., from) and (.., to), which selects exactly that key's windows in
     * [from, to) and keeps the planner on the primary key instead of the address-wide index, whose token filter
     * would read every token's windows. An unbounded side is +/-infinity. As for address pages, only the reads
     * are ordered outside (the ordinality scan yields k.i in order, so nothing sorts the batch again) and each
     * read's windows keep the primary key's order, which {@link #readHistories} checks.
     */
    static final String HISTORIES = "SELECT k.i, o.balance AS opening, w.*,"
            // a synced history's balance before the chain's first indexed block (wallet history sync): under every window
            + " (SELECT ob.balance FROM opening_balances ob WHERE ob.chain_id = k.chain_id AND ob.address = k.address"
            + " AND ob.token = k.token AND ob.token_id = k.token_id) AS synced_opening"
            + " FROM unnest(?::bigint[], ?::text[], ?::text[], ?::numeric[], ?::int[], ?::timestamptz[], ?::timestamptz[],"
            + " ?::int[]) WITH ORDINALITY AS k(chain_id, address, token, token_id, window_seconds, from_time, to_time, n, i)"
            + " LEFT JOIN LATERAL (SELECT balance FROM balance_windows WHERE k.from_time > '-infinity'"
            + " AND chain_id = k.chain_id AND address = k.address AND token = k.token AND token_id = k.token_id"
            + " AND window_seconds = k.window_seconds" + VISIBLE
            + " AND window_start < k.from_time ORDER BY window_start DESC LIMIT 1) o ON true"
            + " LEFT JOIN LATERAL (SELECT " + WINDOW_COLUMNS
            + " FROM balance_windows WHERE chain_id = k.chain_id AND address = k.address"
            + " AND (token, token_id, window_seconds, window_start) >= (k.token, k.token_id, k.window_seconds, k.from_time)"
            + " AND (token, token_id, window_seconds, window_start) < (k.token, k.token_id, k.window_seconds, k.to_time)"
            + VISIBLE + " ORDER BY token, token_id, window_seconds, window_start LIMIT k.n) w ON true ORDER BY k.i";

    /** {@link #HISTORIES} for a batch of reads: one history per read, in the reads' order. */
    static List<History> readHistories(Store store, Connection c, List<HistoryRead> reads) throws SQLException {
        int n = reads.size();
        Long[] chainIds = new Long[n];
        String[] addresses = new String[n];
        String[] tokens = new String[n];
        BigDecimal[] tokenIds = new BigDecimal[n];
        Integer[] windowSizes = new Integer[n];
        String[] froms = new String[n];
        String[] tos = new String[n];
        Integer[] fetches = new Integer[n];
        for (int i = 0; i < n; i++) {
            HistoryRead r = reads.get(i);
            chainIds[i] = r.chainId();
            addresses[i] = r.address();
            tokens[i] = r.token();
            tokenIds[i] = new BigDecimal(r.tokenId());
            windowSizes[i] = r.windowSeconds();
            froms[i] = r.from() == null ? "-infinity" : r.from().toString();
            tos[i] = r.to() == null ? "infinity" : r.to().toString();
            fetches[i] = r.fetch();
        }
        BatchParameters parameters = new BatchParameters().column("int8", chainIds).column("text", addresses)
                .column("text", tokens).column("numeric", tokenIds).column("int4", windowSizes)
                .column("timestamptz", froms).column("timestamptz", tos).column("int4", fetches);
        List<List<BalanceWindowView>> windows = new ArrayList<>(n);
        String[] openings = new String[n];
        Arrays.fill(openings, "0");
        BigInteger[] synced = new BigInteger[n];
        for (int i = 0; i < n; i++) {
            windows.add(new ArrayList<>());
        }
        try (PreparedStatement st = store.prepare(c, HISTORIES)) {
            parameters.bind(c, st);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    int read = rs.getInt(1) - 1;
                    BigDecimal syncedOpening = rs.getBigDecimal("synced_opening");
                    if (syncedOpening != null) {
                        synced[read] = syncedOpening.toBigIntegerExact();
                    }
                    // k.i, opening, then the window's columns (all NULL for a read without windows)
                    String opening = Rows.decimal(rs, 2); // "" when the read has no window before its range
                    if (!opening.isEmpty()) {
                        openings[read] = opening;
                    }
                    Timestamp start = Rows.timestamp(rs, 3);
                    if (start != null) {
                        List<BalanceWindowView> history = windows.get(read);
                        if (!history.isEmpty() && !Rows.before(history.get(history.size() - 1).getWindowStart(), start)) {
                            // a changed plan must fail loudly rather than answer windows out of order
                            throw new IllegalStateException("history " + (read + 1) + " of the batch came out of window order");
                        }
                        history.add(window(rs, 3, start, reads.get(read).windowSeconds()));
                    }
                }
            }
        }
        List<History> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(synced[i] == null ? new History(windows.get(i), openings[i]) : withOpening(windows.get(i), openings[i], synced[i]));
        }
        return out;
    }

    /**
     * The pipeline's windows of an address whose history below the chain's first indexed block was synced: each
     * balance (and the range's opening) plus the synced opening balance, the balance the pipeline's deltas start from.
     */
    static History withOpening(List<BalanceWindowView> windows, String opening, BigInteger synced) {
        List<BalanceWindowView> shifted = new ArrayList<>(windows.size());
        for (BalanceWindowView w : windows) {
            BigInteger balance = new BigInteger(w.getBalance()).add(synced);
            shifted.add(w.toBuilder().setBalance(balance.toString()).setNegative(balance.signum() < 0).build());
        }
        return new History(shifted, new BigInteger(opening).add(synced).toString());
    }

    /**
     * Every token's windows at one size over [start_time, end_time), tokens sorted by token then id, each with
     * its opening balance; tokens with neither a window in the range nor a non-zero opening are left out.
     * At most max-limit windows in total, or a 400 like the single-token history.
     */
    public GetPortfolioHistoryResponse getPortfolioHistory(GetPortfolioHistoryRequest request) {
        String address = RequestValues.address(request.getChainId(), "address", request.getAddress());
        int windowSeconds = windowSeconds(request.getWindowSeconds());
        OffsetDateTime requestedFrom = request.hasStartTime() ? RequestValues.time("start_time", request.getStartTime()) : null;
        OffsetDateTime requestedTo = request.hasEndTime() ? RequestValues.time("end_time", request.getEndTime()) : null;
        RequestValues.requireOrdered(requestedFrom, requestedTo);
        Finality.Mode mode = Finality.mode("finality", request.getFinality());
        String currency = PriceQueryService.currency("currency", request.getCurrency(), false);
        long chainId = chains.requireKnown(request.getChainId());
        Finality.Finalized f = finality.of(chainId);
        Range range = Range.of(requestedFrom, requestedTo, mode, f, windowSeconds);
        int max = config.maxLimit();
        if (range == null) {
            GetPortfolioHistoryResponse.Builder none = GetPortfolioHistoryResponse.newBuilder()
                    .setChainId(chainId).setAddress(address).setWindowSeconds(windowSeconds);
            if (f.number() != null) {
                none.setFinalizedBlock(f.number());
            }
            return none.build();
        }
        OffsetDateTime from = range.from();
        OffsetDateTime to = range.to();
        return store.read(c -> {
            // (token, token id) -> history, in token order
            Map<String, TokenHistoryView.Builder> tokens = new TreeMap<>();
            Map<String, String> standards = new HashMap<>();
            // a synced address (a wallet's targeted sync) starts from its opening balance: every window and opening add it
            Map<String, BigInteger> synced = new HashMap<>();
            Map<String, BigInteger> openings = new HashMap<>();
            try (PreparedStatement st = store.prepare(c, "SELECT COALESCE(cb.token, o.token) AS token,"
                    + " COALESCE(cb.token_id, o.token_id) AS token_id, COALESCE(cb.standard, o.standard) AS standard,"
                    + " o.balance AS synced,"
                    + (from == null ? " NULL::numeric AS opening" : " (SELECT w.balance FROM balance_windows w"
                    + " WHERE w.chain_id = cb.chain_id AND w.address = cb.address AND w.token = cb.token AND w.token_id = cb.token_id"
                    + " AND w.window_seconds = ? AND w.window_start < ? ORDER BY w.window_start DESC LIMIT 1) AS opening")
                    + " FROM (SELECT * FROM current_balances WHERE chain_id = ? AND address = ?) cb"
                    + " FULL JOIN (SELECT * FROM opening_balances WHERE chain_id = ? AND address = ?) o"
                    + " ON o.token = cb.token AND o.token_id = cb.token_id")) {
                int i = 1;
                if (from != null) {
                    st.setInt(i++, windowSeconds);
                    st.setObject(i++, from);
                }
                st.setLong(i++, chainId);
                st.setString(i++, address);
                st.setLong(i++, chainId);
                st.setString(i, address);
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        String key = tokenKey(rs.getString("token"), rs.getBigDecimal("token_id"));
                        standards.put(key, rs.getString("standard"));
                        BigDecimal syncedOpening = rs.getBigDecimal("synced");
                        String pipelineOpening = Rows.decimal(rs, "opening");
                        BigInteger opening = pipelineOpening.isEmpty() ? BigInteger.ZERO : new BigInteger(pipelineOpening);
                        if (syncedOpening != null) {
                            synced.put(key, syncedOpening.toBigIntegerExact());
                            opening = opening.add(syncedOpening.toBigIntegerExact());
                        }
                        openings.put(key, opening);
                        if (opening.signum() != 0) {
                            tokens.put(key, history(rs.getString("token"), rs.getBigDecimal("token_id"), rs.getString("standard"))
                                    .setOpeningBalance(opening.toString()));
                        }
                    }
                }
            }
            int count = 0;
            try (PreparedStatement st = store.prepare(c, "SELECT token, token_id, " + WINDOW_COLUMNS
                    + " FROM balance_windows WHERE chain_id = ? AND address = ? AND window_seconds = ?"
                    + (from != null ? " AND window_start >= ?" : "") + (to != null ? " AND window_start < ?" : "") + VISIBLE
                    + " ORDER BY token, token_id, window_start LIMIT ?")) {
                int i = 1;
                st.setLong(i++, chainId);
                st.setString(i++, address);
                st.setInt(i++, windowSeconds);
                if (from != null) {
                    st.setObject(i++, from);
                }
                if (to != null) {
                    st.setObject(i++, to);
                }
                st.setInt(i, max + 1);
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        if (++count > max) {
                            throw new InvalidArgumentException("start_time", "the range holds more than " + max
                                    + " windows over all tokens; narrow start_time/end_time or use a larger window_seconds");
                        }
                        String token = rs.getString("token");
                        BigDecimal tokenId = rs.getBigDecimal("token_id");
                        String key = tokenKey(token, tokenId);
                        BalanceWindowView window = window(rs, 3, windowSeconds);
                        BigInteger shift = synced.get(key);
                        if (shift != null) {
                            BigInteger balance = new BigInteger(window.getBalance()).add(shift);
                            window = window.toBuilder().setBalance(balance.toString()).setNegative(balance.signum() < 0).build();
                        }
                        tokens.computeIfAbsent(key, k -> history(token, tokenId, standards.get(k))
                                        .setOpeningBalance(openings.getOrDefault(k, BigInteger.ZERO).toString()))
                                .addWindows(window);
                    }
                }
            }
            GetPortfolioHistoryResponse.Builder response = GetPortfolioHistoryResponse.newBuilder()
                    .setChainId(chainId).setAddress(address).setWindowSeconds(windowSeconds);
            if (f.number() != null) {
                response.setFinalizedBlock(f.number());
            }
            for (TokenHistoryView.Builder history : tokens.values()) {
                List<BalanceWindowView> windows = marked(history.getWindowsList(), mode, f);
                if (windows.isEmpty() && history.getOpeningBalance().equals("0")) {
                    continue; // finality=finalized left no window of a token with a zero opening
                }
                response.addTokens(history.clearWindows().addAllWindows(windows));
            }
            if (currency != null) {
                valuePortfolio(prices.pricer(c, chainId, clock.instant()), response);
            }
            return response.build();
        });
    }

    /** Sort key: token, then the id as a fixed-width number so "10" sorts after "9". */
    private static String tokenKey(String token, BigDecimal tokenId) {
        String id = tokenId.toBigIntegerExact().toString();
        return token + "\u0000" + "0".repeat(78 - id.length()) + id;
    }

    private static TokenHistoryView.Builder history(String token, BigDecimal tokenId, String standard) {
        TokenStandard s = standard == null ? TokenStandard.TOKEN_STANDARD_UNSPECIFIED : Rows.standard(standard);
        boolean multi = s == TokenStandard.TOKEN_STANDARD_ERC1155 || s == TokenStandard.TOKEN_STANDARD_UNSPECIFIED && tokenId.signum() != 0;
        return TokenHistoryView.newBuilder().setToken(token).setStandard(s)
                .setTokenId(multi ? tokenId.toBigIntegerExact().toString() : "").setOpeningBalance("0");
    }

    /** The window whose {@link #WINDOW_COLUMNS} start at column {@code first} (read by position: no lookup per row). */
    static BalanceWindowView window(ResultSet rs, int first, int windowSeconds) throws java.sql.SQLException {
        return window(rs, first, Rows.timestamp(rs, first), windowSeconds);
    }

    /** {@link #window} with its start already read (the batched histories read it first to tell a read without windows). */
    static BalanceWindowView window(ResultSet rs, int first, Timestamp start, int windowSeconds) throws java.sql.SQLException {
        return BalanceWindowView.newBuilder()
                .setWindowStart(start)
                .setWindowSeconds(windowSeconds)
                .setDelta(Rows.decimal(rs, first + 1))
                .setBalance(Rows.decimal(rs, first + 2))
                .setNegative(rs.getBigDecimal(first + 2).signum() < 0)
                .setTransfersIn(rs.getLong(first + 3))
                .setTransfersOut(rs.getLong(first + 4))
                .setVolumeIn(Rows.decimal(rs, first + 5))
                .setVolumeOut(Rows.decimal(rs, first + 6))
                .setProvisional(rs.getBoolean(first + 7))
                .build();
    }

    private int windowSeconds(int requested) {
        int windowSeconds = requested == 0 ? config.defaultWindowSeconds() : requested;
        if (windowSeconds < 0 || !config.windowSeconds().contains(windowSeconds)) {
            throw new InvalidArgumentException("window_seconds", "must be one of " + config.windowSeconds()
                    + " (0 for the default " + config.defaultWindowSeconds() + "), got " + Integer.toUnsignedString(requested));
        }
        return windowSeconds;
    }

    private static int bindKey(PreparedStatement st, long chainId, String address, String token, BigInteger tokenId,
                               int windowSeconds) throws java.sql.SQLException {
        st.setLong(1, chainId);
        st.setString(2, address);
        st.setString(3, token);
        st.setBigDecimal(4, new BigDecimal(tokenId));
        st.setInt(5, windowSeconds);
        return 6;
    }
}
