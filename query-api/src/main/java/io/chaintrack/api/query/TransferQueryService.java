package io.chaintrack.api.query;

import static io.chaintrack.api.query.TransferRows.COLUMNS;
import static io.chaintrack.api.query.TransferRows.NEWEST_FIRST;

import io.chaintrack.api.config.ApiConfig;
import io.chaintrack.api.config.BatchConfig;
import io.chaintrack.api.context.Deadlines;
import io.chaintrack.api.metrics.ApiMetrics;
import io.chaintrack.api.error.InvalidArgumentException;
import io.chaintrack.proto.v1.Direction;
import io.chaintrack.proto.v1.ListAddressTransfersRequest;
import io.chaintrack.proto.v1.ListAddressTransfersResponse;
import io.chaintrack.proto.v1.ListTokenTransfersRequest;
import io.chaintrack.proto.v1.ListTokenTransfersResponse;
import io.chaintrack.proto.v1.ListTransactionTransfersRequest;
import io.chaintrack.proto.v1.ListTransactionTransfersResponse;
import io.chaintrack.proto.v1.ListTransfersRequest;
import io.chaintrack.proto.v1.ListTransfersResponse;
import io.chaintrack.proto.v1.TransferView;
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
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Transfer listings, canonical rows only, newest first by
 * (block_number, tx_index, log_index, batch_index, trace_address) DESC with keyset paging on that key.
 * Every listing is one or two range scans of a partial index (WHERE canonical) in exactly that order, so a
 * page costs limit+1 index entries however long the history is. Rows added after a page was served sort
 * before its cursor, so later pages never repeat or skip a row. Address pages, the hottest listing, are read
 * through a {@link StatementBatcher}: concurrent pages share one statement that runs the same scans per page.
 * Every row says whether its block is at or below the chain's finalized block; with finality=finalized a listing
 * starts below the position just above that block, so it holds no row that a reorg could still remove.
 */
@Singleton
public final class TransferQueryService {
    /** A page's position: below its cursor in the listing order. */
    private static final String AFTER = " AND (block_number, tx_index, log_index, batch_index, trace_address) < (?, ?, ?, ?, ?)";

    /** One index range scan: a condition on top of {@code chain_id = ? AND canonical} and its bind values. */
    record Scan(String condition, List<Object> values) {
        Scan and(String more, Object... moreValues) {
            List<Object> all = new ArrayList<>(values);
            all.addAll(List.of(moreValues));
            return new Scan(condition + " AND " + more, all);
        }
    }

    /** A page of rows and the position after its last row (null on the last page). */
    record Page(List<TransferView> rows, String nextCursor) {}

    /** One address page to read: fetch rows of one side or both, below the cursor (none: from the newest). */
    record AddressPage(long chainId, String address, Direction direction, String standard, BigInteger minAmount,
                       String kind, TransferCursor after, int fetch) {}

    /** The per-page filters and cursor of {@link #ADDRESS_PAGES}; a NULL filter means "not filtered". */
    private static final String PAGE_FILTERS = " AND (k.standard IS NULL OR standard = k.standard)"
            + " AND (k.min_amount IS NULL OR amount >= k.min_amount)"
            + " AND (k.kind IS NULL OR kind = k.kind)"
            + " AND (block_number, tx_index, log_index, batch_index, trace_address) < (k.b, k.tx, k.lg, k.bt, k.tr)";

    /**
     * Every address page of a batch in one statement: per page (one row of the unnest, in order), the same two
     * index-only scans as {@link #addressScans} with its filters, each limited, then merged. A side a page does not
     * ask for is a one-time false filter, so its scan never runs; a page without a cursor compares below a key no
     * row has ((max bigint, ...)), so the cursor stays an index condition of a single statement shape.
     * Only the pages are ordered outside: the ordinality scan already yields k.i in order, so PostgreSQL adds no sort,
     * and each page's rows keep the order of its merged scans ({@link #readAddressPages} checks it). Without a second
     * sort of the whole batch by k.i and the full key, the statement ran 9-14 % more often per second (pgbench,
     * docs/benchmarks.md).
     */
    static final String ADDRESS_PAGES = "SELECT k.i, t.* FROM unnest(?::bigint[], ?::text[], ?::boolean[], ?::boolean[],"
            + " ?::text[], ?::numeric[], ?::text[], ?::bigint[], ?::int[], ?::int[], ?::int[], ?::text[], ?::int[]) WITH ORDINALITY"
            + " AS k(chain_id, address, outgoing, incoming, standard, min_amount, kind, b, tx, lg, bt, tr, n, i)"
            + " CROSS JOIN LATERAL ("
            + "(SELECT " + COLUMNS + " FROM transfers WHERE k.outgoing AND chain_id = k.chain_id AND canonical"
            + " AND from_address = k.address" + PAGE_FILTERS + NEWEST_FIRST + " LIMIT k.n)"
            + " UNION ALL (SELECT " + COLUMNS + " FROM transfers WHERE k.incoming AND chain_id = k.chain_id AND canonical"
            + " AND to_address = k.address AND (NOT k.outgoing OR from_address <> k.address)" + PAGE_FILTERS
            + NEWEST_FIRST + " LIMIT k.n)" + NEWEST_FIRST + " LIMIT k.n) t ORDER BY k.i";

