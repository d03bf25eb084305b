package io.chaintrack.connectors.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every migration applies to a fresh database, and the CONCURRENTLY ones (V21, V26) also to a populated one:
 * PostgreSQL refuses CREATE/DROP INDEX CONCURRENTLY inside a transaction, so their success shows Flyway ran them
 * outside one. Afterwards no index is left INVALID and a second migrate has nothing to do.
 */
class MigrationsTest {
    static EmbeddedPostgres postgres;
    static DataSource ds;

    @BeforeAll
    static void start() throws Exception {
        postgres = EmbeddedPostgres.builder().start();
        ds = postgres.getPostgresDatabase();
    }

    @AfterAll
    static void stop() throws Exception {
        postgres.close();
    }

    @Test
    void upToV20ThenRowsThenTheConcurrentIndexMigrationsOverThem() throws SQLException {
        int early = Flyway.configure().dataSource(ds).locations("classpath:db/migration")
                .configuration(java.util.Map.of("flyway.postgresql.transactional.lock", "false"))
                .target("20").load().migrate().migrationsExecuted;
        assertThat(early).isGreaterThan(2);
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            st.execute("INSERT INTO chains (chain_id, name) VALUES (1, 'm')");
            st.execute("INSERT INTO transfers (chain_id, block_hash, tx_index, log_index, trace_address, batch_index, block_number,"
                    + " block_time, tx_hash, token, standard, from_address, to_address, amount, token_id, operator, canonical)"
                    + " SELECT 1, '0x' || lpad(to_hex(i / 10), 64, '0'), i % 10, 0, '', 0, i / 10, now(), '0x' || md5(i::text),"
                    + " 'native', 'NATIVE', '0x' || lpad(to_hex(i % 97), 40, '0'), '0x' || lpad(to_hex(i % 89), 40, '0'), i, NULL, NULL,"
                    + " i % 13 <> 0 FROM generate_series(0, 4999) i");
        }

        int rest = Migrations.migrate(ds);

        assertThat(rest).isGreaterThanOrEqualTo(6);
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            assertThat(strings(st, "SELECT version FROM flyway_schema_history WHERE version IS NOT NULL AND NOT success")).isEmpty();
            assertThat(strings(st, "SELECT version FROM flyway_schema_history WHERE version IS NOT NULL ORDER BY installed_rank DESC LIMIT 1"))
                    .containsExactly(latestVersion());
            assertThat(strings(st, "SELECT indexrelid::regclass::text FROM pg_index WHERE NOT indisvalid OR NOT indisready")).isEmpty();
            List<String> transferIndexes = strings(st, "SELECT indexname FROM pg_indexes WHERE tablename = 'transfers' ORDER BY 1");
            assertThat(transferIndexes).contains("transfers_from_cover_idx", "transfers_to_cover_idx", "transfers_token_idx")
                    .doesNotContain("transfers_from_idx", "transfers_to_idx");
            // the covering index holds the page's columns: a listing of an address reads no table rows
            st.execute("VACUUM (ANALYZE) transfers");
            st.execute("SET enable_seqscan = off");
            st.execute("SET enable_bitmapscan = off");
            String plan = String.join("\n", strings(st, "EXPLAIN SELECT block_hash, tx_hash, amount, to_address FROM transfers"
                    + " WHERE chain_id = 1 AND canonical AND from_address = '0x" + "0".repeat(38) + "05' ORDER BY block_number DESC,"
                    + " tx_index DESC, log_index DESC, batch_index DESC, trace_address DESC LIMIT 20"));
            assertThat(plan).contains("Index Only Scan using transfers_from_cover_idx");
            assertThat(strings(st, "SELECT count(*) FROM transfers WHERE canonical")).containsExactly("4615");
        }
        assertThat(Migrations.migrate(ds)).isZero();
    }

    static String latestVersion() {
        Flyway flyway = Flyway.configure().dataSource(ds).locations("classpath:db/migration").load();
        // every migration on the classpath, oldest first
        org.flywaydb.core.api.MigrationInfo[] all = flyway.info().all();
        return all[all.length - 1].getVersion().getVersion();
    }

    static List<String> strings(Statement st, String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }
}
