package io.chaintrack.connectors.postgres.copy;

import java.io.Serializable;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * One table as {@link CollapsingUpsertSink} writes it: staged columns, natural key, encoding, collapse and upsert rules.
 * Invariant: every row is the key's full value, so writing only the collapsed row gives the same table.
 */
public final class UpsertTable<T> implements Serializable {
    private static final long serialVersionUID = 1L;

    /** A column of the staging table, with the SQL type COPY parses its text as. */
    public record Column(String name, String sqlType) implements Serializable {}

    @FunctionalInterface
    public interface Encoder<T> extends Serializable {
        void encode(T row, CopyText out);
    }

    @FunctionalInterface
    public interface KeyOf<T> extends Serializable {
        /** The natural key; equal keys in Java must be equal keys in PostgreSQL. */
        Object key(T row);
    }

    @FunctionalInterface
    public interface Merge<T> extends Serializable {
        /** The one row to write for a key that received {@code older} then {@code newer} since the last flush. */
        T merge(T older, T newer);
    }

    @FunctionalInterface
    public interface DayOf<T> extends Serializable {
        /** The day partition a row belongs to. */
        LocalDate day(T row);
    }

    @FunctionalInterface
    public interface DeleteIf<T> extends Serializable {
        /** Whether this row is a tombstone: its key's stored row is deleted instead of upserted. */
        boolean delete(T row);
    }

    /** The staged flag of a tombstone row (only in tables {@link #withDeletes} made). */
    public static final String DELETE_COLUMN = "chaintrack_delete";

    private final String name;
    private final List<Column> columns;
    private final List<String> key;
    private final KeyOf<T> keyOf;
    private final Encoder<T> encoder;
    private final Merge<T> merge;
    private final Map<String, String> selectExpressions;
    private final Map<String, String> updateExpressions;
    private final String guard;
    private final DayOf<T> dayOf;
    private final DeleteIf<T> deleteIf;

    private UpsertTable(String name, List<Column> columns, List<String> key, KeyOf<T> keyOf, Encoder<T> encoder,
                        Merge<T> merge, Map<String, String> selectExpressions, Map<String, String> updateExpressions,
                        String guard, DayOf<T> dayOf) {
        this(name, columns, key, keyOf, encoder, merge, selectExpressions, updateExpressions, guard, dayOf, null);
    }

    private UpsertTable(String name, List<Column> columns, List<String> key, KeyOf<T> keyOf, Encoder<T> encoder,
                        Merge<T> merge, Map<String, String> selectExpressions, Map<String, String> updateExpressions,
                        String guard, DayOf<T> dayOf, DeleteIf<T> deleteIf) {
        this.name = Objects.requireNonNull(name, "name");
        this.columns = List.copyOf(columns);
        this.key = List.copyOf(key);
        this.keyOf = Objects.requireNonNull(keyOf, "keyOf");
        this.encoder = Objects.requireNonNull(encoder, "encoder");
        this.merge = Objects.requireNonNull(merge, "merge");
        this.selectExpressions = Map.copyOf(selectExpressions);
        this.updateExpressions = Map.copyOf(updateExpressions);
        this.guard = guard;
        this.dayOf = dayOf;
        this.deleteIf = deleteIf;
        List<String> names = this.columns.stream().map(Column::name).toList();
        if (!names.containsAll(this.key) || this.key.isEmpty()) {
            throw new IllegalArgumentException(name + ": key " + key + " must be a non-empty subset of " + names);
        }
    }

    /** A table whose every non-key column is replaced by the newest row's value. */
    public static <T> UpsertTable<T> of(String name, List<Column> columns, List<String> key, KeyOf<T> keyOf,
                                        Encoder<T> encoder) {
        return new UpsertTable<>(name, columns, key, keyOf, encoder, (older, newer) -> newer, Map.of(), Map.of(), null,
                null);
    }

    /** This table with another collapse rule (for columns the upsert does not simply overwrite). */
    public UpsertTable<T> withMerge(Merge<T> newMerge) {
        return new UpsertTable<>(name, columns, key, keyOf, encoder, newMerge, selectExpressions, updateExpressions,
                guard, dayOf, deleteIf);
    }

    /**
     * This table with SQL expressions replacing a staged column in the INSERT's SELECT ({@code select}, over
     * staging column {@code s.<name>}) or in the conflict update ({@code update}, over target {@code t} and
     * {@code EXCLUDED}); a target column not staged at all can be given in {@code select} under its own name.
     */
    public UpsertTable<T> withExpressions(Map<String, String> select, Map<String, String> update) {
        return new UpsertTable<>(name, columns, key, keyOf, encoder, merge, select, update, guard, dayOf, deleteIf);
    }