    private final ChainDirectory chains;
    private final Finality finality;
    private final Store store;
    private final CursorCodec cursors;
    private final ApiConfig config;
    private final StatementBatcher<AddressPage, List<TransferView>> addressPages;

    public TransferQueryService(ChainDirectory chains, Finality finality, Store store, CursorCodec cursors, ApiConfig config,
                                BatchConfig batch, ApiMetrics metrics) {
        this.chains = chains;
        this.finality = finality;
        this.store = store;
        this.cursors = cursors;
        this.config = config;
        this.addressPages = new StatementBatcher<>("address-transfers", store, metrics, batch, (c, pages) -> readAddressPages(store, c, pages));
    }

    @PreDestroy
    void close() {
        addressPages.close();
    }

    /** Validated on the calling thread (bad input throws at once); answered when the page's batch has run. */
    public CompletableFuture<ListAddressTransfersResponse> listAddressTransfers(ListAddressTransfersRequest request) {
        String address = RequestValues.address(request.getChainId(), "address", request.getAddress());
        int limit = RequestValues.limit("limit", request.getLimit(), config.defaultLimit(), config.maxLimit());
        Direction direction = RequestValues.direction("direction", request.getDirection(), request.getDirectionValue());
        String standard = RequestValues.standard("standard", request.getStandard());
        BigInteger minAmount = RequestValues.minAmount("min_amount", request.getMinAmount());
        String kind = RequestValues.kind("kind", request.getKind(), request.getKindValue());
        byte[] query = kind == null
                ? TransferCursor.queryDigest("address", request.getChainId(), address, direction.getNumber(), standard, minAmount)
                : TransferCursor.queryDigest("address", request.getChainId(), address, direction.getNumber(), standard, minAmount, kind);
        TransferCursor after = cursor(request.getCursor(), query);
        Finality.Mode mode = Finality.mode("finality", request.getFinality());
        Long deadline = Deadlines.current();
        return chains.requireKnownAsync(request.getChainId())
                .thenCompose(chainId -> finality.ofAsync(chainId).thenCompose(f -> {
                    if (nothingFinal(mode, f)) {
                        return CompletableFuture.completedFuture(response(new Page(List.of(), ""), f));
                    }
                    return addressPages.submit(new AddressPage(chainId, address, direction, standard, minAmount, kind,
                                    bounded(after, mode, f), limit + 1), deadline)
                            .thenApply(rows -> response(marked(page(rows, limit, query), f), f));
                }));
    }

    private static ListAddressTransfersResponse response(Page page, Finality.Finalized f) {
        ListAddressTransfersResponse.Builder b = ListAddressTransfersResponse.newBuilder().addAllTransfers(page.rows())
                .setNextCursor(page.nextCursor());
        if (f.number() != null) {
            b.setFinalizedBlock(f.number());
        }
        return b.build();
    }

    /** finality=finalized before the pipeline recorded any finalized block: nothing can be listed. */
    private static boolean nothingFinal(Finality.Mode mode, Finality.Finalized f) {
        return mode == Finality.Mode.FINALIZED && f.number() == null;
    }

    /** The page's start: the cursor, or with finality=finalized the lower of it and the position above the finalized block. */
    private static TransferCursor bounded(TransferCursor after, Finality.Mode mode, Finality.Finalized f) {
        return mode == Finality.Mode.FINALIZED ? TransferCursor.atOrBelowBlock(after, f.number()) : after;
    }

    /** The page with each row's finalized flag set. */
    private static Page marked(Page page, Finality.Finalized f) {
        if (f.number() == null) {
            return page;
        }
        List<TransferView> rows = new ArrayList<>(page.rows().size());
        for (TransferView row : page.rows()) {
            rows.add(f.covers(row.getBlockNumber()) ? row.toBuilder().setFinalized(true).build() : row);
        }
        return new Page(rows, page.nextCursor());
    }

