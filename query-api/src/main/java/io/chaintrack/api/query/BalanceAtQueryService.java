package io.chaintrack.api.query;

import io.chaintrack.api.config.ApiConfig;
import io.chaintrack.api.error.InvalidArgumentException;
import io.chaintrack.proto.v1.BalanceView;
import io.chaintrack.proto.v1.GetBalancesAtRequest;
import io.chaintrack.proto.v1.GetBalancesAtResponse;
import io.chaintrack.proto.v1.TokenStandard;
import jakarta.inject.Singleton;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Exact balances after a past canonical block N. Each balance is a stored exact checkpoint plus or minus
 * the canonical transfers between the checkpoint and N, never an estimate. Checkpoints, per token: the
 * current balance (valid at its block), the end of the last window that ends at or before N's time, and
 * the start of the first window that starts after it (window balance minus its delta). The one with the
 * shortest span to N wins, so the transfers summed are those of at most one window in the usual case.
 * Balances at a block at or below the chain's finalized block are final; finality=finalized refuses a block above it
 * (and answers a time past it at the newest indexed final block).
 */
@Singleton
public final class BalanceAtQueryService {
    // per (token, id): the current balance, the last window ending at or before the block's time and the first
    // window starting after it, each with the block bound its transfer sum would start or end at
    private static final String CHECKPOINTS = "SELECT cb.token, cb.token_id, cb.standard, cb.balance, cb.block_number, cb.block_time,"
            + " pw.window_start AS prev_start, pw.balance AS prev_balance,"
            + " (SELECT b.block_number FROM blocks b WHERE b.chain_id = cb.chain_id AND b.canonical"
            + "   AND b.block_time >= pw.window_start + make_interval(secs => ?) ORDER BY b.block_time, b.block_number LIMIT 1) AS prev_lo,"
            + " nw.window_start AS next_start, nw.balance - nw.delta AS next_opening,"
            + " (SELECT b.block_number FROM blocks b WHERE b.chain_id = cb.chain_id AND b.canonical"
            + "   AND b.block_time < nw.window_start ORDER BY b.block_time DESC, b.block_number DESC LIMIT 1) AS next_hi"
            + " FROM current_balances cb"
            + " LEFT JOIN LATERAL (SELECT window_start, balance FROM balance_windows w WHERE w.chain_id = cb.chain_id"
            + "   AND w.address = cb.address AND w.token = cb.token AND w.token_id = cb.token_id AND w.window_seconds = ?"
            + "   AND w.window_start <= ? ORDER BY w.window_start DESC LIMIT 1) pw ON true"
            + " LEFT JOIN LATERAL (SELECT window_start, balance, delta FROM balance_windows w WHERE w.chain_id = cb.chain_id"
            + "   AND w.address = cb.address AND w.token = cb.token AND w.token_id = cb.token_id AND w.window_seconds = ?"
            + "   AND w.window_start > ? ORDER BY w.window_start LIMIT 1) nw ON true"
            + " WHERE cb.chain_id = ? AND cb.address = ?";
    // the first and latest canonical blocks and the requested one, in one round trip
    private static final String RESOLVE = "SELECT f.block_number, f.block_time, l.block_number, r.block_number, r.block_hash, r.block_time"
            + " FROM (SELECT block_number, block_time FROM blocks WHERE chain_id = ? AND canonical ORDER BY block_number LIMIT 1) f"
            + " CROSS JOIN (SELECT block_number FROM blocks WHERE chain_id = ? AND canonical ORDER BY block_number DESC LIMIT 1) l"
            + " LEFT JOIN LATERAL (SELECT block_number, block_hash, block_time FROM blocks WHERE chain_id = ? AND canonical AND ";
    /** Most (token, id) sums one statement carries; an address holding more tokens takes several statements. */
    static final int MAX_SUMS_ROWS = 64;
    // per row of k: incoming minus outgoing canonical amounts in blocks [lo, hi]; both sides use their address index
    private static final String SUMS_SELECT = "SELECT k.i,"
            + " (SELECT coalesce(sum(t.amount), 0) FROM transfers t WHERE t.chain_id = ? AND t.canonical AND t.to_address = ?"
            + "   AND t.block_number BETWEEN k.lo AND k.hi AND t.token = k.token"
            + "   AND (CASE WHEN t.standard = 'ERC1155' THEN t.token_id ELSE 0 END) = k.token_id)"
            + " - (SELECT coalesce(sum(t.amount), 0) FROM transfers t WHERE t.chain_id = ? AND t.canonical AND t.from_address = ?"
            + "   AND t.block_number BETWEEN k.lo AND k.hi AND t.token = k.token"
            + "   AND (CASE WHEN t.standard = 'ERC1155' THEN t.token_id ELSE 0 END) = k.token_id) AS net"
            + " FROM (VALUES ";

