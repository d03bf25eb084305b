package io.chaintrack.connectors.postgres.copy;

import io.chaintrack.connectors.postgres.PostgresSinkOptions;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.SimpleCounter;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mini-batch upsert sink: between flushes it keeps only the newest full-value row per natural key, then writes
 * the batch with one COPY into a session temp table and one INSERT … SELECT … ON CONFLICT DO UPDATE, in one
 * transaction. Flushes at {@code batchSize} distinct keys, every {@code batchInterval}, at end of input and
 * before every checkpoint barrier (Flink calls {@link SinkWriter#flush} then), so a completed checkpoint means every
 * row before it is committed; after a failure the rows since that checkpoint are replayed and converge, because
 * each write is an idempotent full-value upsert and the caller keys the stream by the table's key (rows of one
 * key reach one subtask in order).
 */
public final class CollapsingUpsertSink<T> implements Sink<T> {
    private static final long serialVersionUID = 1L;
    public static final String ROWS_WRITTEN = "rowsWritten";
    public static final String ROWS_COLLAPSED = "rowsCollapsed";

    private final UpsertTable<T> table;
    private final PostgresSinkOptions options;

    public CollapsingUpsertSink(UpsertTable<T> table, PostgresSinkOptions options) {
        this.table = table;
        this.options = options;
    }

    @Override
    public SinkWriter<T> createWriter(WriterInitContext context) throws IOException {
        return new Writer<>(table, options, context.getProcessingTimeService(),
                context.metricGroup().counter(ROWS_WRITTEN), context.metricGroup().counter(ROWS_COLLAPSED));
    }

    /** A writer without time-based flushes, outside a Flink job (benchmarks, tests). */
    public static <T> Writer<T> standaloneWriter(UpsertTable<T> table, PostgresSinkOptions options) {
        return new Writer<>(table, options, null, new SimpleCounter(), new SimpleCounter());
    }

    public static final class Writer<T> implements SinkWriter<T> {
        private static final Logger LOG = LoggerFactory.getLogger(CollapsingUpsertSink.class);
        private static final int COPY_CHUNK_CHARS = 1 << 20;

        private final UpsertTable<T> table;
        private final PostgresSinkOptions options;
        private final ProcessingTimeService time;
        private final Counter written;
        private final Counter collapsed;
        private final Retry retry;
        private final String upsertSql;
        private final String copySql;
        private final Map<Object, T> buffer = new HashMap<>();
        private final CopyText text = new CopyText();
        private Connection connection;
        private long lastFlushMs;

        Writer(UpsertTable<T> table, PostgresSinkOptions options, ProcessingTimeService time, Counter written,
               Counter collapsed) {
            this.table = table;
            this.options = options;
            this.time = time;
            this.written = written;
            this.collapsed = collapsed;
            this.upsertSql = table.upsertSql();
            this.copySql = table.copySql();
            this.retry = Retry.of("upsert-" + table.name(), RetryConfig.custom()
                    .maxAttempts(options.maxRetries() + 1)
                    .waitDuration(Duration.ofMillis(200))
                    .retryExceptions(SQLException.class)
                    .build());
            if (time != null && !options.batchInterval().isZero()) {
                lastFlushMs = time.getCurrentProcessingTime();
                scheduleTimer();
            }
        }

        private void scheduleTimer() {
            time.registerTimer(time.getCurrentProcessingTime() + options.batchInterval().toMillis(), now -> {
                if (now - lastFlushMs >= options.batchInterval().toMillis()) {
                    flush(false);
                }
                scheduleTimer();
            });
        }

        @Override
        public void write(T row, Context context) throws IOException {
            Object key = table.keyOf(row);
            T previous = buffer.get(key);
            if (previous != null) {
                collapsed.inc();
            }
            buffer.put(key, previous == null ? row : table.merge(previous, row));
            if (buffer.size() >= options.batchSize()) {
                flush(false);
            }
        }

        /** Rows waiting for the next flush (distinct keys). */
        public int buffered() {
            return buffer.size();
        }

        @Override
        public void flush(boolean endOfInput) throws IOException {
            if (time != null) {
                lastFlushMs = time.getCurrentProcessingTime();
            }
            if (buffer.isEmpty()) {
                return;
            }
            try {
                retry.executeCheckedSupplier(() -> {
                    writeBatch();
                    return null;
                });
            } catch (Throwable e) {
                closeQuietly();
                throw new IOException("writing " + buffer.size() + " rows to " + table.name() + " failed after "
                        + (options.maxRetries() + 1) + " attempts (the job restarts from its last checkpoint and rewrites them)", e);
            }
            written.inc(buffer.size());
            buffer.clear();
        }

        private void writeBatch() throws SQLException {
            try {
                Connection c = connection();
                CopyIn copy = c.unwrap(PGConnection.class).getCopyAPI().copyIn(copySql);
                try {
                    text.clear();
                    for (T row : buffer.values()) {
                        table.encode(row, text);
                        if (text.length() >= COPY_CHUNK_CHARS) {
                            writeChunk(copy);
                        }
                    }
                    writeChunk(copy);
                    copy.endCopy();
                } finally {
                    if (copy.isActive()) {
                        copy.cancelCopy();
                    }
                }
                try (Statement s = c.createStatement()) {
                    s.executeUpdate(upsertSql);
                }
                c.commit();
            } catch (SQLException e) {
                LOG.warn("upsert of {} rows into {} failed: {}", buffer.size(), table.name(), e.getMessage());
                closeQuietly();
                throw e;
            } finally {
                text.clear();
            }
        }

        private void writeChunk(CopyIn copy) throws SQLException {
            if (text.length() > 0) {
                copy.writeToCopy(text.buffer(), 0, text.length());
                text.clear();
            }
        }

        private Connection connection() throws SQLException {
            if (connection == null) {
                Properties p = new Properties();
                p.setProperty("user", options.user());
                p.setProperty("password", options.password());
                p.setProperty("ApplicationName", "chaintrack-sink-" + table.name());
                Connection c = DriverManager.getConnection(options.jdbcUrl(), p);
                c.setAutoCommit(false);
                try (Statement s = c.createStatement()) {
                    s.execute(table.createStagingSql());
                }
                c.commit();
                connection = c;
            }
            return connection;
        }

        private void closeQuietly() {
            if (connection != null) {
                try {
                    connection.close();
                } catch (SQLException e) {
                    LOG.debug("closing a failed connection", e);
                }
                connection = null;
            }
        }

        @Override
        public void close() {
            closeQuietly();
        }
    }

}
