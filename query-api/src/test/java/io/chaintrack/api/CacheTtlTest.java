package io.chaintrack.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.chaintrack.connectors.evm.testkit.Await;
import io.chaintrack.api.cache.ResponseCache;
import io.chaintrack.embedded.EmbeddedPostgresServer;
import io.chaintrack.proto.v1.ChainView;
import io.chaintrack.proto.v1.GetChainTotalsRequest;
import io.chaintrack.proto.v1.ListChainsRequest;
import io.chaintrack.proto.v1.ListChainsResponse;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Per-method cache TTLs: from configuration (any spelling of the method name), overridden at runtime through
 * the api_cache_ttls table without a restart, shared by both transports, and off when caching is disabled.
 */
class CacheTtlTest {
    static ApiFixture fixture;
    static EmbeddedPostgresServer postgres;
    static Clients clients;
    static ResponseCache cache;

    @BeforeAll
    static void start() throws Exception {
        fixture = ApiFixture.builder().seed(new SeedData()::seed).properties(Map.of(
                "chaintrack.api.cache.ttls.list-chains", "1h",
                "chaintrack.api.cache.ttls.GetChainTotals", "0s",
                "chaintrack.api.cache.ttls.listAnomalies", "7s",
                "chaintrack.api.cache.refresh-interval", "50ms")).start();
        postgres = fixture.postgres;
        clients = fixture.clients;
        cache = fixture.api.context().getBean(ResponseCache.class);
    }

    @AfterAll
    static void stop() throws Exception {
        fixture.close();
    }

    static void await(String what, BooleanSupplier condition) throws Exception {
        Await.until(condition::getAsBoolean, 30_000, () -> "waiting for " + what);
    }

    static void sql(String statement) throws Exception {
        try (Connection c = postgres.dataSource().getConnection()) {
            SeedData.execute(c, statement);
        }
    }

    static List<Long> chainIds() {
        return clients.get("/v1/chains").parse(ListChainsResponse.newBuilder()).build().getChainsList().stream()
                .map(ChainView::getChainId).toList();
    }

    @Test
    void aTtlChangedAtRuntimeTakesEffectWithoutARestart() throws Exception {
        assertThat(cache.ttl("ListChains")).isEqualTo(Duration.ofHours(1));
        assertThat(cache.ttl("GetChainTotals")).isZero();
        assertThat(cache.ttl("ListAnomalies")).isEqualTo(Duration.ofSeconds(7));
        assertThat(cache.ttl("ListChainStatuses")).isEqualTo(Duration.ofSeconds(1)); // application.yml default
        assertThat(cache.ttl("ListAddressTransfers")).isZero();

        // configured 1 h: a chain added after the first answer stays invisible, on both transports
        assertThat(chainIds()).containsExactly(1L, 10L);
        sql("INSERT INTO chains (chain_id, name) VALUES (20, 'later')");
        assertThat(chainIds()).containsExactly(1L, 10L);
        assertThat(clients.chains.listChains(ListChainsRequest.getDefaultInstance()).getChainsList()).extracting(ChainView::getChainId)
                .containsExactly(1L, 10L);

        // an operator turns the cache of ListChains off at runtime: every replica picks it up
        sql("INSERT INTO api_cache_ttls (method, ttl_ms) VALUES ('ListChains', 0)");
        await("TTL 0 from the table", () -> cache.ttl("ListChains").isZero());
        assertThat(chainIds()).containsExactly(1L, 10L, 20L);
        sql("INSERT INTO chains (chain_id, name) VALUES (21, 'even later')");
        assertThat(chainIds()).containsExactly(1L, 10L, 20L, 21L);

        // and back on, spelled another way: answers are kept again
        sql("UPDATE api_cache_ttls SET method = 'list-chains', ttl_ms = 3600000");
        await("TTL 1 h from the table", () -> cache.ttl("ListChains").equals(Duration.ofHours(1)));
        List<Long> cached = chainIds();
        sql("INSERT INTO chains (chain_id, name) VALUES (22, 'hidden')");
        assertThat(chainIds()).isEqualTo(cached);

        // deleting the row falls back to the configuration (1 h): entries are dropped at the change, then kept
        sql("UPDATE api_cache_ttls SET ttl_ms = 1");
        await("TTL 1 ms", () -> cache.ttl("ListChains").equals(Duration.ofMillis(1)));
        sql("DELETE FROM api_cache_ttls");
        await("configured TTL again", () -> cache.ttl("ListChains").equals(Duration.ofHours(1)));
        assertThat(chainIds()).contains(22L);

        // a method with TTL 0 is never cached: totals follow the table at once
        long before = clients.chains.getChainTotals(GetChainTotalsRequest.newBuilder().setChainId(1).build()).getTransfers();
        sql("UPDATE chain_totals SET transfers = transfers + 1 WHERE chain_id = 1");
        assertThat(clients.get("/v1/chains/1/totals").json().get("transfers").getAsLong()).isEqualTo(before + 1);

        // unknown method names in the table are ignored, not fatal
        sql("INSERT INTO api_cache_ttls (method, ttl_ms) VALUES ('NoSuchMethod', 5)");
        long sweeps = hits("ListChains");
        chainIds();
        assertThat(hits("ListChains")).isEqualTo(sweeps + 1);
        assertThat(cache.ttl("ListChains")).isEqualTo(Duration.ofHours(1));
    }

    static long hits(String method) {
        return (long) MetricsText.parse(clients.get("/metrics").body()).value("chaintrack_api_cache_requests_total",
                Map.of("method", method, "result", "hit"));
    }

    @Test
    void disabledCachingServesEveryAnswerFromTheStore() throws Exception {
        try (QueryApi uncached = QueryApi.start(postgres.jdbcUrl(), postgres.user(), postgres.password(), 0, 0,
                Map.of("chaintrack.api.cache.enabled", false, "chaintrack.api.cache.ttls.list-chains", "1h"));
             Clients direct = new Clients(uncached)) {
            ResponseCache off = uncached.context().getBean(ResponseCache.class);
            assertThat(off.ttl("ListChains")).isZero();
            int before = direct.chains.listChains(ListChainsRequest.getDefaultInstance()).getChainsCount();
            sql("INSERT INTO chains (chain_id, name) VALUES (30, 'uncached')");
            assertThat(direct.chains.listChains(ListChainsRequest.getDefaultInstance()).getChainsCount()).isEqualTo(before + 1);
        }
    }

    @Test
    void aTtlForAMethodThatDoesNotExistStopsTheStart() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> QueryApi.start(postgres.jdbcUrl(), postgres.user(), postgres.password(),
                0, 0, Map.of("chaintrack.api.cache.ttls.list-chainz", "1s"))).hasStackTraceContaining("list-chainz: no such method");
    }
}