    /** How one balance is derived: base + sign * (net transfers in blocks [lo, hi]); lo > hi means none. */
    record Plan(String token, BigInteger tokenId, String standard, BigInteger base, int sign, long lo, long hi) {}

    private final ChainDirectory chains;
    private final Finality finality;
    private final Store store;
    private final ApiConfig config;
    private final TokenMetadataReader metadata;
    private final io.chaintrack.api.metrics.ApiMetrics metrics;

    public BalanceAtQueryService(ChainDirectory chains, Finality finality, Store store, ApiConfig config,
                                 TokenMetadataReader metadata, io.chaintrack.api.metrics.ApiMetrics metrics) {
        this.metrics = metrics;
        this.chains = chains;
        this.finality = finality;
        this.store = store;
        this.config = config;
        this.metadata = metadata;
    }

    public GetBalancesAtResponse getBalancesAt(GetBalancesAtRequest request) {
        String address = RequestValues.address(request.getChainId(), "address", request.getAddress());
        String token = request.getToken().isEmpty() ? null : RequestValues.token(request.getChainId(), "token", request.getToken());
        if (request.hasBlockNumber() && request.hasTime()) {
            throw new InvalidArgumentException("time", "give block_number or time, not both");
        }
        if (!request.hasBlockNumber() && !request.hasTime()) {
            throw new InvalidArgumentException("block_number", "is required (or give time instead)");
        }
        Long number = request.hasBlockNumber() ? RequestValues.blockNumber("block_number", request.getBlockNumber()) : null;
        OffsetDateTime time = request.hasTime() ? RequestValues.time("time", request.getTime()) : null;
        Finality.Mode mode = Finality.mode("finality", request.getFinality());
        long chainId = chains.requireKnown(request.getChainId());
        Finality.Finalized f = finality.of(chainId);
        if (mode == Finality.Mode.FINALIZED) {
            if (f.indexedNumber() == null) {
                throw new InvalidArgumentException("finality", "chain " + chainId + " has no finalized block indexed yet");
            }
            if (number != null && !f.covers(number)) {
                throw new InvalidArgumentException("block_number", "block " + number + " is above the finalized block "
                        + f.number() + " (finality=finalized)");
            }
        }
        GetBalancesAtResponse response = store.read(c -> {
            Blocks.Block resolved = resolve(c, chainId, number, time);
            // a time past the finalized block is answered at the newest indexed final block
            Blocks.Block block = mode == Finality.Mode.FINALIZED && !f.covers(resolved.number())
                    ? resolve(c, chainId, f.indexedNumber(), null) : resolved;
            return at(c, chainId, address, token, block, f.covers(block.number()));
        });
        return f.number() == null ? response : response.toBuilder().setFinalizedBlock(f.number()).build();
    }

