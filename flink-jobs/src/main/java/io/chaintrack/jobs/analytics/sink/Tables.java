package io.chaintrack.jobs.analytics.sink;

import io.chaintrack.connectors.postgres.copy.CollapsingUpsertSink;
import io.chaintrack.connectors.postgres.copy.UpsertTable;
import io.chaintrack.connectors.postgres.copy.UpsertTable.Column;
import io.chaintrack.jobs.analytics.model.SqlRow;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The analytics tables of migration V10 for {@link CollapsingUpsertSink}, column for column.
 * Invariant: a {@link SqlRow} holds its table's values in this column order.
 */
public final class Tables {
    private Tables() {}

    public static final UpsertTable<SqlRow> TOTALS = table("analytics_totals", List.of("scope", "chain_id", "token"),
            "scope TEXT", "chain_id BIGINT", "token TEXT", "transfers BIGINT", "volume NUMERIC",
            "senders BIGINT", "senders_lower BIGINT", "senders_upper BIGINT", "senders_method TEXT",
            "receivers BIGINT", "receivers_lower BIGINT", "receivers_upper BIGINT", "receivers_method TEXT",
            "holders BIGINT", "first_block BIGINT", "last_block BIGINT", "first_block_time SECONDS",
            "last_block_time SECONDS", "source_block BIGINT", "source_time SECONDS", "blocks_covered BIGINT",
            "accuracy TEXT", "covered_from_block BIGINT", "covered_to_block BIGINT")
            .withGuard("blocks_covered");

    public static final UpsertTable<SqlRow> ANOMALIES = dayPartitioned(table("analytics_anomalies",
            List.of("chain_id", "token", "metric", "window_start", "method", "subject"),
            "chain_id BIGINT", "token TEXT", "metric TEXT", "window_start SECONDS", "window_seconds INTEGER",
            "method TEXT", "subject TEXT", "value DOUBLE PRECISION", "baseline DOUBLE PRECISION",
            "spread DOUBLE PRECISION", "lower_fence DOUBLE PRECISION", "upper_fence DOUBLE PRECISION",
            "score DOUBLE PRECISION", "threshold DOUBLE PRECISION", "severity TEXT", "baseline_windows INTEGER",
            "block_number BIGINT"), "window_start");

    public static final UpsertTable<SqlRow> DAILY = dayPartitioned(table("analytics_daily",
            List.of("scope", "chain_id", "day"),
            "scope TEXT", "chain_id BIGINT", "day DATE", "transfers BIGINT", "active_addresses BIGINT",
            "new_addresses BIGINT", "blocks BIGINT", "top_tokens JSONB", "source_block BIGINT",
            "source_time SECONDS", "blocks_covered BIGINT", "accuracy TEXT")
            .withGuard("blocks_covered"), "day");

    public static final UpsertTable<SqlRow> DAILY_TOKENS = dayPartitioned(table("analytics_daily_tokens",
            List.of("chain_id", "token", "day"),
            "chain_id BIGINT", "token TEXT", "day DATE", "transfers BIGINT", "volume NUMERIC", "blocks_covered BIGINT")
            .withGuard("blocks_covered"), "day");

    public static final UpsertTable<SqlRow> FORECASTS = dayPartitioned(table("analytics_forecasts",
            List.of("scope", "chain_id", "metric", "base_day", "target_day"),
            "scope TEXT", "chain_id BIGINT", "metric TEXT", "base_day DATE", "target_day DATE",
            "horizon_days INTEGER", "value DOUBLE PRECISION", "lower DOUBLE PRECISION", "upper DOUBLE PRECISION",
            "confidence DOUBLE PRECISION", "alpha DOUBLE PRECISION", "beta DOUBLE PRECISION",
            "sigma DOUBLE PRECISION", "history_days INTEGER"), "base_day");

    public static final Map<String, UpsertTable<SqlRow>> ALL = Map.of(
            TOTALS.name(), TOTALS, ANOMALIES.name(), ANOMALIES, DAILY.name(), DAILY,
            DAILY_TOKENS.name(), DAILY_TOKENS, FORECASTS.name(), FORECASTS);

    public static UpsertTable<SqlRow> of(String table) {
        UpsertTable<SqlRow> t = ALL.get(table);
        if (t == null) {
            throw new IllegalArgumentException("not an analytics table: " + table);
        }
        return t;
    }

    /** @param columns "name TYPE", TYPE a PostgreSQL type or SECONDS (staged as epoch seconds, stored as TIMESTAMPTZ) */
    private static UpsertTable<SqlRow> table(String name, List<String> key, String... columns) {
        List<Column> staged = new ArrayList<>();
        Map<String, String> select = new HashMap<>();
        for (String c : columns) {
            String column = c.substring(0, c.indexOf(' '));
            String type = c.substring(column.length() + 1);
            if (type.equals("SECONDS")) {
                type = "BIGINT";
                select.put(column, "to_timestamp(s." + column + ")");
            }
            staged.add(new Column(column, type));
        }
        List<String> names = staged.stream().map(Column::name).toList();
        int[] keys = key.stream().mapToInt(names::indexOf).toArray();
        return UpsertTable.<SqlRow>of(name, staged, key, row -> Arrays.asList(Arrays.stream(keys).mapToObj(row::get).toArray()),
                        (row, out) -> {
                            if (row.size() != staged.size()) {
                                throw new IllegalArgumentException(name + " row has " + row.size() + " values for "
                                        + staged.size() + " columns: " + row);
                            }
                            for (int i = 0; i < row.size(); i++) {
                                out.addValue(row.get(i));
                            }
                        })
                .withExpressions(select, Map.of());
    }

    private static UpsertTable<SqlRow> dayPartitioned(UpsertTable<SqlRow> table, String column) {
        int i = table.index(column);
        return table.withDayPartitions(row -> row.get(i) instanceof LocalDate d ? d
                : LocalDate.ofEpochDay(Math.floorDiv((Long) row.get(i), 86_400L)));
    }
}
