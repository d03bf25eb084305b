package io.chaintrack.jobs.analytics;

import io.chaintrack.embedded.EmbeddedPostgresServer;
import io.chaintrack.connectors.postgres.Migrations;
import io.chaintrack.connectors.postgres.PostgresSinkOptions;
import io.chaintrack.jobs.common.EmbeddedPostgresExtension;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** Fresh migrated databases inside one embedded PostgreSQL server, and row dumps to compare them. */
public final class AnalyticsDb {
    public static final List<String> TABLES = List.of(
            "analytics_totals", "analytics_anomalies", "analytics_daily", "analytics_daily_tokens", "analytics_forecasts");
    private static final AtomicInteger COUNTER = new AtomicInteger();

    private AnalyticsDb() {}

    public static PostgresSinkOptions create(EmbeddedPostgresExtension postgres) throws SQLException {
        EmbeddedPostgresServer pg = postgres.server();
        String name = "analytics_" + COUNTER.incrementAndGet();
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password()); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        }
        String url = "jdbc:postgresql://localhost:" + pg.port() + "/" + name;
        Migrations.migrate(url, pg.user(), pg.password());
        return PostgresSinkOptions.of(url, pg.user(), pg.password());
    }

    /** Every row of a table as text, in a total order (all columns). */
    public static List<String> dump(PostgresSinkOptions db, String table) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection c = db.connect("test"); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT * FROM " + table + " ORDER BY " + orderAll(c, table))) {
            ResultSetMetaData md = rs.getMetaData();
            while (rs.next()) {
                StringBuilder sb = new StringBuilder();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    sb.append(md.getColumnName(i)).append('=').append(rs.getString(i)).append(' ');
                }
                rows.add(sb.toString());
            }
        }
        return rows;
    }

    private static String orderAll(Connection c, String table) throws SQLException {
        List<String> cols = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT * FROM " + table + " LIMIT 0")) {
            for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                cols.add(rs.getMetaData().getColumnName(i) + " NULLS FIRST");
            }
        }
        return String.join(", ", cols);
    }

    public static long count(PostgresSinkOptions db, String sql) throws SQLException {
        try (Connection c = db.connect("test"); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    public static List<List<String>> query(PostgresSinkOptions db, String sql) throws SQLException {
        List<List<String>> out = new ArrayList<>();
        try (Connection c = db.connect("test"); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    row.add(rs.getString(i));
                }
                out.add(row);
            }
        }
        return out;
    }
}
