package io.chaintrack.jobs.analytics;

import io.chaintrack.connectors.postgres.PostgresSinkOptions;
import io.chaintrack.connectors.postgres.copy.CollapsingUpsertSink;
import io.chaintrack.jobs.analytics.model.SqlRow;
import io.chaintrack.jobs.analytics.sink.Tables;
import java.io.Serializable;
import org.apache.flink.api.connector.sink2.Sink;

/**
 * Where each analytics operator's rows go. One sink per producing operator, attached with the
 * operator's parallelism so every natural key is written by exactly one sink subtask, in order.
 */
public interface AnalyticsSinks extends Serializable {
    /** @param producer the uid of the operator whose rows this sink receives */
    Sink<SqlRow> rows(String producer);

    /** Idempotent upserts into PostgreSQL, flushed on checkpoints and at {@code options}' batch size. */
    static AnalyticsSinks postgres(PostgresSinkOptions options, int retentionDays) {
        return producer -> new CollapsingUpsertSink<>(producer, row -> Tables.of(row.table()), options, retentionDays);
    }
}
