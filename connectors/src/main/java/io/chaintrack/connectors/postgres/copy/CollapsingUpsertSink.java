package io.chaintrack.connectors.postgres.copy;

import io.chaintrack.connectors.postgres.PostgresSinkOptions;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.io.IOException;
import java.io.Serializable;
import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
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
 * The one PostgreSQL sink: per flush, the collapsed row of each key of each {@link UpsertTable}, COPY-staged and upserted
 * in one transaction. Invariant: it flushes before every checkpoint barrier, so a completed checkpoint is committed.
 */
public final class CollapsingUpsertSink<T> implements Sink<T> {
    private static final long serialVersionUID = 1L;
    public static final String ROWS_WRITTEN = "rowsWritten";
    public static final String ROWS_COLLAPSED = "rowsCollapsed";

    /** Which of the sink's tables a row goes to. */
    @FunctionalInterface
    public interface Route<T> extends Serializable {
        UpsertTable<T> tableOf(T row);
    }

    /**
     * With time-based flushes on (a non-zero batch interval), buffered rows are also written once no row has arrived
     * for this long (ms; 0 turns it off): at head each block is written within a few tens of ms, while a backlog,
     * which never pauses that long, still batches by size, interval and checkpoint.
     */
    public static final long IDLE_FLUSH_MS = Long.getLong("chaintrack.sink.idle-flush-ms", 25L);

    private final String name;
    private final Route<T> route;
    private final PostgresSinkOptions options;
    private final int retentionDays;

    // Also flushes at batchSize distinct keys, every batchInterval (zero: never on time), after IDLE_FLUSH_MS without
    // input (when batchInterval is not zero) and at end of input. Replays
    // since the last checkpoint converge: writes are full-value upserts and the caller delivers all rows of one key
    // to one subtask, in order.
    public CollapsingUpsertSink(UpsertTable<T> table, PostgresSinkOptions options) {
        this(table.name(), row -> table, options, 0);
    }

    /**
     * @param retentionDays days kept in day-partitioned tables, ending at the newest day written (older rows are
     *                      skipped, and subtask 0 drops older partitions when that day advances); 0 keeps all
     */
    public CollapsingUpsertSink(String name, Route<T> route, PostgresSinkOptions options, int retentionDays) {
        this.name = name;
        this.route = route;
        this.options = options;
        this.retentionDays = retentionDays;
    }

    @Override
    public SinkWriter<T> createWriter(WriterInitContext context) throws IOException {
        return new Writer<>(this, context.getProcessingTimeService(), context.getTaskInfo().getIndexOfThisSubtask() == 0,
                context.metricGroup().counter(ROWS_WRITTEN), context.metricGroup().counter(ROWS_COLLAPSED));
    }

    /** A writer without time-based flushes, outside a Flink job (benchmarks, tests); drops partitions as subtask 0. */
    public static <T> Writer<T> standaloneWriter(UpsertTable<T> table, PostgresSinkOptions options) {
        return new CollapsingUpsertSink<>(table, options).standaloneWriter();
    }

    public Writer<T> standaloneWriter() {
        return new Writer<>(this, null, true, new SimpleCounter(), new SimpleCounter());
    }

    public static final class Writer<T> implements SinkWriter<T> {
        private static final Logger LOG = LoggerFactory.getLogger(CollapsingUpsertSink.class);
        private static final int COPY_CHUNK_CHARS = 1 << 20;

        private final CollapsingUpsertSink<T> sink;
        private final PostgresSinkOptions options;
        private final ProcessingTimeService time;
        private final boolean dropsPartitions;
        private final Counter written;
        private final Counter collapsed;
        private final Retry retry;
        private final Map<UpsertTable<T>, Map<Object, T>> buffer = new LinkedHashMap<>();
        private final Set<String> staged = new HashSet<>();
        private final Map<String, Set<LocalDate>> knownPartitions = new HashMap<>();
        private final CopyText text = new CopyText();
        private int buffered;
        private LocalDate newestDay;
        private LocalDate droppedFor;
        private Connection connection;
        private long lastFlushMs;
        private long lastWriteMs;