    /** Every balance (or one token's) of the address after {@code block}, each marked {@code finalized}. */
    GetBalancesAtResponse at(Connection c, long chainId, String address, String token, Blocks.Block block, boolean finalized)
            throws SQLException {
        List<Plan> plans = plan(c, chainId, address, token, block);
        List<BigInteger> nets = nets(store, c, chainId, address, plans);
        Map<String, String[]> openings = openings(c, chainId, address, token);
        GetBalancesAtResponse.Builder response = GetBalancesAtResponse.newBuilder()
                .setChainId(chainId).setAddress(address)
                .setBlockNumber(block.number()).setBlockHash(block.hash())
                .setBlockTime(Rows.toTimestamp(block.time().toInstant()));
        List<BalanceView> balances = new ArrayList<>();
        for (int i = 0; i < plans.size(); i++) {
            Plan plan = plans.get(i);
            TokenStandard standard = Rows.standard(plan.standard());
            BigInteger balance = plan.base().add(nets.get(i).multiply(BigInteger.valueOf(plan.sign())));
            String[] opening = openings.remove(plan.token() + "/" + plan.tokenId());
            if (opening != null) {
                balance = balance.add(new BigInteger(opening[1]));
            }
            balances.add(BalanceView.newBuilder()
                    .setToken(plan.token())
                    .setStandard(standard)
                    .setTokenId(standard == TokenStandard.TOKEN_STANDARD_ERC1155 ? plan.tokenId().toString() : "")
                    .setBalance(balance.toString())
                    .setNegative(balance.signum() < 0)
                    .setBlockNumber(block.number())
                    .setBlockTime(Rows.toTimestamp(block.time().toInstant()))
                    .setFinalized(finalized)
                    .build());
        }
        for (Map.Entry<String, String[]> held : openings.entrySet()) {
            // held since before the first indexed block and never moved since: the synced opening balance itself
            String[] o = held.getValue();
            TokenStandard standard = Rows.standard(o[0]);
            String heldToken = held.getKey().substring(0, held.getKey().lastIndexOf('/'));
            String heldId = held.getKey().substring(held.getKey().lastIndexOf('/') + 1);
            BigInteger balance = new BigInteger(o[1]);
            balances.add(BalanceView.newBuilder().setToken(heldToken).setStandard(standard)
                    .setTokenId(standard == TokenStandard.TOKEN_STANDARD_ERC1155 ? heldId : "")
                    .setBalance(balance.toString()).setNegative(balance.signum() < 0)
                    .setBlockNumber(block.number()).setBlockTime(Rows.toTimestamp(block.time().toInstant()))
                    .setFinalized(finalized).build());
        }
        if (!openings.isEmpty()) {
            balances.sort(java.util.Comparator.comparing(BalanceView::getToken)
                    .thenComparing(b -> b.getTokenId().isEmpty() ? BigInteger.ZERO : new BigInteger(b.getTokenId())));
        }
        metrics.countNegativeBalances(address, balances);
        return response.addAllBalances(metadata.withMetadata(c, chainId, balances)).build();
    }

