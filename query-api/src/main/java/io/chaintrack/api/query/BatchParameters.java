package io.chaintrack.api.query;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The parameters of a batched statement: one SQL array per column, element i belonging to read i, bound in the
 * order the columns were added (the statement unnests them WITH ORDINALITY, so row i of the unnest is read i).
 */
final class BatchParameters {
    private final List<String> types = new ArrayList<>();
    private final List<Object[]> columns = new ArrayList<>();

    /** A column of element type {@code type} (a PostgreSQL type name, e.g. int8, text, timestamptz). */
    BatchParameters column(String type, Object[] values) {
        types.add(type);
        columns.add(values);
        return this;
    }

    void bind(Connection connection, PreparedStatement statement) throws SQLException {
        for (int i = 0; i < columns.size(); i++) {
            statement.setArray(i + 1, connection.createArrayOf(types.get(i), columns.get(i)));
        }
    }
}