        Writer(CollapsingUpsertSink<T> sink, ProcessingTimeService time, boolean dropsPartitions, Counter written,
               Counter collapsed) {
            this.sink = sink;
            this.options = sink.options;
            this.time = time;
            this.dropsPartitions = dropsPartitions;
            this.written = written;
            this.collapsed = collapsed;
            this.retry = Retry.of("upsert-" + sink.name, RetryConfig.custom()
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
            long interval = options.batchInterval().toMillis();
            long tick = IDLE_FLUSH_MS > 0 ? Math.min(IDLE_FLUSH_MS, interval) : interval;
            time.registerTimer(time.getCurrentProcessingTime() + tick, now -> {
                if (now - lastFlushMs >= interval || idle(now)) {
                    flush(false);
                }
                scheduleTimer();
            });
        }

        /** At head rows come in bursts (one block) and then nothing: write them as soon as the burst is over. */
        private boolean idle(long now) {
            return IDLE_FLUSH_MS > 0 && buffered > 0 && now - lastWriteMs >= IDLE_FLUSH_MS;
        }

        @Override
        public void write(T row, Context context) throws IOException {
            if (time != null) {
                lastWriteMs = time.getCurrentProcessingTime();
            }
            UpsertTable<T> table = sink.route.tableOf(row);
            Map<Object, T> rows = buffer.computeIfAbsent(table, t -> new HashMap<>());
            Object key = table.keyOf(row);
            T previous = rows.get(key);
            if (previous != null) {
                collapsed.inc();
            } else {
                buffered++;
            }
            rows.put(key, previous == null ? row : table.merge(previous, row));
            if (buffered >= options.batchSize()) {
                flush(false);
            }
        }

        /** Rows waiting for the next flush (distinct keys). */
        public int buffered() {
            return buffered;
        }

        @Override
        public void flush(boolean endOfInput) throws IOException {
            if (time != null) {
                lastFlushMs = time.getCurrentProcessingTime();
            }
            if (buffered == 0) {
                return;
            }
            long rows;
            try {
                rows = retry.executeCheckedSupplier(this::writeBatch);
            } catch (Throwable e) {
                closeQuietly();
                throw new IOException("writing " + buffered + " rows to " + sink.name + " failed after "
                        + (options.maxRetries() + 1) + " attempts (the job restarts from its last checkpoint and rewrites them)", e);
            }
            written.inc(rows);
            buffer.values().forEach(Map::clear);
            buffered = 0;
        }

        private long writeBatch() throws SQLException {
            long rows = 0;
            try {
                Connection c = connection();
                for (Map.Entry<UpsertTable<T>, Map<Object, T>> e : buffer.entrySet()) {
                    rows += writeTable(c, e.getKey(), retained(e.getKey(), e.getValue().values()));
                }
                c.commit();
                dropExpiredPartitions(c);
                return rows;
            } catch (SQLException e) {
                LOG.warn("upsert of {} rows into {} failed: {}", buffered, sink.name, e.getMessage());
                // partitions made in the failed transaction are gone, and another subtask may have dropped cached ones
                knownPartitions.clear();
                closeQuietly();
                throw e;
            } finally {
                text.clear();
            }
        }

        private long writeTable(Connection c, UpsertTable<T> table, List<T> rows) throws SQLException {
            if (rows.isEmpty()) {
                return 0;
            }
            ensurePartitions(c, table, rows);
            if (staged.add(table.name())) {
                try (Statement s = c.createStatement()) {
                    s.execute(table.createStagingSql());
                }
            }
            CopyIn copy = c.unwrap(PGConnection.class).getCopyAPI().copyIn(table.copySql());
            try {
                text.clear();
                for (T row : rows) {
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
                s.executeUpdate(table.upsertSql());
                if (table.hasDeletes()) {
                    s.executeUpdate(table.deleteSql());
                }
            }
            return rows.size();
        }

        private void writeChunk(CopyIn copy) throws SQLException {
            if (text.length() > 0) {
                copy.writeToCopy(text.buffer(), 0, text.length());
                text.clear();
            }
        }

        /** The rows of days still inside the retention, as of the newest day this writer has seen. */
        private List<T> retained(UpsertTable<T> table, Iterable<T> rows) {
            List<T> kept = new ArrayList<>();
            if (!table.dayPartitioned()) {
                rows.forEach(kept::add);
                return kept;
            }
            for (T r : rows) {
                LocalDate day = table.dayOf(r);
                if (newestDay == null || day.isAfter(newestDay)) {
                    newestDay = day;
                }
            }
            LocalDate oldestKept = sink.retentionDays > 0 ? newestDay.minusDays(sink.retentionDays - 1L) : LocalDate.MIN;
            for (T r : rows) {
                if (!table.dayOf(r).isBefore(oldestKept)) {
                    kept.add(r);
                }
            }
            return kept;
        }

        private void ensurePartitions(Connection c, UpsertTable<T> table, List<T> rows) throws SQLException {
            if (!table.dayPartitioned()) {
                return;
            }
            Set<LocalDate> known = knownPartitions.computeIfAbsent(table.name(), t -> new HashSet<>());
            TreeSet<LocalDate> missing = new TreeSet<>();
            for (T r : rows) {
                LocalDate day = table.dayOf(r);
                if (!known.contains(day)) {
                    missing.add(day);
                }
            }
            if (missing.isEmpty()) {
                return;
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT chaintrack_ensure_day_partitions(?, ?, ?)")) {
                ps.setString(1, table.name());
                ps.setDate(2, Date.valueOf(missing.first()));
                ps.setDate(3, Date.valueOf(missing.last()));
                ps.execute();
            }
            known.addAll(missing);
        }

        private void dropExpiredPartitions(Connection c) throws SQLException {
            int days = sink.retentionDays;
            if (!dropsPartitions || days <= 0 || newestDay == null || newestDay.equals(droppedFor)) {
                return;
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT chaintrack_drop_old_partitions(?, ?)")) {
                ps.setInt(1, days);
                ps.setDate(2, Date.valueOf(newestDay));
                ps.execute();
            }
            c.commit();
            droppedFor = newestDay;
            LocalDate oldestKept = newestDay.minusDays(days - 1L);
            knownPartitions.values().forEach(s -> s.removeIf(d -> d.isBefore(oldestKept)));
        }

        private Connection connection() throws SQLException {
            if (connection == null) {
                connection = options.connect("chaintrack-sink-" + sink.name);
                staged.clear();
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
