package io.chaintrack.api.query;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import io.chaintrack.api.config.ApiConfig;
import io.chaintrack.api.error.InvalidArgumentException;
import io.chaintrack.proto.v1.Accuracy;
import io.chaintrack.proto.v1.AnalyticsTotalsView;
import io.chaintrack.proto.v1.AnomalyMethod;
import io.chaintrack.proto.v1.AnomalyView;
import io.chaintrack.proto.v1.CountMethod;
import io.chaintrack.proto.v1.DailyMetricsView;
import io.chaintrack.proto.v1.DistinctCountView;
import io.chaintrack.proto.v1.ForecastView;
import io.chaintrack.proto.v1.GetAnalyticsTotalsRequest;
import io.chaintrack.proto.v1.GetAnalyticsTotalsResponse;
import io.chaintrack.proto.v1.ListAnomaliesRequest;
import io.chaintrack.proto.v1.ListAnomaliesResponse;
import io.chaintrack.proto.v1.ListDailyMetricsRequest;
import io.chaintrack.proto.v1.ListDailyMetricsResponse;
import io.chaintrack.proto.v1.ListForecastsRequest;
import io.chaintrack.proto.v1.ListForecastsResponse;
import io.chaintrack.proto.v1.ReconciliationSummary;
import io.chaintrack.proto.v1.Severity;
import io.chaintrack.proto.v1.TopTokenView;
import io.chaintrack.proto.v1.TotalsScope;
import jakarta.inject.Singleton;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Set;

/**
 * The analytics job's tables (V10) as read models: totals, daily metrics, forecasts and anomalies, per chain
 * or across chains (chain_id 0). Rows come from final blocks only and are never revised by reorgs; each
 * carries the block/time it reflects and whether it is exact.
 */
@Singleton
public final class AnalyticsQueryService {
    static final Set<String> FORECAST_METRICS = Set.of("transfers", "active_addresses", "new_addresses");
    static final Set<String> ANOMALY_METRICS = Set.of("transfers", "volume", "active_addresses", "gas_used", "block_interval",
            "transfer_amount");
    static final String ANOMALY_COLUMNS = "chain_id, token, metric, window_start, window_seconds, method, subject, value, baseline,"
            + " spread, lower_fence, upper_fence, score, threshold, severity, baseline_windows, block_number";
    private static final String TOTALS_COLUMNS = "scope, chain_id, token, transfers, volume, senders, senders_lower, senders_upper,"
            + " senders_method, receivers, receivers_lower, receivers_upper, receivers_method, holders, first_block, last_block,"
            + " first_block_time, last_block_time, source_block, source_time, blocks_covered, accuracy, covered_from_block,"
            + " covered_to_block";

    private final ChainDirectory chains;
    private final Store store;
    private final CursorCodec cursors;
    private final ApiConfig config;

    public AnalyticsQueryService(ChainDirectory chains, Store store, CursorCodec cursors, ApiConfig config) {
        this.chains = chains;
        this.store = store;
        this.cursors = cursors;
        this.config = config;
    }

    /** 0 stays 0 (every chain); anything else must be a known chain. */
    private long chainOrAll(long chainId) {
        return chainId == 0 ? 0 : chains.requireKnown(chainId);
    }