    public ListTokenTransfersResponse listTokenTransfers(ListTokenTransfersRequest request) {
        String token = RequestValues.token(request.getChainId(), "token", request.getToken());
        int limit = RequestValues.limit("limit", request.getLimit(), config.defaultLimit(), config.maxLimit());
        String standard = RequestValues.standard("standard", request.getStandard());
        BigInteger minAmount = RequestValues.minAmount("min_amount", request.getMinAmount());
        String kind = RequestValues.kind("kind", request.getKind(), request.getKindValue());
        byte[] query = kind == null ? TransferCursor.queryDigest("token", request.getChainId(), token, standard, minAmount)
                : TransferCursor.queryDigest("token", request.getChainId(), token, standard, minAmount, kind);
        TransferCursor after = cursor(request.getCursor(), query);
        Finality.Mode mode = Finality.mode("finality", request.getFinality());
        long chainId = chains.requireKnown(request.getChainId());
        Finality.Finalized f = finality.of(chainId);
        List<Scan> scans = ofKind(filtered(List.of(new Scan("token = ?", List.of(token))), standard, minAmount), kind);
        Page page = nothingFinal(mode, f) ? new Page(List.of(), "")
                : marked(store.read(c -> page(c, chainId, scans, bounded(after, mode, f), limit, query)), f);
        ListTokenTransfersResponse.Builder b = ListTokenTransfersResponse.newBuilder().addAllTransfers(page.rows())
                .setNextCursor(page.nextCursor());
        if (f.number() != null) {
            b.setFinalizedBlock(f.number());
        }
        return b.build();
    }

    public ListTransactionTransfersResponse listTransactionTransfers(ListTransactionTransfersRequest request) {
        String txHash = RequestValues.hash("tx_hash", request.getTxHash());
        int limit = RequestValues.limit("limit", request.getLimit(), config.defaultLimit(), config.maxLimit());
        String kind = RequestValues.kind("kind", request.getKind(), request.getKindValue());
        byte[] query = kind == null ? TransferCursor.queryDigest("transaction", request.getChainId(), txHash)
                : TransferCursor.queryDigest("transaction", request.getChainId(), txHash, kind);
        TransferCursor after = cursor(request.getCursor(), query);
        Finality.Mode mode = Finality.mode("finality", request.getFinality());
        long chainId = chains.requireKnown(request.getChainId());
        Finality.Finalized f = finality.of(chainId);
        List<Scan> scans = ofKind(List.of(new Scan("tx_hash = ?", List.of(txHash))), kind);
        Page page = nothingFinal(mode, f) ? new Page(List.of(), "")
                : marked(store.read(c -> page(c, chainId, scans, bounded(after, mode, f), limit, query)), f);
        ListTransactionTransfersResponse.Builder b = ListTransactionTransfersResponse.newBuilder().addAllTransfers(page.rows())
                .setNextCursor(page.nextCursor());
        if (f.number() != null) {
            b.setFinalizedBlock(f.number());
        }
        return b.build();
    }

