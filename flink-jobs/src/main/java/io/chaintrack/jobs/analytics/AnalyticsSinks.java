package io.chaintrack.jobs.analytics;

import io.chaintrack.jobs.analytics.model.SqlRow;
import io.chaintrack.jobs.analytics.sink.JdbcTarget;
import io.chaintrack.jobs.analytics.sink.UpsertSink;
import java.io.Serializable;
import org.apache.flink.api.connector.sink2.Sink;

/**
 * Where each analytics operator's rows go. One sink per producing operator, attached with the
 * operator's parallelism so every natural key is written by exactly one sink subtask, in order.
 */
public interface AnalyticsSinks extends Serializable {
    /** @param producer the uid of the operator whose rows this sink receives */
    Sink<SqlRow> rows(String producer);

    /** Idempotent upserts into PostgreSQL. */
    static AnalyticsSinks jdbc(JdbcTarget target, int maxBufferedRows, int retentionDays) {
        return producer -> new UpsertSink(target, maxBufferedRows, retentionDays);
    }
}
