package io.chaintrack.jobs.analytics.sink;

import io.chaintrack.jobs.analytics.model.SqlRow;
import java.io.IOException;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.metrics.Counter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes analytics rows as idempotent upserts on their natural keys. Rows are buffered and only the
 * newest row per key is written, in one transaction per flush; Flink flushes before every checkpoint,
 * so a completed checkpoint means every row before it is committed (exactly-once results with replays).
 * Day-partitioned tables get their partitions created on demand; rows of days already outside the
 * retention are skipped, and the first subtask drops expired partitions whenever the newest day advances.
 */
public final class UpsertSink implements Sink<SqlRow> {
    private static final long serialVersionUID = 1L;

    private final JdbcTarget target;
    private final int maxBufferedRows;
    private final int retentionDays;

    public UpsertSink(JdbcTarget target, int maxBufferedRows, int retentionDays) {
        this.target = target;
        this.maxBufferedRows = maxBufferedRows;
        this.retentionDays = retentionDays;
    }

    @Override
    public SinkWriter<SqlRow> createWriter(WriterInitContext context) throws IOException {
        Counter written = context.metricGroup().counter("rowsWritten");
        return new Writer(target, maxBufferedRows, retentionDays, context.getTaskInfo().getIndexOfThisSubtask() == 0, written);
    }

    /** A writer outside a Flink job (maintenance tools, tests); dropsPartitions as the first subtask does. */
    public static SinkWriter<SqlRow> standaloneWriter(JdbcTarget target, int maxBufferedRows, int retentionDays) {
        return new Writer(target, maxBufferedRows, retentionDays, true, new org.apache.flink.metrics.SimpleCounter());
    }

    static final class Writer implements SinkWriter<SqlRow> {
        private static final Logger LOG = LoggerFactory.getLogger(UpsertSink.class);
        /** "no partition of relation … found for row" */
        private static final String NO_PARTITION = "23514";

        private final JdbcTarget target;
        private final int maxBufferedRows;
        private final int retentionDays;
        private final boolean dropsPartitions;
        private final Counter written;
        private final Map<String, LinkedHashMap<List<Object>, SqlRow>> buffer = new HashMap<>();
        private final Map<String, Set<LocalDate>> knownPartitions = new HashMap<>();
        private int buffered;
        private LocalDate newestDay;
        private LocalDate droppedFor;
        private Connection connection;

        Writer(JdbcTarget target, int maxBufferedRows, int retentionDays, boolean dropsPartitions, Counter written) {
            this.target = target;
            this.maxBufferedRows = maxBufferedRows;
            this.retentionDays = retentionDays;
            this.dropsPartitions = dropsPartitions;
            this.written = written;
        }

        @Override
        public void write(SqlRow row, Context context) throws IOException {
            TableSpec spec = Tables.of(row.table());
            int[] keys = spec.keyIndexes();
            Object[] key = new Object[keys.length];
            for (int i = 0; i < keys.length; i++) {
                key[i] = row.get(keys[i]);
            }
            SqlRow previous = buffer.computeIfAbsent(spec.name(), t -> new LinkedHashMap<>()).put(Arrays.asList(key), row);
            if (previous == null) {
                buffered++;
            }
            if (buffered >= maxBufferedRows) {
                flush(false);
            }
        }

        @Override
        public void flush(boolean endOfInput) throws IOException {
            if (buffered == 0) {
                return;
            }
            try {
                try {
                    writeAll();
                } catch (SQLException e) {
                    if (!NO_PARTITION.equals(e.getSQLState())) {
                        throw e;
                    }
                    // another subtask's retention step dropped a partition this one had cached: recreate and retry once
                    LOG.info("a day partition went away under the sink ({}); recreating it", e.getMessage());
                    connection.rollback();
                    knownPartitions.clear();
                    writeAll();
                }
                dropExpiredPartitions();
                buffer.values().forEach(Map::clear);
                buffered = 0;
            } catch (SQLException e) {
                closeQuietly();
                throw new IOException("writing analytics rows failed (the job restarts from its last checkpoint and rewrites them)", e);
            }
        }

        private void writeAll() throws SQLException {
            if (connection == null || !connection.isValid(5)) {
                connection = target.connect();
            }
            for (Map.Entry<String, LinkedHashMap<List<Object>, SqlRow>> e : buffer.entrySet()) {
                if (!e.getValue().isEmpty()) {
                    writeTable(Tables.of(e.getKey()), e.getValue().values());
                }
            }
            connection.commit();
        }