    public GetAnalyticsTotalsResponse getAnalyticsTotals(GetAnalyticsTotalsRequest request) {
        int limit = RequestValues.limit("limit", request.getLimit(), config.defaultLimit(), config.maxLimit());
        String token = request.getToken().isEmpty() ? null : RequestValues.token(request.getChainId(), "token", request.getToken());
        if (request.getChainId() == 0 && token != null) {
            throw new InvalidArgumentException("token", "a token's totals need a chain: /v1/chains/{chain_id}/analytics/totals?token=...");
        }
        if (request.getChainId() == 0 && !request.getCursor().isEmpty()) {
            throw new InvalidArgumentException("cursor", "the totals across chains have one page; cursors page a chain's tokens");
        }
        byte[] query = TransferCursor.queryDigest("analytics-totals", request.getChainId(), token);
        KeysetCursor after = request.getCursor().isEmpty() ? null
                : KeysetCursor.decode("cursor", cursors.verify("cursor", request.getCursor()), query, Long.class, String.class);
        long chainId = chainOrAll(request.getChainId());
        return store.read(c -> {
            GetAnalyticsTotalsResponse.Builder response = GetAnalyticsTotalsResponse.newBuilder();
            if (chainId == 0) {
                try (PreparedStatement st = store.prepare(c, "SELECT " + TOTALS_COLUMNS + " FROM analytics_totals"
                        + " WHERE scope IN ('GLOBAL', 'CHAIN') ORDER BY scope DESC, chain_id")) {
                    try (ResultSet rs = st.executeQuery()) {
                        while (rs.next()) {
                            AnalyticsTotalsView view = totals(rs);
                            if (view.getScope() == TotalsScope.TOTALS_SCOPE_GLOBAL) {
                                response.setSummary(view);
                            } else {
                                response.addItems(view);
                            }
                        }
                    }
                }
                return reconciled(c, response, null);
            }
            try (PreparedStatement st = store.prepare(c, "SELECT " + TOTALS_COLUMNS + " FROM analytics_totals"
                    + " WHERE scope = 'CHAIN' AND chain_id = ?")) {
                st.setLong(1, chainId);
                try (ResultSet rs = st.executeQuery()) {
                    if (rs.next()) {
                        response.setSummary(totals(rs));
                    }
                }
            }
            String sql = "SELECT " + TOTALS_COLUMNS + " FROM analytics_totals WHERE scope = 'TOKEN' AND chain_id = ?"
                    + (token != null ? " AND token = ?" : "") + (after != null ? " AND (transfers, token) < (?, ?)" : "")
                    + " ORDER BY transfers DESC, token DESC LIMIT ?";
            List<AnalyticsTotalsView> rows = new ArrayList<>();
            try (PreparedStatement st = store.prepare(c, sql)) {
                int i = 1;
                st.setLong(i++, chainId);
                if (token != null) {
                    st.setString(i++, token);
                }
                if (after != null) {
                    st.setLong(i++, (Long) after.position().get(0));
                    st.setString(i++, (String) after.position().get(1));
                }
                st.setInt(i, limit + 1);
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        rows.add(totals(rs));
                    }
                }
            }
            if (rows.size() > limit) {
                rows = rows.subList(0, limit);
                AnalyticsTotalsView last = rows.get(limit - 1);
                response.setNextCursor(cursors.sign(new KeysetCursor(query, List.of(last.getTransfers(), last.getToken())).encode()));
            }
            return reconciled(c, response.addAllItems(rows), chainId);
        });
    }

    /** Each chain's and token's row with its chain's latest reconciliation, which can demote an exact accuracy. */
    private GetAnalyticsTotalsResponse reconciled(Connection c, GetAnalyticsTotalsResponse.Builder response, Long chainId)
            throws SQLException {
        Map<Long, ReconciliationSummary> runs = new HashMap<>();
        // one chain's rows need only that chain's run; the all-chains answer needs every chain's
        for (ReconciliationSummary run : ReconciliationQueryService.latest(store, c, chainId)) {
            runs.put(run.getChainId(), run);
        }
        if (runs.isEmpty()) {
            return response.build();
        }
        if (response.hasSummary()) {
            response.setSummary(reconciled(response.getSummary(), runs));
        }
        for (int i = 0; i < response.getItemsCount(); i++) {
            response.setItems(i, reconciled(response.getItems(i), runs));
        }
        return response.build();
    }

    private static AnalyticsTotalsView reconciled(AnalyticsTotalsView view,
                                                  Map<Long, ReconciliationSummary> runs) {
        ReconciliationSummary run = runs.get(view.getChainId());
        if (view.getScope() == TotalsScope.TOTALS_SCOPE_GLOBAL || run == null) {
            return view;
        }
        AnalyticsTotalsView.Builder b = view.toBuilder().setReconciliation(run);
        if ("MISMATCH".equals(run.getStatus()) && view.getAccuracy() == Accuracy.ACCURACY_EXACT) {
            b.setAccuracy(Accuracy.ACCURACY_RECONCILIATION_MISMATCH);
        }
        return b.build();
    }

    private static AnalyticsTotalsView totals(ResultSet rs) throws SQLException {
        AnalyticsTotalsView.Builder view = AnalyticsTotalsView.newBuilder()
                .setScope(switch (rs.getString("scope")) {
                    case "GLOBAL" -> TotalsScope.TOTALS_SCOPE_GLOBAL;
                    case "CHAIN" -> TotalsScope.TOTALS_SCOPE_CHAIN;
                    case "TOKEN" -> TotalsScope.TOTALS_SCOPE_TOKEN;
                    default -> TotalsScope.TOTALS_SCOPE_UNSPECIFIED;
                })
                .setChainId(rs.getLong("chain_id"))
                .setToken(Rows.nullToEmpty(rs.getString("token")))
                .setTransfers(rs.getLong("transfers"))
                .setVolume(Rows.decimal(rs, "volume"))
                .setSenders(count(rs, "senders"))
                .setReceivers(count(rs, "receivers"))
                .setHolders(rs.getLong("holders"))
                .setBlocksCovered(rs.getLong("blocks_covered"))
                .setAccuracy(accuracy(rs.getString("accuracy")));
        optionalLong(rs, "first_block", view::setFirstBlock);
        optionalLong(rs, "last_block", view::setLastBlock);
        optionalLong(rs, "source_block", view::setSourceBlock);
        optionalLong(rs, "covered_from_block", view::setCoveredFromBlock);
        optionalLong(rs, "covered_to_block", view::setCoveredToBlock);
        if (rs.getObject("first_block_time") != null) {
            view.setFirstBlockTime(Rows.timestamp(rs, "first_block_time"));
        }
        if (rs.getObject("last_block_time") != null) {
            view.setLastBlockTime(Rows.timestamp(rs, "last_block_time"));
        }
        view.setSourceTime(Rows.timestamp(rs, "source_time"));
        return view.build();
    }

    private static DistinctCountView count(ResultSet rs, String column) throws SQLException {
        return DistinctCountView.newBuilder()
                .setValue(rs.getLong(column))
                .setLower(rs.getLong(column + "_lower"))
                .setUpper(rs.getLong(column + "_upper"))
                .setMethod("hll".equals(rs.getString(column + "_method")) ? CountMethod.COUNT_METHOD_HLL : CountMethod.COUNT_METHOD_EXACT)
                .build();
    }

    static Accuracy accuracy(String stored) {
        return switch (stored) {
            case "exact" -> Accuracy.ACCURACY_EXACT;
            case "partial" -> Accuracy.ACCURACY_PARTIAL;
            default -> Accuracy.ACCURACY_UNSPECIFIED;
        };
    }

    private static void optionalLong(ResultSet rs, String column, java.util.function.LongConsumer setter) throws SQLException {
        long value = rs.getLong(column);
        if (!rs.wasNull()) {
            setter.accept(value);
        }
    }

    public ListDailyMetricsResponse listDailyMetrics(ListDailyMetricsRequest request) {
        LocalDate start = day("start_day", request.getStartDay());
        LocalDate end = day("end_day", request.getEndDay());
        if (start != null && end != null && start.isAfter(end)) {
            throw new InvalidArgumentException("end_day", "must not be before start_day (the range is [start_day, end_day])");
        }
        long chainId = chainOrAll(request.getChainId());
        int max = config.maxLimit();
        return store.read(c -> {
            String sql = "SELECT chain_id, day, transfers, active_addresses, new_addresses, blocks, top_tokens, source_block,"
                    + " source_time, blocks_covered, accuracy FROM analytics_daily WHERE "
                    + (chainId == 0 ? "scope = 'GLOBAL' AND chain_id IS NULL" : "scope = 'CHAIN' AND chain_id = ?")
                    + (start != null ? " AND day >= ?" : "") + (end != null ? " AND day <= ?" : "") + " ORDER BY day LIMIT ?";
            ListDailyMetricsResponse.Builder response = ListDailyMetricsResponse.newBuilder();
            try (PreparedStatement st = store.prepare(c, sql)) {
                int i = 1;
                if (chainId != 0) {
                    st.setLong(i++, chainId);
                }
                if (start != null) {
                    st.setObject(i++, start);
                }
                if (end != null) {
                    st.setObject(i++, end);
                }
                st.setInt(i, max + 1);
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        if (response.getDaysCount() == max) {
                            throw new InvalidArgumentException("start_day", "the period holds more than " + max
                                    + " days; narrow start_day/end_day");
                        }
                        DailyMetricsView.Builder view = DailyMetricsView.newBuilder()
                                .setChainId(rs.getLong("chain_id"))
                                .setDay(rs.getObject("day", LocalDate.class).toString())
                                .setTransfers(rs.getLong("transfers"))
                                .setActiveAddresses(rs.getLong("active_addresses"))
                                .setNewAddresses(rs.getLong("new_addresses"))
                                .setBlocks(rs.getLong("blocks"))
                                .setSourceTime(Rows.timestamp(rs, "source_time"))
                                .setBlocksCovered(rs.getLong("blocks_covered"))
                                .setAccuracy(accuracy(rs.getString("accuracy")));
                        optionalLong(rs, "source_block", view::setSourceBlock);
                        view.addAllTopTokens(topTokens(rs.getString("top_tokens"), rs.getLong("chain_id")));
                        response.addDays(view);
                    }
                }
            }
            return response.build();
        });
    }

    /**
     * The stored JSON array [{"token", "transfers", "volume"}] of a chain's day, or [{"chain_id", ...}] of a GLOBAL
     * day whose pairs span chains; volume may be a string or a number.
     */
    private static List<TopTokenView> topTokens(String json, long dayChainId) {
        List<TopTokenView> out = new ArrayList<>();
        if (json == null) {
            return out;
        }
        JsonArray array = JsonParser.parseString(json).getAsJsonArray();
        for (JsonElement element : array) {
            var item = element.getAsJsonObject();
            out.add(TopTokenView.newBuilder()
                    .setChainId(item.has("chain_id") ? item.get("chain_id").getAsLong() : dayChainId)
                    .setToken(item.get("token").getAsString())
                    .setTransfers(item.get("transfers").getAsLong())
                    .setVolume(item.has("volume") && !item.get("volume").isJsonNull()
                            ? new BigDecimal(item.get("volume").getAsString()).toBigIntegerExact().toString() : "")
                    .build());
        }
        return out;
    }

    public ListForecastsResponse listForecasts(ListForecastsRequest request) {
        String metric = request.getMetric().isEmpty() ? null : metric("metric", request.getMetric(), FORECAST_METRICS);
        LocalDate base = day("base_day", request.getBaseDay());
        long chainId = chainOrAll(request.getChainId());
        String scope = chainId == 0 ? "scope = 'GLOBAL' AND chain_id IS NULL" : "scope = 'CHAIN' AND chain_id = ?";
        return store.read(c -> {
            LocalDate baseDay = base;
            if (baseDay == null) {
                try (PreparedStatement st = store.prepare(c, "SELECT max(base_day) FROM analytics_forecasts WHERE " + scope)) {
                    if (chainId != 0) {
                        st.setLong(1, chainId);
                    }
                    try (ResultSet rs = st.executeQuery()) {
                        rs.next();
                        baseDay = rs.getObject(1, LocalDate.class);
                    }
                }
            }
            ListForecastsResponse.Builder response = ListForecastsResponse.newBuilder().setChainId(chainId);
            if (baseDay == null) {
                return response.build();
            }
            response.setBaseDay(baseDay.toString());
            try (PreparedStatement st = store.prepare(c, "SELECT metric, target_day, horizon_days, value, lower, upper, confidence,"
                    + " alpha, beta, sigma, history_days FROM analytics_forecasts WHERE " + scope + " AND base_day = ?"
                    + (metric != null ? " AND metric = ?" : "") + " ORDER BY metric, target_day")) {
                int i = 1;
                if (chainId != 0) {
                    st.setLong(i++, chainId);
                }
                st.setObject(i++, baseDay);
                if (metric != null) {
                    st.setString(i, metric);
                }
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        response.addForecasts(ForecastView.newBuilder()
                                .setMetric(rs.getString("metric"))
                                .setTargetDay(rs.getObject("target_day", LocalDate.class).toString())
                                .setHorizonDays(rs.getInt("horizon_days"))
                                .setValue(rs.getDouble("value"))
                                .setLower(rs.getDouble("lower"))
                                .setUpper(rs.getDouble("upper"))
                                .setConfidence(rs.getDouble("confidence"))
                                .setAlpha(rs.getDouble("alpha"))
                                .setBeta(rs.getDouble("beta"))
                                .setSigma(rs.getDouble("sigma"))
                                .setHistoryDays(rs.getInt("history_days"))
                                .build());
                    }
                }
            }
            return response.build();
        });
    }

    public ListAnomaliesResponse listAnomalies(ListAnomaliesRequest request) {
        int limit = RequestValues.limit("limit", request.getLimit(), config.defaultLimit(), config.maxLimit());
        String token = request.getToken().isEmpty() ? null : RequestValues.token(request.getChainId(), "token", request.getToken());
        String metric = request.getMetric().isEmpty() ? null : metric("metric", request.getMetric(), ANOMALY_METRICS);
        String method = method("method", request.getMethod());
        Severity severity = severity("min_severity", request.getMinSeverity(), true);
        OffsetDateTime from = request.hasStartTime() ? RequestValues.time("start_time", request.getStartTime()) : null;
        OffsetDateTime to = request.hasEndTime() ? RequestValues.time("end_time", request.getEndTime()) : null;
        RequestValues.requireOrdered(from, to);
        byte[] query = TransferCursor.queryDigest("anomalies", request.getChainId(), token, metric, method, severity, from, to);
        KeysetCursor after = request.getCursor().isEmpty() ? null : KeysetCursor.decode("cursor",
                cursors.verify("cursor", request.getCursor()), query, Instant.class, Long.class, String.class, String.class,
                String.class, String.class);
        long chainId = chainOrAll(request.getChainId());
        List<Object> values = new ArrayList<>();
        StringBuilder where = new StringBuilder(severityCondition(severity));
        if (chainId != 0) {
            where.append(" AND chain_id = ?");
            values.add(chainId);
        }
        if (token != null) {
            where.append(" AND token = ?");
            values.add(token);
        }
        if (metric != null) {
            where.append(" AND metric = ?");
            values.add(metric);
        }
        if (method != null) {
            where.append(" AND method = ?");
            values.add(method);
        }
        if (from != null) {
            where.append(" AND window_start >= ?");
            values.add(from);
        }
        if (to != null) {
            where.append(" AND window_start < ?");
            values.add(to);
        }
        if (after != null) {
            where.append(" AND (window_start, chain_id, coalesce(token, ''), metric, method, subject) < (?, ?, ?, ?, ?, ?)");
            values.add(((Instant) after.position().get(0)).atOffset(ZoneOffset.UTC));
            values.addAll(after.position().subList(1, 6));
        }
        String sql = "SELECT " + ANOMALY_COLUMNS + " FROM analytics_anomalies WHERE " + where
                + " ORDER BY window_start DESC, chain_id DESC, coalesce(token, '') DESC, metric DESC, method DESC, subject DESC LIMIT ?";
        return store.read(c -> {
            List<AnomalyView> rows = new ArrayList<>();
            try (PreparedStatement st = store.prepare(c, sql)) {
                int i = TransferQueryService.bind(st, 1, values);
                st.setInt(i, limit + 1);
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        rows.add(anomaly(rs));
                    }
                }
            }
            ListAnomaliesResponse.Builder response = ListAnomaliesResponse.newBuilder();
            if (rows.size() > limit) {
                rows = rows.subList(0, limit);
                AnomalyView last = rows.get(limit - 1);
                response.setNextCursor(cursors.sign(new KeysetCursor(query, List.of(
                        Instant.ofEpochSecond(last.getWindowStart().getSeconds(), last.getWindowStart().getNanos()),
                        last.getChainId(), last.getToken(), last.getMetric(), storedMethod(last.getMethod()), last.getSubject())).encode()));
            }
            return response.addAllAnomalies(rows).build();
        });
    }

    /** The rows a minimum severity selects; WARN and CRITICAL use the partial indexes WHERE severity <> 'none'. */
    static String severityCondition(Severity min) {
        return switch (min) {
            case SEVERITY_NONE -> "true";
            case SEVERITY_CRITICAL -> "severity <> 'none' AND severity = 'critical'";
            default -> "severity <> 'none'";
        };
    }

    /** A requested minimum severity; UNSPECIFIED means WARN. */
    static Severity severity(String parameter, Severity value, boolean allowNone) {
        return switch (value) {
            case SEVERITY_UNSPECIFIED, SEVERITY_WARN -> Severity.SEVERITY_WARN;
            case SEVERITY_CRITICAL -> Severity.SEVERITY_CRITICAL;
            case SEVERITY_NONE -> {
                if (!allowNone) {
                    throw new InvalidArgumentException(parameter, "a live stream carries flagged anomalies only:"
                            + " SEVERITY_WARN or SEVERITY_CRITICAL");
                }
                yield Severity.SEVERITY_NONE;
            }
            default -> throw new InvalidArgumentException(parameter, "unknown severity (SEVERITY_NONE, SEVERITY_WARN, SEVERITY_CRITICAL)");
        };
    }

    private static String method(String parameter, AnomalyMethod method) {
        return switch (method) {
            case ANOMALY_METHOD_UNSPECIFIED -> null;
            case ANOMALY_METHOD_ZSCORE, ANOMALY_METHOD_IQR, ANOMALY_METHOD_P99 -> storedMethod(method);
            default -> throw new InvalidArgumentException(parameter, "unknown method (ANOMALY_METHOD_ZSCORE, _IQR, _P99)");
        };
    }

    private static String storedMethod(AnomalyMethod method) {
        return method.name().substring("ANOMALY_METHOD_".length());
    }

    static AnomalyView anomaly(ResultSet rs) throws SQLException {
        AnomalyView.Builder view = AnomalyView.newBuilder()
                .setChainId(rs.getLong("chain_id"))
                .setToken(Rows.nullToEmpty(rs.getString("token")))
                .setMetric(rs.getString("metric"))
                .setWindowStart(Rows.timestamp(rs, "window_start"))
                .setWindowSeconds(rs.getInt("window_seconds"))
                .setMethod(switch (rs.getString("method")) {
                    case "ZSCORE" -> AnomalyMethod.ANOMALY_METHOD_ZSCORE;
                    case "IQR" -> AnomalyMethod.ANOMALY_METHOD_IQR;
                    case "P99" -> AnomalyMethod.ANOMALY_METHOD_P99;
                    default -> AnomalyMethod.ANOMALY_METHOD_UNSPECIFIED;
                })
                .setSubject(rs.getString("subject"))
                .setValue(rs.getDouble("value"))
                .setBaseline(rs.getDouble("baseline"))
                .setSpread(rs.getDouble("spread"))
                .setScore(rs.getDouble("score"))
                .setThreshold(rs.getDouble("threshold"))
                .setSeverity(switch (rs.getString("severity")) {
                    case "none" -> Severity.SEVERITY_NONE;
                    case "warn" -> Severity.SEVERITY_WARN;
                    case "critical" -> Severity.SEVERITY_CRITICAL;
                    default -> Severity.SEVERITY_UNSPECIFIED;
                })
                .setBaselineWindows(rs.getInt("baseline_windows"));
        double lower = rs.getDouble("lower_fence");
        if (!rs.wasNull()) {
            view.setLowerFence(lower);
        }
        double upper = rs.getDouble("upper_fence");
        if (!rs.wasNull()) {
            view.setUpperFence(upper);
        }
        optionalLong(rs, "block_number", view::setBlockNumber);
        return view.build();
    }

    private static final DateTimeFormatter DAY = DateTimeFormatter.ISO_LOCAL_DATE;

    /** A YYYY-MM-DD day; null when empty. */
    static LocalDate day(String parameter, String value) {
        if (value.isEmpty()) {
            return null;
        }
        try {
            if (!value.matches("[0-9]{4}-[0-9]{2}-[0-9]{2}")) {
                throw new DateTimeParseException("shape", value, 0);
            }
            return LocalDate.parse(value, DAY);
        } catch (DateTimeParseException e) {
            throw new InvalidArgumentException(parameter, "not a day as YYYY-MM-DD: '" + RequestValues.clip(value) + "'");
        }
    }

    private static String metric(String parameter, String value, Set<String> known) {
        String metric = value.toLowerCase(Locale.ROOT);
        if (!known.contains(metric)) {
            throw new InvalidArgumentException(parameter, "unknown metric '" + RequestValues.clip(value) + "' (one of "
                    + known.stream().sorted().toList() + ")");
        }
        return metric;
    }
}
