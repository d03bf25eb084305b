package io.chaintrack.connectors.evm;

import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Rate-limit hits and breaker state per (chain, endpoint), read from this process's {@link EvmMetrics} and
 * written to table ingest_endpoint_status (V30), so processes that cannot read this memory (the API) see them.
 * Upserts only ever replace a row with a newer snapshot of the same endpoint.
 */
public final class EndpointStatusSnapshot {
    /** One endpoint's numbers; breakerState is CLOSED, OPEN or HALF_OPEN. */
    public record EndpointStatus(String chain, String endpoint, long rateLimitedTotal, String breakerState) {}

    private static final String UPSERT = "INSERT INTO ingest_endpoint_status"
            + " (chain, endpoint, rate_limited_total, breaker_state, reported_at) VALUES (?, ?, ?, ?, ?)"
            + " ON CONFLICT (chain, endpoint) DO UPDATE SET rate_limited_total = EXCLUDED.rate_limited_total,"
            + " breaker_state = EXCLUDED.breaker_state, reported_at = EXCLUDED.reported_at"
            + " WHERE ingest_endpoint_status.reported_at <= EXCLUDED.reported_at";

    private EndpointStatusSnapshot() {}

    /** Every endpoint the metrics know, by a 429 counted or a breaker state set. */
    public static List<EndpointStatus> of(EvmMetrics metrics) {
        Map<List<String>, long[]> rateLimited = new TreeMap<>(EndpointStatusSnapshot::compare);
        Map<List<String>, String> breakers = new TreeMap<>(EndpointStatusSnapshot::compare);
        for (CounterSnapshot.CounterDataPointSnapshot p : metrics.rpcRateLimited.collect().getDataPoints()) {
            rateLimited.put(List.of(p.getLabels().get("chain"), p.getLabels().get("endpoint")), new long[] {(long) p.getValue()});
        }
        for (GaugeSnapshot.GaugeDataPointSnapshot p : metrics.breakerState.collect().getDataPoints()) {
            breakers.put(List.of(p.getLabels().get("chain"), p.getLabels().get("endpoint")), state((int) p.getValue()));
        }
        Map<List<String>, EndpointStatus> out = new TreeMap<>(EndpointStatusSnapshot::compare);
        rateLimited.forEach((k, v) -> out.put(k, new EndpointStatus(k.get(0), k.get(1), v[0], breakers.getOrDefault(k, "CLOSED"))));
        breakers.forEach((k, v) -> out.putIfAbsent(k, new EndpointStatus(k.get(0), k.get(1), 0, v)));
        return new ArrayList<>(out.values());
    }

    /** Upserts {@code statuses} as of {@code at} in one transaction; returns the rows written. */
    public static int write(Connection c, List<EndpointStatus> statuses, Instant at) throws SQLException {
        if (statuses.isEmpty()) {
            return 0;
        }
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        try (PreparedStatement st = c.prepareStatement(UPSERT)) {
            for (EndpointStatus s : statuses) {
                st.setString(1, s.chain());
                st.setString(2, s.endpoint());
                st.setLong(3, s.rateLimitedTotal());
                st.setString(4, s.breakerState());
                st.setTimestamp(5, Timestamp.from(at));
                st.addBatch();
            }
            int written = 0;
            for (int n : st.executeBatch()) {
                written += Math.max(n, 0);
            }
            c.commit();
            return written;
        } catch (SQLException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(auto);
        }
    }

    /** The breaker gauge's encoding (0 closed, 1 open, 2 half-open) as a name. */
    static String state(int gauge) {
        return switch (gauge) {
            case 1 -> "OPEN";
            case 2 -> "HALF_OPEN";
            default -> "CLOSED";
        };
    }

    private static int compare(List<String> a, List<String> b) {
        int c = a.get(0).compareTo(b.get(0));
        return c != 0 ? c : a.get(1).compareTo(b.get(1));
    }
}