    /**
     * A block range and/or a time range. The time range is first narrowed to block numbers through the
     * blocks table (canonical block times never decrease along the chain), so the scan stays a block range
     * of the index; the exact block_time bounds are applied to the rows as well.
     */
    public ListTransfersResponse listTransfers(ListTransfersRequest request) {
        int limit = RequestValues.limit("limit", request.getLimit(), config.defaultLimit(), config.maxLimit());
        Long fromBlock = request.hasFromBlock() ? RequestValues.blockNumber("from_block", request.getFromBlock()) : null;
        Long toBlock = request.hasToBlock() ? RequestValues.blockNumber("to_block", request.getToBlock()) : null;
        if (fromBlock != null && toBlock != null && fromBlock > toBlock) {
            throw new InvalidArgumentException("to_block", "must not be below from_block (the range is [from_block, to_block])");
        }
        OffsetDateTime start = request.hasStartTime() ? RequestValues.time("start_time", request.getStartTime()) : null;
        OffsetDateTime end = request.hasEndTime() ? RequestValues.time("end_time", request.getEndTime()) : null;
        RequestValues.requireOrdered(start, end);
        String kind = RequestValues.kind("kind", request.getKind(), request.getKindValue());
        byte[] query = kind == null ? TransferCursor.queryDigest("range", request.getChainId(), fromBlock, toBlock, start, end)
                : TransferCursor.queryDigest("range", request.getChainId(), fromBlock, toBlock, start, end, kind);
        TransferCursor cursor = cursor(request.getCursor(), query);
        Finality.Mode mode = Finality.mode("finality", request.getFinality());
        long chainId = chains.requireKnown(request.getChainId());
        Finality.Finalized f = finality.of(chainId);
        TransferCursor after = nothingFinal(mode, f) ? null : bounded(cursor, mode, f);
        OffsetDateTime from = start;
        OffsetDateTime to = end;
        Page page = nothingFinal(mode, f) ? new Page(List.of(), "") : marked(store.read(c -> {
            Long lo = fromBlock;
            Long hi = toBlock;
            if (from != null) {
                Long first = Blocks.firstAtOrAfter(store, c, chainId, from);
                if (first == null) {
                    return new Page(List.of(), "");
                }
                lo = lo == null ? first : Math.max(lo, first);
            }
            if (to != null) {
                Long last = Blocks.lastBefore(store, c, chainId, to);
                if (last == null) {
                    return new Page(List.of(), "");
                }
                hi = hi == null ? last : Math.min(hi, last);
            }
            if (lo != null && hi != null && lo > hi) {
                return new Page(List.of(), "");
            }
            Scan scan = new Scan("true", List.of());
            if (lo != null) {
                scan = scan.and("block_number >= ?", lo);
            }
            if (hi != null) {
                scan = scan.and("block_number <= ?", hi);
            }
            if (from != null) {
                scan = scan.and("block_time >= ?", from);
            }
            if (to != null) {
                scan = scan.and("block_time < ?", to);
            }
            return page(c, chainId, ofKind(List.of(scan), kind), after, limit, query);
        }), f);
        ListTransfersResponse.Builder b = ListTransfersResponse.newBuilder().addAllTransfers(page.rows())
                .setNextCursor(page.nextCursor());
        if (f.number() != null) {
            b.setFinalizedBlock(f.number());
        }
        return b.build();
    }

    /** The scans for one address: one side, or both sides with a self-transfer taken from the from-side only. */
    static List<Scan> addressScans(String address, Direction direction) {
        return switch (direction) {
            case DIRECTION_INCOMING -> List.of(new Scan("to_address = ?", List.of(address)));
            case DIRECTION_OUTGOING -> List.of(new Scan("from_address = ?", List.of(address)));
            default -> List.of(new Scan("from_address = ?", List.of(address)),
                    new Scan("to_address = ? AND from_address <> ?", List.of(address, address)));
        };
    }

    /** Standard and minimum-amount filters; they narrow the rows of the scan, not the index range. */
    static List<Scan> filtered(List<Scan> scans, String standard, BigInteger minAmount) {
        List<Scan> out = new ArrayList<>();
        for (Scan scan : scans) {
            Scan s = scan;
            if (standard != null) {
                s = s.and("standard = ?", standard);
            }
            if (minAmount != null) {
                s = s.and("amount >= ?", new BigDecimal(minAmount));
            }
            out.add(s);
        }
        return out;
    }

    /** The kind filter (null: every kind); like the other filters it narrows the rows of the scan, not its range. */
    static List<Scan> ofKind(List<Scan> scans, String kind) {
        return kind == null ? scans : scans.stream().map(s -> s.and("kind = ?", kind)).toList();
    }

    private TransferCursor cursor(String value, byte[] query) {
        return value.isEmpty() ? null : TransferCursor.decode("cursor", cursors.verify("cursor", value), query);
    }

    private Page page(Connection c, long chainId, List<Scan> scans, TransferCursor after, int limit, byte[] query)
            throws SQLException {
        return page(fetch(c, chainId, scans, after, limit + 1), limit, query);
    }

    /** The first limit of limit+1 fetched rows, and a cursor after the last when there were more. */
    private Page page(List<TransferView> fetched, int limit, byte[] query) {
        List<TransferView> rows = fetched;
        if (rows.size() <= limit) {
            return new Page(rows, "");
        }
        rows = rows.subList(0, limit);
        TransferView last = rows.get(limit - 1);
        String next = cursors.sign(new TransferCursor(query, last.getBlockNumber(), last.getTxIndex(), last.getLogIndex(),
                last.getBatchIndex(), last.getTraceAddress()).encode());
        return new Page(rows, next);
    }

    private List<TransferView> fetch(Connection c, long chainId, List<Scan> scans, TransferCursor after, int fetch)
            throws SQLException {
        try (PreparedStatement st = store.prepare(c, pageSql(scans, after != null))) {
            bindPage(st, chainId, scans, after, fetch);
            return TransferRows.read(st, chainId);
        }
    }

