package io.chaintrack.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import com.google.protobuf.Timestamp;
import io.chaintrack.proto.v1.BalanceView;
import io.chaintrack.proto.v1.GetBalancesRequest;
import io.chaintrack.proto.v1.GetBalancesResponse;
import io.chaintrack.proto.v1.GetBalanceHistoryRequest;
import io.chaintrack.proto.v1.GetBalanceHistoryResponse;
import io.chaintrack.proto.v1.GetPortfolioHistoryRequest;
import io.chaintrack.proto.v1.GetPortfolioHistoryResponse;
import io.chaintrack.proto.v1.GetTokenPriceRequest;
import io.chaintrack.proto.v1.GetTokenPriceResponse;
import io.chaintrack.proto.v1.PriceServiceGrpc;
import io.chaintrack.proto.v1.PriceSourceView;
import io.chaintrack.proto.v1.TotalValueView;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Token prices and USD values read from hand-made token_prices / price_source_status rows. Oracles: best prices and
 * confidences worked by hand from BestPrice's stated rule (freshness × liquidity × agreement, weighted median; the
 * arithmetic in the comments), routing and decimals done by hand, and the portfolio's value Σ balance × price
 * recomputed in the test from the balances and prices it seeded.
 */
class PricesTest {
    static final long CHAIN = 1;
    /** The moment most rows are seen at: a past minute, so freshness is exact. */
    static final Instant T = Instant.parse("2026-12-01T12:00:00Z");
    static final String WETH = "0x" + "e1".repeat(20);
    static final String TOK = "0x" + "71".repeat(20);       // 6 decimals, priced in WETH by a V2 pool
    static final String NODEC = "0x" + "73".repeat(20);     // priced in WETH, decimals unknown
    static final String OLD = "0x" + "74".repeat(20);       // one source, last heard of 2 h before T
    static final String LIVE = "0x" + "75".repeat(20);      // fresh rows near the real clock
    static final String DOWN = "0x" + "76".repeat(20);      // only source's breaker is open now
    static final String NEVER = "0x" + "77".repeat(20);     // no row at all
    static final String NOPRICE = "0x" + "78".repeat(20);   // held, 18 decimals, never priced
    static final String NFT = "0x" + "79".repeat(20);
    static final String QUIET = "0x" + "7a".repeat(20);     // sources heard from only days before T
    static final String HOLDER = "0x" + "ab".repeat(20);
    static final String POOL = "0x" + "b1".repeat(20);
    static final String POOL2 = "0x" + "b2".repeat(20);
    static final String FEED = "chainlink:0x" + "f1".repeat(20);
    static final String FEED2 = "chainlink:0x" + "f2".repeat(20);
    static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);

    static ApiFixture fixture;
    static Clients clients;
    static PriceServiceGrpc.PriceServiceBlockingStub prices;

    @BeforeAll
    static void start() throws Exception {
        fixture = ApiFixture.builder().seedConnection(PricesTest::seed)
                .property("chaintrack.prices.reference-assets", WETH + "=native").start();
        clients = fixture.clients;
        prices = PriceServiceGrpc.newBlockingStub(clients.channel);
    }

    @AfterAll
    static void stop() throws Exception {
        fixture.close();
    }

    static void seed(Connection c) throws Exception {
        SeedData.execute(c, "INSERT INTO chains (chain_id, name) VALUES (1, 'devnet')");
        SeedData.execute(c, "SELECT chaintrack_ensure_day_partitions('token_prices', DATE '2026-11-27', DATE '2026-12-01')");
        SeedData.execute(c, "SELECT chaintrack_ensure_day_partitions('token_prices', (now() AT TIME ZONE 'UTC')::date - 1,"
                + " (now() AT TIME ZONE 'UTC')::date + 1)");
        SeedData.execute(c, "INSERT INTO tokens (chain_id, token, symbol, decimals, status) VALUES"
                + " (1, '" + WETH + "', 'WETH', 18, 'done'), (1, '" + TOK + "', 'TOK', 6, 'done'),"
                + " (1, '" + NOPRICE + "', 'NOP', 18, 'done'), (1, '" + NODEC + "', NULL, NULL, 'done')");
        // native in USD: a feed 5 min old, an HTTP API 1 min old, and a wrong HTTP value (3000) just now
        price(c, "native", FEED, T.minusSeconds(300), "USD", "whole", "2000", null);
        price(c, "native", "http:coingecko", T.minusSeconds(60), "USD", "whole", "2010", null);
        price(c, "native", "http:wrong", T, "USD", "whole", "3000", null);
        // earlier observations: at 11:50 the feed (11:45) and the API (11:48:30) are the latest
        price(c, "native", FEED, T.minusSeconds(900), "USD", "whole", "1990", null);
        price(c, "native", "http:coingecko", T.minusSeconds(690), "USD", "whole", "1995", null);
        price(c, "native", FEED, Instant.parse("2026-12-01T09:55:00Z"), "USD", "whole", "1800", null);
        price(c, "native", FEED, Instant.parse("2026-12-01T10:55:00Z"), "USD", "whole", "1900", null);
        // TOK/WETH pool: 0.0005 WETH per TOK = 5e-4 * 10^18 / 10^6 = 5e8 base units; depth 2 x 100 WETH in wei
        price(c, TOK, "uniswap-v2:" + POOL, T.minusSeconds(30), WETH, "base", "500000000", "200000000000000000000");
        price(c, TOK, "uniswap-v2:" + POOL, Instant.parse("2026-12-01T10:58:00Z"), WETH, "base", "500000000", "200000000000000000000");
        // the same pool's other direction: WETH priced in TOK, which has no USD price of its own: failed, no vote
        price(c, WETH, "uniswap-v2:" + POOL, T.minusSeconds(30), TOK, "base", "0.000000002", "2000000000");
        price(c, NODEC, "uniswap-v2:" + POOL2, T.minusSeconds(30), WETH, "base", "7", null);
        price(c, OLD, "http:coingecko", T.minusSeconds(7200), "USD", "whole", "0.42", null);
        // QUIET: two sources, last heard of 3 and 4 days before T (beyond the 24 h lookback from T)
        price(c, QUIET, "http:coingecko", T.minus(java.time.Duration.ofDays(3)), "USD", "whole", "12", null);
        price(c, QUIET, FEED, T.minus(java.time.Duration.ofDays(3)).minusSeconds(120), "USD", "whole", "12.1", null);
        price(c, QUIET, "http:wrong", T.minus(java.time.Duration.ofDays(4)), "USD", "whole", "99", null);
        // near the real clock: LIVE has a fresh feed and the (breaker-open) API; DOWN only the API
        Instant recent = NOW.minusSeconds(60);
        price(c, LIVE, "http:coingecko", recent, "USD", "whole", "7.5", null);
        price(c, LIVE, FEED2, recent, "USD", "whole", "7.6", null);
        price(c, DOWN, "http:coingecko", recent, "USD", "whole", "3.25", null);
        SeedData.execute(c, "INSERT INTO price_source_status (source, breaker_state, calls, errors, last_success, last_error)"
                + " VALUES ('http:coingecko', 'open', 200, 50, '" + recent + "', 'HTTP 429'),"
                + " ('" + FEED + "', 'closed', 10, 0, '" + recent + "', NULL)");
        // HOLDER's hourly windows: native 1.5 ETH from 09:00, 2 ETH from 11:00; 1000 TOK and 2 NFTs from 10:00;
        // 5 NOP from 11:00
        window(c, "native", 0, "2026-12-01T09:00:00Z", "1500000000000000000", "1500000000000000000");
        window(c, TOK, 0, "2026-12-01T10:00:00Z", "1000000000", "1000000000");
        window(c, NFT, 0, "2026-12-01T10:00:00Z", "2", "2");
        window(c, "native", 0, "2026-12-01T11:00:00Z", "500000000000000000", "2000000000000000000");
        window(c, NOPRICE, 0, "2026-12-01T11:00:00Z", "5000000000000000000", "5000000000000000000");
        SeedData.execute(c, "INSERT INTO current_balances (chain_id, address, token, token_id, standard, balance, block_number,"
                + " block_time) VALUES"
                + " (1, '" + HOLDER + "', 'native', 0, 'NATIVE', 2000000000000000000, 30, '2026-12-01T11:30:00Z'),"
                + " (1, '" + HOLDER + "', '" + TOK + "', 0, 'ERC20', 1000000000, 20, '2026-12-01T10:30:00Z'),"
                + " (1, '" + HOLDER + "', '" + NFT + "', 0, 'ERC721', 2, 20, '2026-12-01T10:30:00Z'),"
                + " (1, '" + HOLDER + "', '" + NOPRICE + "', 0, 'ERC20', 5000000000000000000, 30, '2026-12-01T11:30:00Z')");
    }

    static void price(Connection c, String token, String source, Instant asOf, String quote, String unit, String price,
                      String liquidity) throws Exception {
        try (PreparedStatement st = c.prepareStatement("INSERT INTO token_prices (chain_id, token, source, minute, quote, unit,"
                + " price, liquidity, as_of) VALUES (1, ?, ?, ?, ?, ?, ?::numeric, ?::numeric, ?)")) {
            st.setString(1, token);
            st.setString(2, source);
            st.setObject(3, asOf.truncatedTo(ChronoUnit.MINUTES).atOffset(ZoneOffset.UTC));
            st.setString(4, quote);
            st.setString(5, unit);
            st.setString(6, price);
            st.setString(7, liquidity);
            st.setObject(8, asOf.atOffset(ZoneOffset.UTC));
            st.executeUpdate();
        }
    }

    static void window(Connection c, String token, long tokenId, String start, String delta, String balance) throws Exception {
        SeedData.execute(c, "INSERT INTO balance_windows (chain_id, address, token, token_id, window_seconds, window_start,"
                + " delta, balance, transfers_in, transfers_out, volume_in, volume_out) VALUES (1, '" + HOLDER + "', '" + token
                + "', " + tokenId + ", 3600, '" + start + "', " + delta + ", " + balance + ", 1, 0, " + delta + ", 0)");
    }

    static Timestamp ts(Instant t) {
        return Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano()).build();
    }

    static GetTokenPriceResponse grpc(String token, Instant at) {
        GetTokenPriceRequest.Builder r = GetTokenPriceRequest.newBuilder().setChainId(CHAIN).setToken(token);
        if (at != null) {
            r.setAt(ts(at));
        }
        return prices.getTokenPrice(r.build());
    }

    static GetTokenPriceResponse rest(String token, Instant at) {
        Clients.Response r = clients.get("/v1/chains/1/tokens/" + token + "/price" + (at == null ? "" : "?at=" + at));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.parse(GetTokenPriceResponse.newBuilder()).build();
    }

    static Map<String, PriceSourceView> bySource(GetTokenPriceResponse r) {
        Map<String, PriceSourceView> out = new LinkedHashMap<>();
        r.getSourcesList().forEach(s -> out.put(s.getSource() + "/" + s.getToken(), s));
        return out;
    }

    @Test
    void theBestPickIgnoresTheOutlierAndStatesEachSource() {
        GetTokenPriceResponse r = grpc("native", T);
        // median of 2000, 2010, 3000 is 2010. feed: freshness 1 - 300/600 = 0.5, agreement 1 - (10/2010)/0.1
        // = 0.950249 -> 0.475124; API: freshness 0.9, agreement 1 -> 0.9; wrong: |3000-2010|/2010 = 49 % > 10 % -> 0.
        // Voters 2000 (0.475124) and 2010 (0.9): half of 1.375124 is passed at 2010. Confidence Σc²/Σc =
        // (0.475124² + 0.81) / 1.375124 = 0.753200.
        assertThat(r.getBest()).isEqualTo("2010");
        assertThat(r.getConfidence()).isEqualTo("0.753200");
        assertThat(r.getStale()).isFalse();
        assertThat(r.getBestAsOf()).isEqualTo(ts(T.minusSeconds(60)));
        assertThat(r.getCurrency()).isEqualTo("USD");
        assertThat(r.getPrecision()).isEqualTo(34);
        Map<String, PriceSourceView> s = bySource(r);
        assertThat(s.get(FEED + "/native").getConfidence()).isEqualTo("0.475124");
        assertThat(s.get("http:coingecko/native").getConfidence()).isEqualTo("0.900000");
        assertThat(s.get("http:wrong/native").getConfidence()).isEqualTo("0.000000");
        assertThat(s.get("http:wrong/native").getPrice()).isEqualTo("3000");
        assertThat(s.get(FEED + "/native").getAsOf()).isEqualTo(ts(T.minusSeconds(300)));
        assertThat(s.get(FEED + "/native").getState()).isEqualTo("ok");
        // WETH ≡ native: the pool's WETH-in-TOK row is listed, failed (TOK has no USD price of its own)
        PriceSourceView reverse = s.get("uniswap-v2:" + POOL + "/" + WETH);
        assertThat(reverse.getState()).isEqualTo("failed");
        assertThat(reverse.getDetail()).contains(TOK);
        assertThat(rest("native", T)).isEqualTo(r);
        // WETH asked directly is priced by native's sources
        assertThat(grpc(WETH, T).getBest()).isEqualTo("2010");
    }

    @Test
    void atAPastTimeEachSourcesLatestObservationThenCounts() {
        GetTokenPriceResponse r = rest("native", T.minusSeconds(600));
        // 11:50: feed 1990 seen 11:45 (freshness 0.5), API 1995 seen 11:48:30 (0.85); median 1992.5, both 0.125 % off:
        // agreement 1 - 0.0012547/0.1 = 0.987453: 0.493726 and 0.839335; half of 1.333061 passed at 1995.
        assertThat(r.getBest()).isEqualTo("1995");
        assertThat(r.getConfidence()).isEqualTo("0.711332");
        assertThat(bySource(r).get(FEED + "/native").getPrice()).isEqualTo("1990");
        assertThat(bySource(r)).doesNotContainKey("http:wrong/native");
        assertThat(grpc("native", T.minusSeconds(600))).isEqualTo(r);
        // before any row: no source ever answered by then
        GetTokenPriceResponse before = grpc("native", Instant.parse("2026-12-01T08:00:00Z"));
        assertThat(before.getBest()).isEmpty();
        assertThat(before.getSourcesList()).isEmpty();
    }

    @Test
    void aTokenPricedInWethIsRoutedThroughWethsUsdPriceWithItsDecimals() {
        GetTokenPriceResponse r = grpc(TOK, T);
        // 5e8 base units of WETH per base unit of TOK = 5e8 * 10^6 / 10^18 = 0.0005 WETH per TOK; WETH = 2010 USD
        PriceSourceView pool = bySource(r).get("uniswap-v2:" + POOL + "/" + TOK);
        assertThat(pool.getQuotePrice()).isEqualTo("0.0005");
        assertThat(pool.getQuote()).isEqualTo(WETH);
        assertThat(pool.getVia()).isEqualTo(WETH);
        assertThat(pool.getPrice()).isEqualTo("1.005");
        // depth 2e20 wei = 200 WETH = 402000 USD, above the 100000 target: liquidity counts fully
        assertThat(pool.getLiquidity()).isEqualTo("402000");
        // as of the older leg (WETH's best, 60 s before T): freshness 0.9
        assertThat(r.getBest()).isEqualTo("1.005");
        assertThat(r.getConfidence()).isEqualTo("0.900000");
        assertThat(rest(TOK, T)).isEqualTo(r);
        // without decimals the base-unit price cannot be scaled: a failed source, no best, and the reason
        GetTokenPriceResponse nodec = grpc(NODEC, T);
        assertThat(nodec.getBest()).isEmpty();
        assertThat(nodec.getSources(0).getState()).isEqualTo("failed");
        assertThat(nodec.getSources(0).getDetail()).contains("decimals of " + NODEC + " unknown");
    }

    @Test
    void duringAnOutageTheLastKnownGoodValueIsServedStaleNeverNull() {
        // the only source was last heard of 2 h before T: stale, yet its value
        GetTokenPriceResponse old = grpc(OLD, T);
        assertThat(old.getBest()).isEqualTo("0.42");
        assertThat(old.getStale()).isTrue();
        assertThat(old.getBestAsOf()).isEqualTo(ts(T.minusSeconds(7200)));
        assertThat(old.getSources(0).getState()).isEqualTo("stale");
        // sources all quiet for days: the newest day of observations answers, as it stood then (the API at 12, seen
        // 3 days before; the feed 2 min older: freshness 1 and 0.8, both agree within 0.42 %: median-weighted 12), stale
        GetTokenPriceResponse quiet = grpc(QUIET, T);
        assertThat(quiet.getBest()).isEqualTo("12");
        assertThat(quiet.getStale()).isTrue();
        assertThat(quiet.getBestAsOf()).isEqualTo(ts(T.minus(java.time.Duration.ofDays(3))));
        assertThat(quiet.getSourcesList()).extracting(PriceSourceView::getSource).containsExactly(FEED, "http:coingecko");
        assertThat(quiet.getSourcesList()).extracting(PriceSourceView::getState).containsOnly("stale");
        // now: the API's breaker is open, so for LIVE only the feed votes (fresh: not stale) ...
        GetTokenPriceResponse live = rest(LIVE, null);
        assertThat(live.getBest()).isEqualTo("7.6");
        assertThat(live.getStale()).isFalse();
        assertThat(bySource(live).get("http:coingecko/" + LIVE).getState()).isEqualTo("failed");
        assertThat(bySource(live).get("http:coingecko/" + LIVE).getDetail()).contains("breaker open");
        // ... and DOWN, whose only source is behind the open breaker, gets that source's last value, stale
        GetTokenPriceResponse down = grpc(DOWN, null);
        assertThat(down.getBest()).isEqualTo("3.25");
        assertThat(down.getStale()).isTrue();
        // at a past time the breaker (a state of now) does not apply
        assertThat(grpc(DOWN, NOW.minusSeconds(30)).getStale()).isFalse();
        // a token no source ever answered for: the only empty best
        GetTokenPriceResponse never = rest(NEVER, null);
        assertThat(never.getBest()).isEmpty();
        assertThat(never.getSourcesList()).isEmpty();
    }

    @Test
    void badInputIsRefusedNamingWhatIsWrong() {
        Map<String, String> cases = new LinkedHashMap<>();
        cases.put("/v1/chains/999/tokens/native/price", "chain_id");
        cases.put("/v1/chains/1/tokens/0x1234/price", "token");
        cases.put("/v1/chains/1/tokens/eth/price", "token");
        cases.put("/v1/chains/1/tokens/native/price?at=yesterday", "at");
        cases.put("/v1/chains/1/tokens/native/price?at=2999-01-01T00:00:00Z", "at");
        cases.put("/v1/chains/1/tokens/native/price?currency=eur", "currency");
        cases.put("/v1/chains/1/addresses/" + HOLDER + "/balances?currency=btc", "currency");
        cases.put("/v1/chains/1/addresses/" + HOLDER + "/history?currency=x", "currency");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            Clients.Response r = clients.get(c.getKey());
            assertThat(r.status()).as(c.getKey() + " " + r.body()).isEqualTo(400);
            JsonObject problem = r.json();
            assertThat(problem.get("parameter").getAsString()).as(c.getKey()).isEqualTo(c.getValue());
        }
        assertThatThrownBy(() -> grpc("native", Instant.parse("2999-01-01T00:00:00Z")))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                    assertThat(e.getStatus().getDescription()).startsWith("at: ");
                });
        assertThatThrownBy(() -> prices.getTokenPrice(GetTokenPriceRequest.newBuilder().setChainId(CHAIN).setToken("0xzz").build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getDescription()).startsWith("token: "));
    }

    @Test
    void eachSourcesBreakerAndErrorRateAreInHealthAndGauges() {
        // hand-seeded: http:coingecko open, 50 errors of 200 calls = 0.25; the feed closed, no errors
        var check = clients.health.check(io.chaintrack.proto.v1.CheckRequest.getDefaultInstance());
        assertThat(check.getPriceSourcesList()).extracting(p -> p.getSource() + " " + p.getBreakerState() + " " + p.getErrorRate())
                .containsExactly(FEED + " closed 0.0", "http:coingecko open 0.25");
        assertThat(check.getPriceSources(1).getLastError()).isEqualTo("HTTP 429");
        assertThat(check.getPriceSources(1).getLastSuccess()).isEqualTo(ts(NOW.minusSeconds(60)));
        Clients.Response rest = clients.get("/v1/health");
        assertThat(rest.json().getAsJsonArray("priceSources")).hasSize(2);
        MetricsText metrics = MetricsText.parse(clients.get("/metrics").body());
        assertThat(metrics.value("chaintrack_price_source_status_breaker_state", Map.of("source", "http:coingecko"))).isEqualTo(1.0);
        assertThat(metrics.value("chaintrack_price_source_status_breaker_state", Map.of("source", FEED))).isEqualTo(0.0);
        assertThat(metrics.value("chaintrack_price_source_status_error_ratio", Map.of("source", "http:coingecko"))).isEqualTo(0.25);
        assertThat(metrics.value("chaintrack_price_source_status_errors", Map.of("source", "http:coingecko"))).isEqualTo(50);
        assertThat(metrics.value("chaintrack_price_source_status_calls", Map.of("source", "http:coingecko"))).isEqualTo(200);
        assertThat(metrics.value("chaintrack_price_source_status_last_success_timestamp_seconds", Map.of("source", FEED)))
                .isEqualTo((double) NOW.minusSeconds(60).getEpochSecond());
    }

    /** HOLDER's balances (whole tokens) and the hand-entered best USD prices at each window end. */
    static final Map<Instant, Map<String, BigDecimal>> HELD = new TreeMap<>(Map.of(
            Instant.parse("2026-12-01T10:00:00Z"), Map.of("native", new BigDecimal("1.5")),
            Instant.parse("2026-12-01T11:00:00Z"), Map.of("native", new BigDecimal("1.5"), TOK, new BigDecimal("1000"), NFT, BigDecimal.valueOf(2)),
            Instant.parse("2026-12-01T12:00:00Z"), Map.of("native", new BigDecimal("2"), TOK, new BigDecimal("1000"), NFT, BigDecimal.valueOf(2),
                    NOPRICE, new BigDecimal("5"))));
    /** 10:00: the feed's 09:55 answer; 11:00: its 10:55 answer, TOK = 0.0005 of it; 12:00: as in the tests above. */
    static final Map<Instant, Map<String, BigDecimal>> PRICES = Map.of(
            Instant.parse("2026-12-01T10:00:00Z"), Map.of("native", new BigDecimal("1800")),
            Instant.parse("2026-12-01T11:00:00Z"), Map.of("native", new BigDecimal("1900"), TOK, new BigDecimal("0.95")),
            Instant.parse("2026-12-01T12:00:00Z"), Map.of("native", new BigDecimal("2010"), TOK, new BigDecimal("1.005")));

    @Test
    void portfolioValueOverTimeEqualsSumOfBalanceTimesPriceOnBothTransports() {
        GetPortfolioHistoryRequest request = GetPortfolioHistoryRequest.newBuilder().setChainId(CHAIN).setAddress(HOLDER)
                .setWindowSeconds(3600).setCurrency("usd").build();
        GetPortfolioHistoryResponse grpc = clients.balances.getPortfolioHistory(request);
        List<String> expected = new ArrayList<>();
        List<String> actual = new ArrayList<>();
        for (Map.Entry<Instant, Map<String, BigDecimal>> end : HELD.entrySet()) {
            BigDecimal sum = BigDecimal.ZERO;
            List<String> unpriced = new ArrayList<>();
            for (Map.Entry<String, BigDecimal> held : new TreeMap<>(end.getValue()).entrySet()) {
                BigDecimal price = PRICES.get(end.getKey()).get(held.getKey());
                if (price == null) {
                    unpriced.add(held.getKey());
                } else {
                    sum = sum.add(held.getValue().multiply(price));
                }
            }
            expected.add(end.getKey() + " " + sum.stripTrailingZeros().toPlainString() + " " + unpriced);
        }
        for (TotalValueView v : grpc.getValuesList()) {
            Instant at = Instant.ofEpochSecond(v.getValuedAt().getSeconds());
            actual.add(at + " " + v.getValue() + " " + v.getUnpricedTokensList());
        }
        // 2700; 2850 + 950 = 3800; 4020 + 1005 = 5025
        assertThat(actual).containsExactlyElementsOf(expected)
                .containsExactly("2026-12-01T10:00:00Z 2700 []", "2026-12-01T11:00:00Z 3800 [" + NFT + "]",
                        "2026-12-01T12:00:00Z 5025 [" + NOPRICE + ", " + NFT + "]");
        Clients.Response rest = clients.get("/v1/chains/1/addresses/" + HOLDER + "/history?window_seconds=3600&currency=usd");
        assertThat(rest.status()).as(rest.body()).isEqualTo(200);
        assertThat(rest.parse(GetPortfolioHistoryResponse.newBuilder()).build()).isEqualTo(grpc);
        // each window valued at its end, with the price's source and confidence
        var nativeWindows = grpc.getTokensList().stream().filter(t -> t.getToken().equals("native")).findFirst().orElseThrow();
        var first = nativeWindows.getWindows(0).getValue();
        assertThat(first.getValue()).isEqualTo("2700");
        assertThat(first.getPrice()).isEqualTo("1800");
        assertThat(first.getSource()).isEqualTo(FEED);
        assertThat(first.getConfidence()).isEqualTo("0.500000"); // 5 min old of 10: freshness 0.5
        assertThat(first.getValuedAt()).isEqualTo(ts(Instant.parse("2026-12-01T10:00:00Z")));
        var nft = grpc.getTokensList().stream().filter(t -> t.getToken().equals(NFT)).findFirst().orElseThrow();
        assertThat(nft.getWindows(0).getValue().getPriced()).isFalse();
        assertThat(nft.getWindows(0).getValue().getValue()).isEmpty();
        assertThat(nft.getWindows(0).getValue().getReason()).isNotEmpty();
        // without currency: amounts only, as before
        assertThat(clients.balances.getPortfolioHistory(request.toBuilder().clearCurrency().build()).getValuesList()).isEmpty();
    }

    @Test
    void balancesAndOneTokensHistoryInUsd() {
        GetBalancesResponse now = clients.balances.getBalances(GetBalancesRequest.newBuilder().setChainId(CHAIN).setAddress(HOLDER)
                .setCurrency("usd").build());
        Map<String, BalanceView> byToken = new TreeMap<>();
        now.getBalancesList().forEach(b -> byToken.put(b.getToken(), b));
        // every native source is hours old now: the last known good pick (2010, as at T), stale; TOK routed through it
        assertThat(byToken.get("native").getValue().getValue()).isEqualTo("4020");
        assertThat(byToken.get("native").getValue().getStale()).isTrue();
        assertThat(byToken.get(TOK).getValue().getValue()).isEqualTo("1005");
        assertThat(byToken.get(NOPRICE).getValue().getPriced()).isFalse();
        assertThat(byToken.get(NOPRICE).getValue().getReason()).contains("no price source");
        assertThat(now.getTotalValue().getValue()).isEqualTo("5025");
        assertThat(now.getTotalValue().getUnpricedTokensList()).containsExactly(NOPRICE, NFT);
        assertThat(now.getTotalValue().getStale()).isTrue();
        Clients.Response rest = clients.get("/v1/chains/1/addresses/" + HOLDER + "/balances?currency=USD");
        assertThat(rest.parse(GetBalancesResponse.newBuilder()).build().getTotalValue().getValue()).isEqualTo("5025");

        GetBalanceHistoryResponse history = clients.balances.getBalanceHistory(GetBalanceHistoryRequest.newBuilder()
                .setChainId(CHAIN).setAddress(HOLDER).setToken("native").setWindowSeconds(3600).setCurrency("usd").build());
        assertThat(history.getWindowsList()).extracting(w -> w.getValue().getValue()).containsExactly("2700", "4020");
        assertThat(history.getWindows(1).getValue().getValuedAt()).isEqualTo(ts(T));
        assertThat(history.getWindows(1).getValue().getSource()).isEqualTo("http:coingecko");
    }
}