        private void writeTable(TableSpec spec, Iterable<SqlRow> rows) throws SQLException {
            List<SqlRow> toWrite = new ArrayList<>();
            if (spec.partitionColumn() != null) {
                int dayIndex = spec.index(spec.partitionColumn());
                TreeSet<LocalDate> days = new TreeSet<>();
                for (SqlRow r : rows) {
                    LocalDate day = dayOf(r.get(dayIndex));
                    if (newestDay == null || day.isAfter(newestDay)) {
                        newestDay = day;
                    }
                }
                LocalDate oldestKept = retentionDays > 0 ? newestDay.minusDays(retentionDays - 1L) : LocalDate.MIN;
                for (SqlRow r : rows) {
                    LocalDate day = dayOf(r.get(dayIndex));
                    if (!day.isBefore(oldestKept)) {
                        toWrite.add(r);
                        days.add(day);
                    }
                }
                ensurePartitions(spec.name(), days);
            } else {
                rows.forEach(toWrite::add);
            }
            if (toWrite.isEmpty()) {
                return;
            }
            try (PreparedStatement ps = connection.prepareStatement(spec.upsertSql())) {
                for (SqlRow r : toWrite) {
                    bind(ps, spec, r);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            written.inc(toWrite.size());
        }

        private static LocalDate dayOf(Object v) {
            if (v instanceof LocalDate d) {
                return d;
            }
            return LocalDate.ofEpochDay(Math.floorDiv((Long) v, 86_400L));
        }

        private void ensurePartitions(String table, TreeSet<LocalDate> days) throws SQLException {
            Set<LocalDate> known = knownPartitions.computeIfAbsent(table, t -> new HashSet<>());
            List<LocalDate> missing = days.stream().filter(d -> !known.contains(d)).toList();
            if (missing.isEmpty()) {
                return;
            }
            try (PreparedStatement ps = connection.prepareStatement("SELECT chaintrack_ensure_day_partitions(?, ?, ?)")) {
                ps.setString(1, table);
                ps.setDate(2, Date.valueOf(missing.get(0)));
                ps.setDate(3, Date.valueOf(missing.get(missing.size() - 1)));
                ps.execute();
            }
            known.addAll(missing);
        }

        private void dropExpiredPartitions() throws SQLException {
            if (!dropsPartitions || retentionDays <= 0 || newestDay == null || newestDay.equals(droppedFor)) {
                return;
            }
            try (PreparedStatement ps = connection.prepareStatement("SELECT chaintrack_drop_old_partitions(?, ?)")) {
                ps.setInt(1, retentionDays);
                ps.setDate(2, Date.valueOf(newestDay));
                ps.execute();
            }
            connection.commit();
            droppedFor = newestDay;
            LocalDate oldestKept = newestDay.minusDays(retentionDays - 1L);
            knownPartitions.values().forEach(s -> s.removeIf(d -> d.isBefore(oldestKept)));
        }

        static void bind(PreparedStatement ps, TableSpec spec, SqlRow r) throws SQLException {
            List<TableSpec.Column> cols = spec.columns();
            if (r.size() != cols.size()) {
                throw new IllegalArgumentException(spec.name() + " row has " + r.size() + " values for " + cols.size() + " columns: " + r);
            }
            for (int i = 0; i < cols.size(); i++) {
                Object v = r.get(i);
                int p = i + 1;
                switch (cols.get(i).type()) {
                    case BIGINT, EPOCH_SECONDS -> {
                        if (v == null) ps.setNull(p, Types.BIGINT); else ps.setLong(p, ((Number) v).longValue());
                    }
                    case INT -> {
                        if (v == null) ps.setNull(p, Types.INTEGER); else ps.setInt(p, ((Number) v).intValue());
                    }
                    case DOUBLE -> {
                        if (v == null) ps.setNull(p, Types.DOUBLE); else ps.setDouble(p, (Double) v);
                    }
                    case BOOL -> {
                        if (v == null) ps.setNull(p, Types.BOOLEAN); else ps.setBoolean(p, (Boolean) v);
                    }
                    case NUMERIC -> {
                        if (v == null) ps.setNull(p, Types.VARCHAR); else ps.setString(p, ((BigInteger) v).toString());
                    }
                    case DATE -> {
                        if (v == null) ps.setNull(p, Types.DATE); else ps.setDate(p, Date.valueOf((LocalDate) v));
                    }
                    case TEXT, JSONB -> {
                        if (v == null) ps.setNull(p, Types.VARCHAR); else ps.setString(p, (String) v);
                    }
                }
            }
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
        public void close() throws Exception {
            closeQuietly();
        }
    }
}