    /**
     * Synced opening balances of the address (wallet history sync: its balance before the chain's first indexed
     * block), keyed "token/tokenId" with {standard, balance}. Every block this service answers for is indexed, so at
     * or after that block: the pipeline's balance there plus the opening one is the address's.
     */
    private Map<String, String[]> openings(Connection c, long chainId, String address, String token) throws SQLException {
        Map<String, String[]> out = new java.util.LinkedHashMap<>();
        try (PreparedStatement st = store.prepare(c, "SELECT token, token_id, standard, balance FROM opening_balances"
                + " WHERE chain_id = ? AND address = ?" + (token != null ? " AND token = ?" : ""))) {
            st.setLong(1, chainId);
            st.setString(2, address);
            if (token != null) {
                st.setString(3, token);
            }
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1) + "/" + rs.getBigDecimal(2).toBigIntegerExact(),
                            new String[] {rs.getString(3), rs.getBigDecimal(4).toBigIntegerExact().toString()});
                }
            }
        }
        return out;
    }

    /** The canonical block {@code number}, indexed (a 400 naming block_number otherwise). */
    Blocks.Block block(Connection c, long chainId, long number) throws SQLException {
        return resolve(c, chainId, number, null);
    }

    /** The canonical block the answer is valid at; a 400 for a block or time the index does not cover. */
    private Blocks.Block resolve(Connection c, long chainId, Long number, OffsetDateTime time) throws SQLException {
        String sql = RESOLVE + (number != null ? "block_number = ? LIMIT 1" : "block_time <= ? ORDER BY block_time DESC, block_number DESC LIMIT 1")
                + ") r ON true";
        try (PreparedStatement st = store.prepare(c, sql)) {
            st.setLong(1, chainId);
            st.setLong(2, chainId);
            st.setLong(3, chainId);
            if (number != null) {
                st.setLong(4, number);
            } else {
                st.setObject(4, time);
            }
            try (ResultSet rs = st.executeQuery()) {
                if (!rs.next()) {
                    throw new InvalidArgumentException(number != null ? "block_number" : "time", "chain " + chainId + " has no indexed block yet");
                }
                long first = rs.getLong(1);
                OffsetDateTime firstTime = rs.getObject(2, OffsetDateTime.class);
                long latest = rs.getLong(3);
                String hash = rs.getString(5);
                if (number != null) {
                    if (number > latest) {
                        throw new InvalidArgumentException("block_number", "block " + number + " is not indexed yet (latest is " + latest + ")");
                    }
                    if (number < first) {
                        throw new InvalidArgumentException("block_number", "block " + number + " is before the first indexed block " + first);
                    }
                    if (hash == null) {
                        throw new InvalidArgumentException("block_number", "block " + number + " is not indexed (a gap in the indexed range)");
                    }
                } else if (hash == null) {
                    throw new InvalidArgumentException("time", "before the first indexed block " + first + " at " + firstTime.toInstant());
                }
                return new Blocks.Block(rs.getLong(4), hash, rs.getObject(6, OffsetDateTime.class));
            }
        }
    }

    private List<Plan> plan(Connection c, long chainId, String address, String token, Blocks.Block block) throws SQLException {
        long size = config.windowSeconds().stream().mapToInt(Integer::intValue).min().orElseThrow();
        long at = block.time().toEpochSecond();
        // windows that end at or before the block's time, and windows that start after it
        OffsetDateTime lastStart = OffsetDateTime.ofInstant(java.time.Instant.ofEpochSecond(at - size), ZoneOffset.UTC);
        OffsetDateTime after = block.time();
        List<Plan> plans = new ArrayList<>();
        String sql = CHECKPOINTS + (token != null ? " AND cb.token = ?" : "") + " ORDER BY cb.token, cb.token_id";
        try (PreparedStatement st = store.prepare(c, sql)) {
            st.setLong(1, size);
            st.setInt(2, (int) size);
            st.setObject(3, lastStart);
            st.setInt(4, (int) size);
            st.setObject(5, after);
            st.setLong(6, chainId);
            st.setString(7, address);
            if (token != null) {
                st.setString(8, token);
            }
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    plans.add(choose(rs, block, size));
                }
            }
        }
        return plans;
    }

    /** The checkpoint with the shortest time span to the block, and the block range to sum from it. */
    private static Plan choose(ResultSet rs, Blocks.Block block, long size) throws SQLException {
        String token = rs.getString("token");
        BigInteger tokenId = rs.getBigDecimal("token_id").toBigIntegerExact();
        String standard = rs.getString("standard");
        long n = block.number();
        long at = block.time().toEpochSecond();
        long currentNumber = rs.getLong("block_number");
        BigInteger current = rs.getBigDecimal("balance").toBigIntegerExact();
        if (currentNumber <= n) {
            // nothing indexed after the current balance's block up to n changes it, unless the balance lags the transfers
            return new Plan(token, tokenId, standard, current, 1, currentNumber + 1, n);
        }
        long bestSpan = rs.getObject("block_time", OffsetDateTime.class).toEpochSecond() - at;
        Plan best = new Plan(token, tokenId, standard, current, -1, n + 1, currentNumber);
        OffsetDateTime prevStart = rs.getObject("prev_start", OffsetDateTime.class);
        if (prevStart != null) {
            long end = prevStart.toEpochSecond() + size;
            if (at - end < bestSpan) {
                // balance after every transfer with block_time < end, then forward through the blocks from end to n
                long lo = rs.getLong("prev_lo");
                boolean none = rs.wasNull();
                bestSpan = at - end;
                best = new Plan(token, tokenId, standard, rs.getBigDecimal("prev_balance").toBigIntegerExact(), 1,
                        none ? n + 1 : lo, n);
            }
        }
        OffsetDateTime nextStart = rs.getObject("next_start", OffsetDateTime.class);
        if (nextStart != null && nextStart.toEpochSecond() - at < bestSpan) {
            // balance before every transfer with block_time >= next start, then back through the blocks after n
            long hi = rs.getLong("next_hi");
            boolean none = rs.wasNull();
            best = new Plan(token, tokenId, standard, rs.getBigDecimal("next_opening").toBigIntegerExact(), -1,
                    n + 1, none ? n : hi);
        }
        return best;
    }

    /** Each plan's net transfers (zero for an empty block range), one statement per {@link #MAX_SUMS_ROWS} ranges. */
    static List<BigInteger> nets(Store store, Connection c, long chainId, String address, List<Plan> plans) throws SQLException {
        List<BigInteger> nets = new ArrayList<>(Collections.nCopies(plans.size(), BigInteger.ZERO));
        List<Integer> indexes = new ArrayList<>();
        for (int i = 0; i < plans.size(); i++) {
            if (plans.get(i).lo() <= plans.get(i).hi()) {
                indexes.add(i);
            }
        }
        for (int from = 0; from < indexes.size(); from += MAX_SUMS_ROWS) {
            List<Integer> chunk = indexes.subList(from, Math.min(indexes.size(), from + MAX_SUMS_ROWS));
            int rows = sumsRows(chunk.size());
            try (PreparedStatement st = store.prepare(c, sums(rows))) {
                bindSums(st, chainId, address, chunk.stream().map(plans::get).toList(), rows);
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        int row = rs.getInt(1) - 1;
                        if (row < chunk.size()) { // past it: padding
                            nets.set(chunk.get(row), rs.getBigDecimal(2).toBigIntegerExact());
                        }
                    }
                }
            }
        }
        return nets;
    }

    /**
     * The sums over a VALUES list of {@code rows} bound (i, token, token_id, lo, hi). Not unnest of array parameters:
     * a generic plan counts such an unnest as 100 rows, so PostgreSQL kept a custom plan and planned the statement
     * on every call; over VALUES the generic plan costs what a custom one does and is reused. Row counts are powers
     * of two, so a connection prepares at most seven texts of it.
     */
    static String sums(int rows) {
        StringBuilder sql = new StringBuilder(SUMS_SELECT);
        for (int i = 1; i <= rows; i++) {
            sql.append(i == 1 ? "" : ", ").append('(').append(i).append(", ?::text, ?::numeric, ?::bigint, ?::bigint)");
        }
        return sql.append(") AS k(i, token, token_id, lo, hi)").toString();
    }

    /** The VALUES rows to bind for {@code ranges} ranges (at most {@link #MAX_SUMS_ROWS}): the power of two at or above it. */
    static int sumsRows(int ranges) {
        int rows = 1;
        while (rows < ranges) {
            rows <<= 1;
        }
        return rows;
    }

    /** Binds {@link #sums}: the plans' ranges, then padding rows of NULLs (an index scan with a NULL bound reads nothing). */
    static void bindSums(PreparedStatement st, long chainId, String address, List<Plan> plans, int rows) throws SQLException {
        st.setLong(1, chainId);
        st.setString(2, address);
        st.setLong(3, chainId);
        st.setString(4, address);
        int p = 5;
        for (int r = 0; r < rows; r++) {
            if (r < plans.size()) {
                Plan plan = plans.get(r);
                st.setString(p++, plan.token());
                st.setBigDecimal(p++, new BigDecimal(plan.tokenId()));
                st.setLong(p++, plan.lo());
                st.setLong(p++, plan.hi());
            } else {
                st.setNull(p++, Types.VARCHAR);
                st.setNull(p++, Types.NUMERIC);
                st.setNull(p++, Types.BIGINT);
                st.setNull(p++, Types.BIGINT);
            }
        }
    }
}
