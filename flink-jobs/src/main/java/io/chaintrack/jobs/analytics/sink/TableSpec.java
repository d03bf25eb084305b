package io.chaintrack.jobs.analytics.sink;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * One analytics table as the upsert sink sees it: columns in row order, the natural key, an optional
 * guard column (a row only replaces one covering no more blocks) and an optional day-partition column.
 */
public record TableSpec(
        String name,
        List<Column> columns,
        List<String> key,
        String guard,
        String partitionColumn) implements Serializable {

    public enum Type { BIGINT, INT, TEXT, NUMERIC, DOUBLE, BOOL, DATE, EPOCH_SECONDS, JSONB }

    public record Column(String name, Type type) implements Serializable {}

    public static Column col(String name, Type type) {
        return new Column(name, type);
    }

    public int index(String column) {
        for (int i = 0; i < columns.size(); i++) {
            if (columns.get(i).name().equals(column)) {
                return i;
            }
        }
        throw new IllegalArgumentException(name + " has no column " + column);
    }

    public int[] keyIndexes() {
        return key.stream().mapToInt(this::index).toArray();
    }

    /** INSERT … ON CONFLICT (key) DO UPDATE of every non-key column, guarded when the table has a guard. */
    public String upsertSql() {
        String cols = columns.stream().map(Column::name).collect(Collectors.joining(", "));
        String values = columns.stream().map(c -> switch (c.type()) {
            case EPOCH_SECONDS -> "to_timestamp(?)";
            case JSONB -> "?::jsonb";
            case NUMERIC -> "?::numeric";
            default -> "?";
        }).collect(Collectors.joining(", "));
        List<String> updates = new ArrayList<>();
        for (Column c : columns) {
            if (!key.contains(c.name())) {
                updates.add(c.name() + " = EXCLUDED." + c.name());
            }
        }
        String sql = "INSERT INTO " + name + " AS t (" + cols + ") VALUES (" + values + ") ON CONFLICT ("
                + String.join(", ", key) + ") DO UPDATE SET " + String.join(", ", updates);
        if (guard != null) {
            sql += " WHERE t." + guard + " <= EXCLUDED." + guard;
        }
        return sql;
    }
}
