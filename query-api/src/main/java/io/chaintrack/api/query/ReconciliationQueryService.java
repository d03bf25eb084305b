package io.chaintrack.api.query;

import io.chaintrack.api.config.ApiConfig;
import io.chaintrack.proto.v1.GetReconciliationRequest;
import io.chaintrack.proto.v1.GetReconciliationResponse;
import io.chaintrack.proto.v1.ReconciliationMismatchView;
import io.chaintrack.proto.v1.ReconciliationSummary;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * The reconciler's reports (tables reconciliation_runs and _mismatches), read only: the latest finished run of a chain
 * and its mismatches. A run still in progress is never the latest report: a half-done run proves nothing.
 */
@Singleton
public final class ReconciliationQueryService {
    static final String SUMMARY_COLUMNS = "run_id, chain_id, started_at, finished_at, block_number, block_hash, status,"
            + " error, accounts_checked, balances_checked, owners_checked, blocks_checked, balances_without_history, mismatches, largest_difference,"
            + " sample_seed";
    /** The latest finished run of every chain (or of one: chain_id = ? narrows it). */
    static final String LATEST = "SELECT DISTINCT ON (chain_id) " + SUMMARY_COLUMNS + " FROM reconciliation_runs"
            + " WHERE status <> 'RUNNING'";
    private static final String MISMATCHES = "SELECT check_name, address, token, token_id, expected, actual, difference,"
            + " block_number, detail FROM reconciliation_mismatches WHERE run_id = ?"
            + " ORDER BY abs(difference) DESC NULLS LAST, seq LIMIT ?";

    private final ChainDirectory chains;
    private final Store store;
    private final ApiConfig config;

    public ReconciliationQueryService(ChainDirectory chains, Store store, ApiConfig config) {
        this.chains = chains;
        this.store = store;
        this.config = config;
    }

    public GetReconciliationResponse getReconciliation(GetReconciliationRequest request) {
        int limit = RequestValues.limit("limit", request.getLimit(), config.defaultLimit(), config.maxLimit());
        long chainId = chains.requireKnown(request.getChainId());
        return store.read(c -> {
            GetReconciliationResponse.Builder out = GetReconciliationResponse.newBuilder();
            List<ReconciliationSummary> latest = latest(store, c, chainId);
            if (latest.isEmpty()) {
                return out.build();
            }
            ReconciliationSummary summary = latest.get(0);
            out.setSummary(summary);
            try (PreparedStatement st = store.prepare(c, MISMATCHES)) {
                st.setLong(1, summary.getRunId());
                st.setInt(2, limit);
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        Long block = rs.getObject("block_number", Long.class);
                        ReconciliationMismatchView.Builder m = ReconciliationMismatchView.newBuilder()
                                .setCheck(rs.getString("check_name"))
                                .setAddress(Rows.nullToEmpty(rs.getString("address")))
                                .setToken(Rows.nullToEmpty(rs.getString("token")))
                                .setTokenId(Rows.decimal(rs, "token_id"))
                                .setExpected(rs.getString("expected"))
                                .setActual(rs.getString("actual"))
                                .setDifference(Rows.decimal(rs, "difference"))
                                .setDetail(Rows.nullToEmpty(rs.getString("detail")));
                        if (block != null) {
                            m.setBlockNumber(block);
                        }
                        out.addMismatches(m);
                    }
                }
            }
            return out.build();
        });
    }

    /** The latest finished run of one chain (empty or one element), or of every chain when chainId is null. */
    public static List<ReconciliationSummary> latest(Store store, Connection c, Long chainId) throws SQLException {
        String sql = LATEST + (chainId == null ? "" : " AND chain_id = ?") + " ORDER BY chain_id, run_id DESC";
        try (PreparedStatement st = store == null ? c.prepareStatement(sql) : store.prepare(c, sql)) {
            if (store == null) {
                st.setQueryTimeout(2); // a scrape must not hang on a stuck database
            }
            if (chainId != null) {
                st.setLong(1, chainId);
            }
            List<ReconciliationSummary> out = new ArrayList<>();
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    out.add(summary(rs));
                }
            }
            return out;
        }
    }

    static ReconciliationSummary summary(ResultSet rs) throws SQLException {
        ReconciliationSummary.Builder s = ReconciliationSummary.newBuilder()
                .setRunId(rs.getLong("run_id"))
                .setChainId(rs.getLong("chain_id"))
                .setStartedAt(Rows.timestamp(rs, "started_at"))
                .setStatus(rs.getString("status"))
                .setError(Rows.nullToEmpty(rs.getString("error")))
                .setAccountsChecked(rs.getLong("accounts_checked"))
                .setBalancesChecked(rs.getLong("balances_checked"))
                .setOwnersChecked(rs.getLong("owners_checked"))
                .setBalancesWithoutHistory(rs.getLong("balances_without_history"))
                .setBlocksChecked(rs.getLong("blocks_checked"))
                .setMismatches(rs.getLong("mismatches"))
                .setLargestDifference(Rows.decimal(rs, "largest_difference"))
                .setSampleSeed(rs.getLong("sample_seed"))
                .setBlockHash(Rows.nullToEmpty(rs.getString("block_hash")));
        if (rs.getObject("finished_at", OffsetDateTime.class) != null) {
            s.setFinishedAt(Rows.timestamp(rs, "finished_at"));
        }
        Long block = rs.getObject("block_number", Long.class);
        if (block != null) {
            s.setBlockNumber(block);
        }
        return s.build();
    }
}