    /** {@link #ADDRESS_PAGES} for a batch of pages: the rows of each page, in the pages' order. */
    static List<List<TransferView>> readAddressPages(Store store, Connection c, List<AddressPage> pages) throws SQLException {
        int n = pages.size();
        Long[] chainIds = new Long[n];
        String[] addresses = new String[n];
        Boolean[] outgoing = new Boolean[n];
        Boolean[] incoming = new Boolean[n];
        String[] standards = new String[n];
        BigDecimal[] minAmounts = new BigDecimal[n];
        String[] kinds = new String[n];
        Long[] blocks = new Long[n];
        Integer[] txs = new Integer[n];
        Integer[] logs = new Integer[n];
        Integer[] batches = new Integer[n];
        String[] traces = new String[n];
        Integer[] fetches = new Integer[n];
        List<List<TransferView>> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            AddressPage p = pages.get(i);
            chainIds[i] = p.chainId();
            addresses[i] = p.address();
            outgoing[i] = p.direction() != Direction.DIRECTION_INCOMING;
            incoming[i] = p.direction() != Direction.DIRECTION_OUTGOING;
            standards[i] = p.standard();
            minAmounts[i] = p.minAmount() == null ? null : new BigDecimal(p.minAmount());
            kinds[i] = p.kind();
            TransferCursor after = p.after();
            blocks[i] = after == null ? Long.MAX_VALUE : after.blockNumber();
            txs[i] = after == null ? 0 : after.txIndex();
            logs[i] = after == null ? 0 : after.logIndex();
            batches[i] = after == null ? 0 : after.batchIndex();
            traces[i] = after == null ? "" : after.traceAddress();
            fetches[i] = p.fetch();
            out.add(new ArrayList<>(p.fetch()));
        }
        BatchParameters parameters = new BatchParameters().column("int8", chainIds).column("text", addresses)
                .column("bool", outgoing).column("bool", incoming).column("text", standards).column("numeric", minAmounts).column("text", kinds)
                .column("int8", blocks).column("int4", txs).column("int4", logs).column("int4", batches).column("text", traces)
                .column("int4", fetches);
        try (PreparedStatement st = store.prepare(c, ADDRESS_PAGES)) {
            parameters.bind(c, st);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    int page = rs.getInt(1) - 1;
                    List<TransferView> rows = out.get(page);
                    TransferView row = TransferRows.view(rs, 2, chainIds[page]); // t.* follows k.i
                    if (!rows.isEmpty() && TransferRows.newerFirst(rows.get(rows.size() - 1), row) > 0) {
                        // a changed plan must fail loudly: the page's cursor is taken from its last row
                        throw new IllegalStateException("address page " + (page + 1) + " of the batch came out of listing order");
                    }
                    rows.add(row);
                }
            }
        }
        return out;
    }

    /** One page: each scan limited on its own so every branch stays an index range scan, then merged. */
    static String pageSql(List<Scan> scans, boolean paged) {
        String position = paged ? AFTER : "";
        if (scans.size() == 1) {
            return TransferRows.select(scans.get(0), position, NEWEST_FIRST) + " LIMIT ?";
        }
        return TransferRows.branches(scans, position, NEWEST_FIRST).append(NEWEST_FIRST).append(" LIMIT ?").toString();
    }

    /** Binds {@link #pageSql}'s parameters. */
    static void bindPage(PreparedStatement st, long chainId, List<Scan> scans, TransferCursor after, int fetch) throws SQLException {
        List<Object> position = after == null ? List.of()
                : List.of(after.blockNumber(), after.txIndex(), after.logIndex(), after.batchIndex(), after.traceAddress());
        int i = TransferRows.bindBranches(st, chainId, scans, position, fetch);
        if (scans.size() > 1) {
            st.setInt(i, fetch);
        }
    }

    static int bind(PreparedStatement st, int first, List<Object> values) throws SQLException {
        int i = first;
        for (Object value : values) {
            if (value instanceof Long l) {
                st.setLong(i++, l);
            } else if (value instanceof Integer n) {
                st.setInt(i++, n);
            } else if (value instanceof String s) {
                st.setString(i++, s);
            } else if (value instanceof BigDecimal d) {
                st.setBigDecimal(i++, d);
            } else if (value instanceof OffsetDateTime t) {
                st.setObject(i++, t);
            } else {
                throw new IllegalArgumentException("cannot bind " + value);
            }
        }
        return i;
    }
}