    /** This table with a conflict update that only happens when the stored row's {@code column} is not greater. */
    public UpsertTable<T> withGuard(String column) {
        return new UpsertTable<>(name, columns, key, keyOf, encoder, merge, selectExpressions, updateExpressions,
                column, dayOf, deleteIf);
    }

    /** This table as one partitioned by day (migration V10): the sink creates a row's day partition on demand. */
    public UpsertTable<T> withDayPartitions(DayOf<T> day) {
        return new UpsertTable<>(name, columns, key, keyOf, encoder, merge, selectExpressions, updateExpressions,
                guard, day, deleteIf);
    }

    /**
     * This table with tombstones: a row for which {@code delete} holds removes its key's stored row (a value
     * withdrawn, e.g. by a chain reorganisation). It collapses like any row, so the key's newest row wins.
     */
    public UpsertTable<T> withDeletes(DeleteIf<T> delete) {
        return new UpsertTable<>(name, columns, key, keyOf, encoder, merge, selectExpressions, updateExpressions,
                guard, dayOf, delete);
    }

    public boolean hasDeletes() {
        return deleteIf != null;
    }

    /** Removes the stored rows of the staged tombstones (run after {@link #upsertSql()}). */
    public String deleteSql() {
        return "DELETE FROM " + name + " t USING " + stagingTable() + " s WHERE s." + DELETE_COLUMN + " AND "
                + key.stream().map(k -> "t." + k + " = " + selectExpressions.getOrDefault(k, "s." + k))
                .collect(Collectors.joining(" AND "));
    }

    public String name() {
        return name;
    }

    public Object keyOf(T row) {
        return keyOf.key(row);
    }

    /** The position of a staged column, which is its value's position in the encoded row. */
    public int index(String column) {
        for (int i = 0; i < columns.size(); i++) {
            if (columns.get(i).name().equals(column)) {
                return i;
            }
        }
        throw new IllegalArgumentException(name + " has no column " + column);
    }

    public boolean dayPartitioned() {
        return dayOf != null;
    }

    public LocalDate dayOf(T row) {
        return dayOf.day(row);
    }

    public T merge(T older, T newer) {
        return merge.merge(older, newer);
    }

    public void encode(T row, CopyText out) {
        encoder.encode(row, out);
        if (deleteIf != null) {
            out.add(deleteIf.delete(row));
        }
        out.endRow();
    }

    public String stagingTable() {
        return "chaintrack_stage_" + name;
    }

    /** Session-local staging table, emptied by every commit. */
    public String createStagingSql() {
        return "CREATE TEMP TABLE IF NOT EXISTS " + stagingTable() + " ("
                + columns.stream().map(c -> c.name() + " " + c.sqlType()).collect(Collectors.joining(", "))
                + (deleteIf == null ? "" : ", " + DELETE_COLUMN + " BOOLEAN")
                + ") ON COMMIT DELETE ROWS";
    }

    public String copySql() {
        return "COPY " + stagingTable() + " (" + columns.stream().map(Column::name).collect(Collectors.joining(", "))
                + (deleteIf == null ? "" : ", " + DELETE_COLUMN) + ") FROM STDIN";
    }

    /** One statement moving the whole staged batch (unique keys) into the table. */
    public String upsertSql() {
        List<String> targetColumns = new ArrayList<>();
        List<String> selected = new ArrayList<>();
        for (Column c : columns) {
            targetColumns.add(c.name());
            selected.add(selectExpressions.getOrDefault(c.name(), "s." + c.name()));
        }
        for (Map.Entry<String, String> e : selectExpressions.entrySet()) {
            if (!targetColumns.contains(e.getKey())) {
                targetColumns.add(e.getKey());
                selected.add(e.getValue());
            }
        }
        List<String> updates = new ArrayList<>();
        for (String c : targetColumns) {
            if (!key.contains(c)) {
                updates.add(c + " = " + updateExpressions.getOrDefault(c, "EXCLUDED." + c));
            }
        }
        return "INSERT INTO " + name + " AS t (" + String.join(", ", targetColumns) + ") SELECT "
                + String.join(", ", selected) + " FROM " + stagingTable() + " s"
                + (deleteIf == null ? "" : " WHERE NOT s." + DELETE_COLUMN) + " ON CONFLICT (" + String.join(", ", key)
                + ") DO UPDATE SET " + String.join(", ", updates)
                + (guard == null ? "" : " WHERE t." + guard + " <= EXCLUDED." + guard);
    }
}
