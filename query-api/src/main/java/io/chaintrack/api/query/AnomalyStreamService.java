package io.chaintrack.api.query;

import io.chaintrack.api.error.ApiException;
import io.chaintrack.api.error.ErrorKind;
import io.chaintrack.proto.v1.AnomalyView;
import io.chaintrack.proto.v1.Severity;
import io.chaintrack.proto.v1.StreamAnomaliesRequest;
import io.chaintrack.proto.v1.StreamAnomaliesResponse;
import jakarta.inject.Singleton;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeMap;

/**
 * Live flagged anomalies by polling the store. Anomaly rows are final when written (never revised), but
 * chains and flushes do not write them in window order, so each stream mirrors the flagged rows whose window
 * starts within anomaly-margin of the newest one it has seen and sends every row that appears there.
 */
@Singleton
public final class AnomalyStreamService {
    /** The natural key of analytics_anomalies, window first. */
    record Key(Instant windowStart, long chainId, String token, String metric, String method, String subject) {
        static final Comparator<Key> ORDER = Comparator.comparing(Key::windowStart).thenComparingLong(Key::chainId)
                .thenComparing(Key::token).thenComparing(Key::metric).thenComparing(Key::method).thenComparing(Key::subject);

        static Key of(AnomalyView v) {
            return new Key(Instant.ofEpochSecond(v.getWindowStart().getSeconds(), v.getWindowStart().getNanos()), v.getChainId(),
                    v.getToken(), v.getMetric(), v.getMethod().name(), v.getSubject());
        }
    }

    private final ChainDirectory chains;
    private final Store store;
    private final LiveStreams streams;

    public AnomalyStreamService(ChainDirectory chains, Store store, LiveStreams streams) {
        this.chains = chains;
        this.store = store;
        this.streams = streams;
    }

    public LiveStreams.Prepared<StreamAnomaliesResponse> streamAnomalies(StreamAnomaliesRequest request) {
        Severity severity = AnalyticsQueryService.severity("min_severity", request.getMinSeverity(), false);
        long chainId = request.getChainId() == 0 ? 0 : chains.requireKnown(request.getChainId());
        LiveStreams.Slot slot = streams.reserve();
        try {
            Instant newest = newest(chainId, severity);
            Instant floor = newest == null ? Instant.EPOCH : newest.minus(streams.config().anomalyMargin());
            TreeMap<Key, AnomalyView> start = rows(chainId, severity, floor);
            return sink -> streams.start(slot, new Poll(chainId, severity, floor, start, sink));
        } catch (RuntimeException e) {
            slot.close();
            throw e;
        }
    }

    private final class Poll implements LiveStreams.Poll {
        private final long chainId;
        private final Severity severity;
        private final StreamSink<StreamAnomaliesResponse> sink;
        private Instant floor;
        private TreeMap<Key, AnomalyView> mirror;
        private long lastSent = System.nanoTime();

        Poll(long chainId, Severity severity, Instant floor, TreeMap<Key, AnomalyView> mirror, StreamSink<StreamAnomaliesResponse> sink) {
            this.chainId = chainId;
            this.severity = severity;
            this.floor = floor;
            this.mirror = mirror;
            this.sink = sink;
        }

        @Override
        public boolean run() {
            if (sink.closed()) {
                return false;
            }
            if (!sink.ready()) {
                return true;
            }
            TreeMap<Key, AnomalyView> now;
            try {
                now = rows(chainId, severity, floor);
            } catch (ApiException e) {
                sink.fail(e);
                return false;
            }
            boolean sent = false;
            for (var row : now.entrySet()) {
                if (!mirror.containsKey(row.getKey())) {
                    sink.send(StreamAnomaliesResponse.newBuilder().setAnomaly(row.getValue()).build());
                    sent = true;
                }
            }
            mirror = now;
            if (!now.isEmpty()) {
                Instant candidate = now.lastKey().windowStart().minus(streams.config().anomalyMargin());
                if (candidate.isAfter(floor)) {
                    floor = candidate;
                    mirror.headMap(new Key(floor, Long.MIN_VALUE, "", "", "", "")).clear();
                }
            }
            long t = System.nanoTime();
            if (sent) {
                lastSent = t;
            } else if (t - lastSent >= streams.config().heartbeat().toNanos()) {
                sink.heartbeat();
                lastSent = t;
            }
            return true;
        }
    }

    private Instant newest(long chainId, Severity severity) {
        return store.read(c -> {
            try (PreparedStatement st = store.prepare(c, "SELECT window_start FROM analytics_anomalies WHERE "
                    + AnalyticsQueryService.severityCondition(severity) + (chainId != 0 ? " AND chain_id = ?" : "")
                    + " ORDER BY window_start DESC LIMIT 1")) {
                if (chainId != 0) {
                    st.setLong(1, chainId);
                }
                try (ResultSet rs = st.executeQuery()) {
                    return rs.next() ? rs.getObject(1, java.time.OffsetDateTime.class).toInstant() : null;
                }
            }
        });
    }

    private TreeMap<Key, AnomalyView> rows(long chainId, Severity severity, Instant floor) {
        int cap = streams.config().maxRowsPerPoll();
        return store.read(c -> {
            List<AnomalyView> rows = new ArrayList<>();
            try (PreparedStatement st = store.prepare(c, "SELECT " + AnalyticsQueryService.ANOMALY_COLUMNS
                    + " FROM analytics_anomalies WHERE " + AnalyticsQueryService.severityCondition(severity)
                    + (chainId != 0 ? " AND chain_id = ?" : "") + " AND window_start >= ? ORDER BY window_start LIMIT ?")) {
                int i = 1;
                if (chainId != 0) {
                    st.setLong(i++, chainId);
                }
                st.setObject(i++, floor.atOffset(ZoneOffset.UTC));
                st.setInt(i, cap + 1);
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        rows.add(AnalyticsQueryService.anomaly(rs));
                    }
                }
            }
            if (rows.size() > cap) {
                throw new ApiException(ErrorKind.RESOURCE_EXHAUSTED, null, "more than " + cap + " flagged anomalies within "
                        + streams.config().anomalyMargin() + " of the newest: too many for a live stream; list them instead");
            }
            TreeMap<Key, AnomalyView> out = new TreeMap<>(Key.ORDER);
            rows.forEach(r -> out.put(Key.of(r), r));
            return out;
        });
    }
}
