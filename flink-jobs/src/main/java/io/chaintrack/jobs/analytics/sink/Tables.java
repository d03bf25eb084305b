package io.chaintrack.jobs.analytics.sink;

import static io.chaintrack.jobs.analytics.sink.TableSpec.col;

import io.chaintrack.jobs.analytics.sink.TableSpec.Type;
import java.util.List;
import java.util.Map;

/** The analytics tables of migration V10, column for column; rows are built in this order. */
public final class Tables {
    private Tables() {}

    public static final TableSpec TOTALS = new TableSpec("analytics_totals", List.of(
            col("scope", Type.TEXT), col("chain_id", Type.BIGINT), col("token", Type.TEXT),
            col("transfers", Type.BIGINT), col("volume", Type.NUMERIC),
            col("senders", Type.BIGINT), col("senders_lower", Type.BIGINT), col("senders_upper", Type.BIGINT), col("senders_method", Type.TEXT),
            col("receivers", Type.BIGINT), col("receivers_lower", Type.BIGINT), col("receivers_upper", Type.BIGINT), col("receivers_method", Type.TEXT),
            col("holders", Type.BIGINT),
            col("first_block", Type.BIGINT), col("last_block", Type.BIGINT),
            col("first_block_time", Type.EPOCH_SECONDS), col("last_block_time", Type.EPOCH_SECONDS),
            col("source_block", Type.BIGINT), col("source_time", Type.EPOCH_SECONDS), col("blocks_covered", Type.BIGINT),
            col("accuracy", Type.TEXT), col("covered_from_block", Type.BIGINT), col("covered_to_block", Type.BIGINT)),
            List.of("scope", "chain_id", "token"), "blocks_covered", null);

    public static final TableSpec ANOMALIES = new TableSpec("analytics_anomalies", List.of(
            col("chain_id", Type.BIGINT), col("token", Type.TEXT), col("metric", Type.TEXT),
            col("window_start", Type.EPOCH_SECONDS), col("window_seconds", Type.INT), col("method", Type.TEXT), col("subject", Type.TEXT),
            col("value", Type.DOUBLE), col("baseline", Type.DOUBLE), col("spread", Type.DOUBLE),
            col("lower_fence", Type.DOUBLE), col("upper_fence", Type.DOUBLE),
            col("score", Type.DOUBLE), col("threshold", Type.DOUBLE), col("severity", Type.TEXT),
            col("baseline_windows", Type.INT), col("block_number", Type.BIGINT)),
            List.of("chain_id", "token", "metric", "window_start", "method", "subject"), null, "window_start");

    public static final TableSpec DAILY = new TableSpec("analytics_daily", List.of(
            col("scope", Type.TEXT), col("chain_id", Type.BIGINT), col("day", Type.DATE),
            col("transfers", Type.BIGINT), col("active_addresses", Type.BIGINT), col("new_addresses", Type.BIGINT),
            col("blocks", Type.BIGINT), col("top_tokens", Type.JSONB),
            col("source_block", Type.BIGINT), col("source_time", Type.EPOCH_SECONDS), col("blocks_covered", Type.BIGINT),
            col("accuracy", Type.TEXT)),
            List.of("scope", "chain_id", "day"), "blocks_covered", "day");

    public static final TableSpec DAILY_TOKENS = new TableSpec("analytics_daily_tokens", List.of(
            col("chain_id", Type.BIGINT), col("token", Type.TEXT), col("day", Type.DATE),
            col("transfers", Type.BIGINT), col("volume", Type.NUMERIC), col("blocks_covered", Type.BIGINT)),
            List.of("chain_id", "token", "day"), "blocks_covered", "day");

    public static final TableSpec FORECASTS = new TableSpec("analytics_forecasts", List.of(
            col("scope", Type.TEXT), col("chain_id", Type.BIGINT), col("metric", Type.TEXT),
            col("base_day", Type.DATE), col("target_day", Type.DATE), col("horizon_days", Type.INT),
            col("value", Type.DOUBLE), col("lower", Type.DOUBLE), col("upper", Type.DOUBLE), col("confidence", Type.DOUBLE),
            col("alpha", Type.DOUBLE), col("beta", Type.DOUBLE), col("sigma", Type.DOUBLE), col("history_days", Type.INT)),
            List.of("scope", "chain_id", "metric", "base_day", "target_day"), null, "base_day");

    public static final Map<String, TableSpec> ALL = Map.of(
            TOTALS.name(), TOTALS, ANOMALIES.name(), ANOMALIES, DAILY.name(), DAILY,
            DAILY_TOKENS.name(), DAILY_TOKENS, FORECASTS.name(), FORECASTS);

    public static TableSpec of(String table) {
        TableSpec spec = ALL.get(table);
        if (spec == null) {
            throw new IllegalArgumentException("not an analytics table: " + table);
        }
        return spec;
    }
}
