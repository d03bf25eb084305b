package io.chaintrack.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The web app at /app/ in a real browser (Debian's Chromium driven by playwright-core from web/test/app.e2e.mjs) against
 * the API on embedded PostgreSQL with an in-process OpenID Connect provider: sign-in with authorization code + PKCE,
 * adding and uploading wallets, history sync states and a resync, USD values, total and a value chart equal to the API's
 * answers and to balance × price by hand, a chart whose points are the API's windows, paging to the end of a busy wallet, a live
 * transfer, the status page turning Stale when the chain stops writing blocks, analytics; no console error and no
 * request outside the app's origin but the provider's sign-in endpoints. This class is the "chain": it writes a block
 * per second on chain 2 and, when the browser script asks (a CONTROL line on its stdout), a transfer, a history sync
 * finishing or a stop.
 * Screenshots go to target/web-app/.
 */
class WebAppTest {
    static final String AUDIENCE = "chaintrack-web";
    static final long LIVE_CHAIN = 2;
    static final String BUSY = "0x" + "5".repeat(40);
    static final String PEER = "0x" + "6".repeat(40);
    static final int BUSY_TRANSFERS = 230;
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final String HISTORY_FAILURE = "explorer etherscan txlist: Invalid API Key";
    static final String PRICE_SOURCE = "chainlink:0x" + "f1".repeat(20);
    static final String NATIVE_PRICE_0 = "2000";
    static final String NATIVE_PRICE_1 = "2500";

    static MockOAuth2Server oidc;
    static ApiFixture fixture;
    static ScheduledExecutorService chain;
    static final AtomicBoolean producing = new AtomicBoolean(true);
    static long head;

    @BeforeAll
    static void start() throws Exception {
        oidc = new MockOAuth2Server();
        oidc.start();
        String issuer = oidc.issuerUrl("default").toString();
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        fixture = ApiFixture.builder().seed(new SeedData()::seed).seed(dataSource -> seed(dataSource, now))
                .properties(Map.of("chaintrack.api.auth.enabled", true, "chaintrack.api.auth.oidc.issuer", issuer,
                        "chaintrack.api.auth.oidc.audience", AUDIENCE, "chaintrack.api.auth.local-share", 0,
                        "chaintrack.api.chain-status.stale-after-by-chain.2", "4s",
                        "chaintrack.api.streams.poll-interval", "200ms"))
                .start();
        chain = Executors.newSingleThreadScheduledExecutor();
        chain.scheduleWithFixedDelay(() -> {
            if (producing.get()) {
                try {
                    nextBlock(null);
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            }
        }, 1, 1, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stop() throws Exception {
        if (chain != null) {
            chain.shutdownNow();
            chain.awaitTermination(10, TimeUnit.SECONDS);
        }
        if (fixture != null) {
            fixture.close();
        }
        if (oidc != null) {
            oidc.shutdown();
        }
    }

    static String hash(long chainId, long n, char variant) {
        return SeedData.hash(chainId * 1_000_000 + n, variant);
    }

    /**
     * Chain 1 of SeedData (A's hourly native windows, plus an open window at hour 7) with a head so its wallets sync;
     * chain 2 with 30 blocks up to now and BUSY's 230 transfers (kinds call and fee alternating); analytics of chain 1; an
     * ingest endpoint rate-limited 3 times with its breaker open; a reconciliation of chain 1 that found 2 mismatches.
     */
    static void seed(DataSource dataSource, Instant now) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            SeedData.execute(c, "INSERT INTO chains (chain_id, name) VALUES (2, 'livenet')");
            SeedData.execute(c, "UPDATE chains SET head_number = 50, head_seen_at = now() WHERE chain_id = 1");
            SeedData.window(c, SeedData.A, "native", 0, 3600, SeedData.T0.plusSeconds(7 * 3600), 20, 200);
            SeedData.execute(c, "UPDATE balance_windows SET provisional = true WHERE chain_id = 1 AND window_start = '"
                    + SeedData.T0.plusSeconds(7 * 3600) + "'");
            for (long n = 1; n <= 30; n++) {
                block(c, n, now.minusSeconds(30 - n));
            }
            head = 30;
            SeedData.execute(c, "UPDATE chains SET head_number = 30, head_seen_at = now() WHERE chain_id = 2");
            for (int i = 0; i < BUSY_TRANSFERS; i++) {
                long n = 1 + i / 10;
                boolean in = i % 2 == 0;
                transfer(c, n, now.minusSeconds(30 - n), i % 10, in ? PEER : BUSY, in ? BUSY : PEER, BigInteger.valueOf(1000 + i),
                        i % 3 == 0 ? "fee" : "call");
            }
            // history syncs as the sync worker persists them (as WalletsTest seeds them): A running, 3 passes of 100
            // blocks with 100 + 50 + 0 done (150 of 300, 7 transfers); B failed with the explorer's answer
            SeedData.execute(c, "INSERT INTO wallet_sync_workers (chain_id, explorer) VALUES (1, true)");
            SeedData.execute(c, "INSERT INTO wallet_syncs (chain_id, address, generation, state, target_block, logs_through,"
                    + " native_through, records_done, started_at, updated_at) VALUES (1, '" + SeedData.A + "', 1, 'running', 99,"
                    + " 99, 49, 7, now() - interval '30 seconds', now())");
            SeedData.execute(c, "INSERT INTO wallet_syncs (chain_id, address, generation, state, reason, target_block, updated_at)"
                    + " VALUES (1, '" + SeedData.B + "', 1, 'failed', '" + HISTORY_FAILURE + "', 99, now())");
            // native USD prices of chain 1 (as PricesTest seeds them): 2000 from 5 minutes before hour 0, 2500 from 02:55
            SeedData.execute(c, "SELECT chaintrack_ensure_day_partitions('token_prices', DATE '2023-12-31', DATE '2024-01-02')");
            price(c, SeedData.T0.minusSeconds(300), NATIVE_PRICE_0);
            price(c, SeedData.T0.plusSeconds(3 * 3600 - 300), NATIVE_PRICE_1);
            SeedData.execute(c, "INSERT INTO ingest_endpoint_status (chain, endpoint, rate_limited_total, breaker_state, reported_at)"
                    + " VALUES ('livenet', 'primary', 3, 'OPEN', now())");
            SeedData.execute(c, "INSERT INTO reconciliation_runs (chain_id, started_at, finished_at, block_number, block_hash, status,"
                    + " accounts_checked, balances_checked, blocks_checked, mismatches, largest_difference, sample_seed) VALUES"
                    + " (1, now(), now(), 39, '" + SeedData.hash(39, 'b') + "', 'MISMATCH', 3, 7, 40, 2, 12345, 7)");
            for (String table : List.of("analytics_anomalies", "analytics_daily", "analytics_forecasts")) {
                SeedData.execute(c, "SELECT chaintrack_ensure_day_partitions('" + table + "', DATE '2023-12-25', DATE '2024-01-20')");
            }
            for (int d = 0; d < 10; d++) {
                LocalDate day = LocalDate.of(2024, 1, 1).plusDays(d);
                SeedData.execute(c, "INSERT INTO analytics_daily (scope, chain_id, day, transfers, active_addresses, new_addresses, blocks,"
                        + " top_tokens, source_block, source_time, blocks_covered, accuracy) VALUES ('CHAIN', 1, '" + day + "', "
                        + (100 + 3 * d) + ", " + (10 + d) + ", " + d + ", 7200, NULL, " + (7200 * (d + 1)) + ", '"
                        + day.plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC) + "', " + (7200 * (d + 1)) + ", 'exact')");
            }
            for (int h = 1; h <= 3; h++) {
                SeedData.execute(c, "INSERT INTO analytics_forecasts (scope, chain_id, metric, base_day, target_day, horizon_days,"
                        + " value, lower, upper, confidence, alpha, beta, sigma, history_days) VALUES ('CHAIN', 1, 'transfers', '2024-01-10',"
                        + " DATE '2024-01-10' + " + h + ", " + h + ", " + (130 + h) + ", " + (120 - 2 * h) + ", " + (140 + 2 * h)
                        + ", 0.95, 0.3, 0.1, 4.5, 10)");
            }
            SeedData.execute(c, "INSERT INTO analytics_anomalies (chain_id, token, metric, window_start, window_seconds, method, subject,"
                    + " value, baseline, spread, lower_fence, upper_fence, score, threshold, severity, baseline_windows, block_number) VALUES"
                    + " (1, NULL, 'transfers', '2024-01-05T08:00:00Z', 3600, 'ZSCORE', '', 25, 10, 2, 4, 16, 7.5, 3, 'critical', 24, NULL),"
                    + " (1, 'native', 'volume', '2024-01-04T03:00:00Z', 3600, 'IQR', '', 30, 10, 2, 4, 16, 2, 1.5, 'warn', 24, NULL)");
        }
    }

    static void price(Connection c, Instant asOf, String price) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("INSERT INTO token_prices (chain_id, token, source, minute, quote, unit,"
                + " price, as_of) VALUES (1, 'native', ?, ?, 'USD', 'whole', ?::numeric, ?)")) {
            st.setString(1, PRICE_SOURCE);
            st.setObject(2, asOf.truncatedTo(ChronoUnit.MINUTES).atOffset(ZoneOffset.UTC));
            st.setString(3, price);
            st.setObject(4, asOf.atOffset(ZoneOffset.UTC));
            st.executeUpdate();
        }
    }

    static void block(Connection c, long n, Instant time) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("INSERT INTO blocks (chain_id, block_hash, block_number, parent_hash,"
                + " block_time, transfer_count, canonical) VALUES (2, ?, ?, ?, ?, 0, true)")) {
            st.setString(1, hash(LIVE_CHAIN, n, 'a'));
            st.setLong(2, n);
            st.setString(3, hash(LIVE_CHAIN, n - 1, 'a'));
            st.setObject(4, time.atOffset(ZoneOffset.UTC));
            st.executeUpdate();
        }
    }

    static void transfer(Connection c, long n, Instant time, int index, String from, String to, BigInteger amount, String kind)
            throws SQLException {
        new TransferRow(LIVE_CHAIN, hash(LIVE_CHAIN, n, 'a'), n, time, hash(LIVE_CHAIN, n * 100 + index, 'c'), index, -1, "", 0,
                "native", "NATIVE", from, to, amount, null, null, true).insert(c);
        SeedData.execute(c, "UPDATE transfers SET kind = '" + kind + "' WHERE chain_id = 2 AND tx_hash = '"
                + hash(LIVE_CHAIN, n * 100 + index, 'c') + "'");
    }

    /** The chain's next block at the current time, with a transfer to BUSY in it when amount is given; returns its number. */
    static synchronized long nextBlock(BigInteger amount) throws SQLException {
        try (Connection c = fixture.postgres.dataSource().getConnection()) {
            c.setAutoCommit(false);
            long n = head + 1;
            Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
            block(c, n, now);
            if (amount != null) {
                transfer(c, n, now, 0, PEER, BUSY, amount, "call");
            }
            SeedData.execute(c, "UPDATE chains SET head_number = " + n + ", head_seen_at = now() WHERE chain_id = 2");
            c.commit();
            head = n;
            return n;
        }
    }

    @Test
    void theAppsFilesHaveTheirContentTypesAndASameOriginPolicy() {
        Clients clients = fixture.clients;
        Map<String, String> types = Map.of("/app/", "text/html", "/app/app.js", "text/javascript", "/app/app.css", "text/css",
                "/app/favicon.svg", "image/svg+xml", "/app/config.json", "application/json");
        for (Map.Entry<String, String> file : types.entrySet()) {
            Clients.Response response = clients.get(file.getKey());
            assertThat(response.status()).as(file.getKey() + " " + response.body()).isEqualTo(200);
            assertThat(response.contentType()).as(file.getKey()).startsWith(file.getValue());
            assertThat(response.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
            String csp = response.headers().firstValue("Content-Security-Policy").orElseThrow();
            assertThat(csp).contains("default-src 'none'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'")
                    .doesNotContain("unsafe-inline", "unsafe-eval")
                    // the only other origin the page may fetch from: the provider, for the sign-in code exchange
                    .contains("connect-src 'self' " + oidc.baseUrl().toString().replaceAll("/$", ""));
        }
        assertThat(clients.get("/app/app.js").body()).contains("code_challenge");
        Clients.Response config = clients.get("/app/config.json");
        assertThat(config.json().get("clientId").getAsString()).isEqualTo(AUDIENCE);
        assertThat(config.json().get("tokenEndpoint").getAsString()).isEqualTo(oidc.tokenEndpointUrl("default").toString());
        assertThat(config.json().get("authorizationEndpoint").getAsString()).isEqualTo(oidc.authorizationEndpointUrl("default").toString());
        // a name outside the bundle is not served, whatever the classpath holds
        assertThat(clients.get("/app/application.yml").status()).isEqualTo(404);
        assertThat(clients.get("/app/..%2Fapplication.yml").status()).isEqualTo(404);
        // the page works under /app too: its URLs are absolute
        assertThat(clients.get("/app").body()).isEqualTo(clients.get("/app/").body()).contains("src=\"/app/app.js\"");
    }

    @Test
    void theAppWorksInARealBrowser() throws Exception {
        assertThat(CHROMIUM).as("Debian's chromium is needed for this test (apt-get install -y chromium); the test never skips")
                .isExecutable();
        Path artifacts = Path.of("target", "web-app").toAbsolutePath();
        Files.createDirectories(artifacts);
        Path csv = artifacts.resolve("wallets.csv");
        Files.writeString(csv, "chain_id,address,label,tags\n"
                + "2," + BUSY + ",busy one,hot\n"
                + "1," + SeedData.B + ",\"B, with a comma\",\n"
                + "1,0xnothex,broken,\n");
        Path script = Path.of("web", "test", "app.e2e.mjs").toAbsolutePath();
        ProcessBuilder builder = new ProcessBuilder("node", script.toString()).redirectErrorStream(true);
        builder.environment().putAll(Map.of(
                "APP_URL", "http://localhost:" + fixture.api.httpPort() + "/app/",
                "CHROMIUM", CHROMIUM.toString(),
                "ARTIFACTS", artifacts.toString(),
                "CSV_FILE", csv.toString(),
                "CHART_ADDRESS", SeedData.A,
                "BUSY_ADDRESS", BUSY,
                "BUSY_TRANSFERS", Integer.toString(BUSY_TRANSFERS),
                "ISSUER_ORIGIN", oidc.baseUrl().toString().replaceAll("/$", "")));
        builder.environment().putAll(Map.of("FAILED_ADDRESS", SeedData.B, "HISTORY_FAILURE", HISTORY_FAILURE,
                "NATIVE_PRICES", NATIVE_PRICE_0 + "," + NATIVE_PRICE_1));
        Process node = builder.start();
        List<String> passed = new ArrayList<>();
        StringBuilder log = new StringBuilder();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8));
             Writer in = new OutputStreamWriter(node.getOutputStream(), StandardCharsets.UTF_8)) {
            String line;
            while ((line = out.readLine()) != null) {
                System.out.println("[browser] " + line);
                log.append(line).append('\n');
                if (line.startsWith("PASS ")) {
                    passed.add(line.substring(5));
                } else if (line.equals("CONTROL live-transfer")) {
                    BigInteger amount = BigInteger.valueOf(777_000_123);
                    long block = nextBlock(amount);
                    in.write("DONE " + block + " " + amount + "\n");
                    in.flush();
                } else if (line.equals("CONTROL history-done")) {
                    try (Connection c = fixture.postgres.dataSource().getConnection()) {
                        SeedData.execute(c, "UPDATE wallet_syncs SET state = 'done', native_through = 99, internal_through = 99,"
                                + " finished_at = now(), updated_at = now() WHERE chain_id = 1 AND address = '" + SeedData.A + "'");
                    }
                    in.write("DONE\n");
                    in.flush();
                } else if (line.equals("CONTROL stop-chain")) {
                    producing.set(false);
                    in.write("DONE\n");
                    in.flush();
                }
            }
        } finally {
            if (!node.waitFor(60, TimeUnit.SECONDS)) {
                node.destroyForcibly();
            }
        }
        Files.writeString(artifacts.resolve("browser.log"), log);
        assertThat(node.exitValue()).as("the browser script failed:\n" + log).isZero();
        assertThat(passed).containsExactly("sign-in", "add wallet", "csv upload", "history sync and resync", "label",
                "chart points equal the API's windows", "USD values, total and value chart", "history sync done, live",
                "paging to the end", "filters", "live transfer", "phone width", "analytics", "status turns stale", "delete",
                "no console errors", "no request outside the app's origin");
        try (var screenshots = Files.list(artifacts)) {
            assertThat(screenshots.filter(p -> p.toString().endsWith(".png")).count()).isGreaterThanOrEqualTo(6);
        }
    }

}
