package io.chaintrack.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.google.gson.JsonObject;
import com.google.protobuf.Timestamp;
import com.google.protobuf.util.JsonFormat;
import io.chaintrack.api.query.LiveStreams;
import io.chaintrack.embedded.EmbeddedPostgresServer;
import io.chaintrack.proto.v1.Accuracy;
import io.chaintrack.proto.v1.AnalyticsServiceGrpc;
import io.chaintrack.proto.v1.AnalyticsTotalsView;
import io.chaintrack.proto.v1.AnomalyMethod;
import io.chaintrack.proto.v1.AnomalyView;
import io.chaintrack.proto.v1.CountMethod;
import io.chaintrack.proto.v1.DailyMetricsView;
import io.chaintrack.proto.v1.ForecastView;
import io.chaintrack.proto.v1.GetAnalyticsTotalsRequest;
import io.chaintrack.proto.v1.GetAnalyticsTotalsResponse;
import io.chaintrack.proto.v1.ListAnomaliesRequest;
import io.chaintrack.proto.v1.ListAnomaliesResponse;
import io.chaintrack.proto.v1.ListDailyMetricsRequest;
import io.chaintrack.proto.v1.ListDailyMetricsResponse;
import io.chaintrack.proto.v1.ListForecastsRequest;
import io.chaintrack.proto.v1.ListForecastsResponse;
import io.chaintrack.proto.v1.Severity;
import io.chaintrack.proto.v1.StreamAnomaliesRequest;
import io.chaintrack.proto.v1.StreamAnomaliesResponse;
import io.chaintrack.proto.v1.TotalsScope;
import io.chaintrack.proto.v1.TopTokenView;
import java.net.URI;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The analytics routes over the analytics job's tables (V10), per chain and across chains, on both
 * transports: totals with accuracy and HLL bounds, daily metrics by period, forecasts by base day,
 * anomalies filtered and paged newest first, and the live anomaly stream.
 */
class AnalyticsTest {
    static final String TOKEN_A = "0x" + "a".repeat(40);
    static final String TOKEN_B = "0x" + "b".repeat(40);
    static final Instant W0 = Instant.parse("2024-01-01T00:00:00Z");
    static ApiFixture fixture;
    static EmbeddedPostgresServer postgres;
    static QueryApi api;
    static Clients clients;
    static AnalyticsServiceGrpc.AnalyticsServiceBlockingStub grpc;

    record Anomaly(long chain, String token, String metric, Instant window, String method, String subject, double score,
                   String severity) {}

    static final List<Anomaly> anomalies = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        fixture = ApiFixture.builder().seedConnection(c -> {
            SeedData.execute(c, "INSERT INTO chains (chain_id, name) VALUES (1, 'one'), (2, 'two'), (3, 'quiet')");
            for (String table : List.of("analytics_anomalies", "analytics_daily", "analytics_forecasts")) {
                SeedData.execute(c, "SELECT chaintrack_ensure_day_partitions('" + table + "', DATE '2023-12-25', DATE '2024-01-20')");
            }
            SeedData.execute(c, "INSERT INTO analytics_totals (scope, chain_id, token, transfers, volume, senders, senders_lower,"
                    + " senders_upper, senders_method, receivers, receivers_lower, receivers_upper, receivers_method, holders,"
                    + " first_block, last_block, first_block_time, last_block_time, source_block, source_time, blocks_covered, accuracy,"
                    + " covered_from_block, covered_to_block) VALUES"
                    + " ('GLOBAL', NULL, NULL, 900, NULL, 50, 50, 50, 'exact', 60, 60, 60, 'exact', 40, NULL, NULL,"
                    + "   '2024-01-01T00:00:12Z', '2024-01-09T00:00:00Z', NULL, '2024-01-09T00:00:00Z', 3000, 'partial', NULL, NULL),"
                    + " ('CHAIN', 1, NULL, 700, NULL, 40, 40, 40, 'exact', 45, 45, 45, 'exact', 30, 1, 2000,"
                    + "   '2024-01-01T00:00:12Z', '2024-01-09T00:00:00Z', 2000, '2024-01-09T00:00:00Z', 2000, 'exact', 1, 2000),"
                    + " ('CHAIN', 2, NULL, 200, NULL, 10, 10, 10, 'exact', 15, 15, 15, 'exact', 10, 5, 1004,"
                    + "   '2024-01-02T00:00:00Z', '2024-01-08T00:00:00Z', 1004, '2024-01-08T00:00:00Z', 1000, 'partial', 500, 1004),"
                    + " ('TOKEN', 1, 'native', 300, 123456789012345678901234567890, 150000, 147000, 153000, 'hll',"
                    + "   20, 20, 20, 'exact', 25, 1, 2000, '2024-01-01T00:00:12Z', '2024-01-09T00:00:00Z', 2000, '2024-01-09T00:00:00Z', 2000, 'exact', 1, 2000),"
                    + " ('TOKEN', 1, '" + TOKEN_A + "', 200, 5000, 5, 5, 5, 'exact', 6, 6, 6, 'exact', 3, 10, 1990, NULL, NULL, 1990,"
                    + "   '2024-01-09T00:00:00Z', 2000, 'exact', 1, 2000),"
                    + " ('TOKEN', 1, '" + TOKEN_B + "', 200, 7, 1, 1, 1, 'exact', 1, 1, 1, 'exact', 1, 11, 12, NULL, NULL, 12,"
                    + "   '2024-01-09T00:00:00Z', 2000, 'exact', 1, 2000),"
                    + " ('TOKEN', 1, '0x" + "c".repeat(40) + "', 10, 1, 1, 1, 1, 'exact', 1, 1, 1, 'exact', 1, 13, 13, NULL, NULL, 13,"
                    + "   '2024-01-09T00:00:00Z', 2000, 'exact', 1, 2000),"
                    + " ('TOKEN', 2, 'native', 200, 99, 10, 10, 10, 'exact', 15, 15, 15, 'exact', 10, 5, 1004, NULL, NULL, 1004,"
                    + "   '2024-01-08T00:00:00Z', 1000, 'partial', 500, 1004)");
            for (int d = 0; d < 10; d++) {
                LocalDate day = LocalDate.of(2024, 1, 1).plusDays(d);
                SeedData.execute(c, "INSERT INTO analytics_daily (scope, chain_id, day, transfers, active_addresses, new_addresses, blocks,"
                        + " top_tokens, source_block, source_time, blocks_covered, accuracy) VALUES"
                        + " ('CHAIN', 1, '" + day + "', " + (100 + d) + ", " + (10 + d) + ", " + d + ", 7200, '[{\"token\":\"native\","
                        + "\"transfers\":" + (60 + d) + ",\"volume\":\"1000000000000000000000\"},{\"token\":\"" + TOKEN_A + "\",\"transfers\":40,"
                        + "\"volume\":\"5\"}]', " + (7200 * (d + 1)) + ", '" + day.plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC) + "', "
                        + (7200 * (d + 1)) + ", 'exact'),"
                        + " ('GLOBAL', NULL, '" + day + "', " + (150 + d) + ", " + (15 + d) + ", " + d + ", 9000, "
                        + (d == 9 ? "'[{\"chain_id\":2,\"token\":\"native\",\"transfers\":99,\"volume\":\"7\"},"
                                + "{\"chain_id\":1,\"token\":\"native\",\"transfers\":69,\"volume\":\"8\"}]'" : "NULL")
                        + ", NULL, '"
                        + day.plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC) + "', " + (9000 * (d + 1)) + ", "
                        + (d < 5 ? "'partial'" : "'exact'") + ")");
            }
            for (String base : List.of("2024-01-08", "2024-01-09")) {
                for (String metric : List.of("transfers", "new_addresses", "active_addresses")) {
                    for (int h = 1; h <= 3; h++) {
                        SeedData.execute(c, "INSERT INTO analytics_forecasts (scope, chain_id, metric, base_day, target_day, horizon_days,"
                                + " value, lower, upper, confidence, alpha, beta, sigma, history_days) VALUES ('CHAIN', 1, '" + metric + "', '"
                                + base + "', DATE '" + base + "' + " + h + ", " + h + ", " + (100.5 + h) + ", 90, 120, 0.95, 0.3, 0.1, 4.5, 9)");
                    }
                }
            }
            int hour = 0;
            for (long chain : List.of(1L, 2L)) {
                for (int w = 0; w < 12; w++) {
                    Instant window = W0.plusSeconds(3600L * (w + hour));
                    anomaly(c, new Anomaly(chain, null, "transfers", window, "ZSCORE", "", w % 4 == 0 ? 7.5 : 0.5,
                            w % 4 == 0 ? "critical" : "none"));
                    anomaly(c, new Anomaly(chain, "native", "volume", window, "IQR", "", w % 3 == 0 ? 2 : 0.1, w % 3 == 0 ? "warn" : "none"));
                    if (w == 5) {
                        anomaly(c, new Anomaly(chain, TOKEN_A, "transfer_amount", window, "P99", "0xabc:1:2::0", 25, "critical"));
                    }
                }
                hour = 1; // chain 2's windows are an hour later
            }
        }).properties(Map.of("chaintrack.api.streams.poll-interval", "100ms", "chaintrack.api.max-limit", 5,
                "chaintrack.api.default-limit", 3)).start();
        postgres = fixture.postgres;
        api = fixture.api;
        clients = fixture.clients;
        grpc = AnalyticsServiceGrpc.newBlockingStub(clients.channel);
    }

    @AfterAll
    static void stop() throws Exception {
        fixture.close();
    }

    static void anomaly(Connection c, Anomaly a) throws SQLException {
        anomalies.add(a);
        try (PreparedStatement st = c.prepareStatement("INSERT INTO analytics_anomalies (chain_id, token, metric, window_start,"
                + " window_seconds, method, subject, value, baseline, spread, lower_fence, upper_fence, score, threshold, severity,"
                + " baseline_windows, block_number) VALUES (?, ?, ?, ?, 3600, ?, ?, ?, 10, 2, ?, ?, ?, 3, ?, 24, ?)")) {
            st.setLong(1, a.chain());
            st.setString(2, a.token());
            st.setString(3, a.metric());
            st.setObject(4, a.window().atOffset(ZoneOffset.UTC));
            st.setString(5, a.method());
            st.setString(6, a.subject());
            st.setDouble(7, 10 + 2 * a.score());
            if (a.method().equals("P99")) {
                st.setNull(8, java.sql.Types.DOUBLE);
                st.setLong(12, 4242);
            } else {
                st.setDouble(8, 4);
                st.setNull(12, java.sql.Types.BIGINT);
            }
            st.setDouble(9, 16);
            st.setDouble(10, a.score());
            st.setString(11, a.severity());
            st.executeUpdate();
        }
    }

    static Timestamp ts(Instant i) {
        return Timestamp.newBuilder().setSeconds(i.getEpochSecond()).build();
    }

    @Test
    void totalsAcrossChainsAndPerChainWithAccuracy() {
        GetAnalyticsTotalsResponse all = grpc.getAnalyticsTotals(GetAnalyticsTotalsRequest.getDefaultInstance());
        Clients.Response rest = clients.get("/v1/analytics/totals");
        assertThat(rest.status()).isEqualTo(200);
        assertThat(rest.parse(GetAnalyticsTotalsResponse.newBuilder()).build()).isEqualTo(all);
        assertThat(all.getSummary().getScope()).isEqualTo(TotalsScope.TOTALS_SCOPE_GLOBAL);
        assertThat(all.getSummary().getAccuracy()).isEqualTo(Accuracy.ACCURACY_PARTIAL);
        assertThat(all.getSummary().hasSourceBlock()).isFalse();
        assertThat(all.getItemsList()).extracting(AnalyticsTotalsView::getChainId).containsExactly(1L, 2L);
        assertThat(all.getItems(1).getCoveredFromBlock()).isEqualTo(500);
        assertThat(all.getItems(1).getAccuracy()).isEqualTo(Accuracy.ACCURACY_PARTIAL);
        JsonObject global = rest.json().getAsJsonObject("summary");
        assertThat(global.get("volume").getAsString()).isEmpty();
        assertThat(global.get("sourceBlock").isJsonNull()).isTrue();
        assertThat(global.get("coveredFromBlock").isJsonNull()).isTrue();
        assertThat(global.get("sourceTime").getAsString()).isEqualTo("2024-01-09T00:00:00Z");

        // one chain: its row, then its tokens by transfers (ties by token, descending), paged over both transports
        List<AnalyticsTotalsView> tokens = new ArrayList<>();
        String cursor = "";
        int pages = 0;
        do {
            GetAnalyticsTotalsResponse page = grpc.getAnalyticsTotals(GetAnalyticsTotalsRequest.newBuilder().setChainId(1).setLimit(2)
                    .setCursor(cursor).build());
            Clients.Response restPage = clients.get("/v1/chains/1/analytics/totals?limit=2" + (cursor.isEmpty() ? "" : "&cursor=" + cursor));
            assertThat(restPage.parse(GetAnalyticsTotalsResponse.newBuilder()).build()).isEqualTo(page);
            assertThat(page.getSummary().getTransfers()).isEqualTo(700);
            tokens.addAll(page.getItemsList());
            cursor = page.getNextCursor();
            pages++;
        } while (!cursor.isEmpty());
        assertThat(pages).isEqualTo(2);
        assertThat(tokens).extracting(AnalyticsTotalsView::getToken).containsExactly("native", TOKEN_B, TOKEN_A, "0x" + "c".repeat(40));
        AnalyticsTotalsView nativeRow = tokens.get(0);
        assertThat(nativeRow.getVolume()).isEqualTo("123456789012345678901234567890");
        assertThat(nativeRow.getSenders().getMethod()).isEqualTo(CountMethod.COUNT_METHOD_HLL);
        assertThat(nativeRow.getSenders().getLower()).isEqualTo(147000);
        assertThat(nativeRow.getSenders().getUpper()).isEqualTo(153000);
        assertThat(nativeRow.getReceivers().getMethod()).isEqualTo(CountMethod.COUNT_METHOD_EXACT);
        assertThat(tokens.get(1).hasFirstBlockTime()).isFalse();
        // one token, a chain without analytics yet, and a cursor of another query
        assertThat(grpc.getAnalyticsTotals(GetAnalyticsTotalsRequest.newBuilder().setChainId(1).setToken(TOKEN_A.toUpperCase().replace("0X", "0x"))
                .build()).getItemsList()).extracting(AnalyticsTotalsView::getToken).containsExactly(TOKEN_A);
        GetAnalyticsTotalsResponse quiet = grpc.getAnalyticsTotals(GetAnalyticsTotalsRequest.newBuilder().setChainId(3).build());
        assertThat(quiet.hasSummary()).isFalse();
        assertThat(quiet.getItemsList()).isEmpty();
        assertThat(clients.get("/v1/chains/3/analytics/totals").json().get("summary").isJsonNull()).isTrue();
        String first = clients.get("/v1/chains/1/analytics/totals?limit=1").json().get("nextCursor").getAsString();
        assertThat(clients.get("/v1/chains/2/analytics/totals?limit=1&cursor=" + first).json().get("parameter").getAsString()).isEqualTo("cursor");
    }

    @Test
    void dailyMetricsByPeriodPerChainAndGlobal() {
        ListDailyMetricsResponse chain = grpc.listDailyMetrics(ListDailyMetricsRequest.newBuilder().setChainId(1)
                .setStartDay("2024-01-03").setEndDay("2024-01-05").build());
        Clients.Response rest = clients.get("/v1/chains/1/analytics/daily?start_day=2024-01-03&endDay=2024-01-05");
        assertThat(rest.parse(ListDailyMetricsResponse.newBuilder()).build()).isEqualTo(chain);
        assertThat(chain.getDaysList()).extracting(DailyMetricsView::getDay).containsExactly("2024-01-03", "2024-01-04", "2024-01-05");
        DailyMetricsView jan3 = chain.getDays(0);
        assertThat(jan3.getTransfers()).isEqualTo(102);
        assertThat(jan3.getNewAddresses()).isEqualTo(2);
        assertThat(jan3.getTopTokensList()).hasSize(2);
        assertThat(jan3.getTopTokens(0).getVolume()).isEqualTo("1000000000000000000000");
        assertThat(jan3.getTopTokens(0).getTransfers()).isEqualTo(62);
        assertThat(jan3.getTopTokensList()).allMatch(t -> t.getChainId() == 1);
        assertThat(jan3.getSourceBlock()).isEqualTo(7200 * 3);
        assertThat(rest.json().getAsJsonArray("days").get(0).getAsJsonObject().get("day").getAsString()).isEqualTo("2024-01-03");

        ListDailyMetricsResponse global = grpc.listDailyMetrics(ListDailyMetricsRequest.newBuilder().setStartDay("2024-01-06").build());
        assertThat(clients.get("/v1/analytics/daily?start_day=2024-01-06").parse(ListDailyMetricsResponse.newBuilder()).build()).isEqualTo(global);
        assertThat(global.getDaysList()).extracting(DailyMetricsView::getDay)
                .containsExactly("2024-01-06", "2024-01-07", "2024-01-08", "2024-01-09", "2024-01-10");
        assertThat(global.getDaysList()).allMatch(d -> d.getChainId() == 0 && !d.hasSourceBlock()
                && d.getAccuracy() == Accuracy.ACCURACY_EXACT);
        assertThat(global.getDaysList().subList(0, 4)).allMatch(d -> d.getTopTokensCount() == 0);
        // a GLOBAL day's top list names each pair's chain
        assertThat(global.getDays(4).getTopTokensList()).extracting(TopTokenView::getChainId, TopTokenView::getToken, TopTokenView::getVolume)
                .containsExactly(tuple(2L, "native", "7"), tuple(1L, "native", "8"));
        assertThat(grpc.listDailyMetrics(ListDailyMetricsRequest.newBuilder().setEndDay("2024-01-02").build()).getDaysList())
                .allMatch(d -> d.getAccuracy() == Accuracy.ACCURACY_PARTIAL).hasSize(2);
        // more days than one answer holds (max-limit 5 here) is refused rather than cut
        Clients.Response tooMany = clients.get("/v1/chains/1/analytics/daily");
        assertThat(tooMany.status()).isEqualTo(400);
        assertThat(tooMany.json().get("parameter").getAsString()).isEqualTo("start_day");
        assertThat(grpc.listDailyMetrics(ListDailyMetricsRequest.newBuilder().setChainId(3).build()).getDaysList()).isEmpty();
    }

    @Test
    void forecastsOfTheLatestOrAGivenBaseDay() {
        ListForecastsResponse latest = grpc.listForecasts(ListForecastsRequest.newBuilder().setChainId(1).build());
        assertThat(clients.get("/v1/chains/1/analytics/forecasts").parse(ListForecastsResponse.newBuilder()).build()).isEqualTo(latest);
        assertThat(latest.getBaseDay()).isEqualTo("2024-01-09");
        assertThat(latest.getForecastsList()).hasSize(9);
        assertThat(latest.getForecastsList()).extracting(ForecastView::getMetric).startsWith("active_addresses", "active_addresses", "active_addresses");
        assertThat(latest.getForecasts(0).getTargetDay()).isEqualTo("2024-01-10");
        assertThat(latest.getForecasts(0).getValue()).isEqualTo(101.5);
        assertThat(latest.getForecasts(0).getConfidence()).isEqualTo(0.95);
        ListForecastsResponse older = grpc.listForecasts(ListForecastsRequest.newBuilder().setChainId(1).setBaseDay("2024-01-08")
                .setMetric("TRANSFERS").build());
        assertThat(clients.get("/v1/chains/1/analytics/forecasts?base_day=2024-01-08&metric=transfers")
                .parse(ListForecastsResponse.newBuilder()).build()).isEqualTo(older);
        assertThat(older.getForecastsList()).extracting(ForecastView::getTargetDay).containsExactly("2024-01-09", "2024-01-10", "2024-01-11");
        ListForecastsResponse none = grpc.listForecasts(ListForecastsRequest.getDefaultInstance());
        assertThat(none.getBaseDay()).isEmpty();
        assertThat(none.getForecastsList()).isEmpty();
        assertThat(clients.get("/v1/analytics/forecasts").json().get("baseDay").getAsString()).isEmpty();
    }

    static List<Anomaly> expected(Predicate<Anomaly> filter) {
        return anomalies.stream().filter(filter)
                .sorted(Comparator.comparing(Anomaly::window).thenComparingLong(Anomaly::chain)
                        .thenComparing(a -> a.token() == null ? "" : a.token()).thenComparing(Anomaly::metric)
                        .thenComparing(Anomaly::method).thenComparing(Anomaly::subject).reversed())
                .toList();
    }

    static List<AnomalyView> walk(String path, ListAnomaliesRequest base) {
        List<AnomalyView> out = new ArrayList<>();
        String cursor = "";
        do {
            ListAnomaliesResponse page = grpc.listAnomalies(base.toBuilder().setLimit(2).setCursor(cursor).build());
            Clients.Response rest = clients.get(path + (path.contains("?") ? "&" : "?") + "limit=2" + (cursor.isEmpty() ? "" : "&cursor=" + cursor));
            assertThat(rest.status()).as(rest.body()).isEqualTo(200);
            assertThat(rest.parse(ListAnomaliesResponse.newBuilder()).build()).isEqualTo(page);
            out.addAll(page.getAnomaliesList());
            cursor = page.getNextCursor();
        } while (!cursor.isEmpty());
        return out;
    }

    static List<String> keys(List<AnomalyView> views) {
        return views.stream().map(v -> v.getChainId() + "/" + v.getToken() + "/" + v.getMetric() + "/" + v.getWindowStart().getSeconds()
                + "/" + v.getMethod().name().substring("ANOMALY_METHOD_".length())).toList();
    }

    static List<String> anomalyKeys(List<Anomaly> anomalies) {
        return anomalies.stream().map(a -> a.chain() + "/" + (a.token() == null ? "" : a.token()) + "/" + a.metric() + "/"
                + a.window().getEpochSecond() + "/" + a.method()).toList();
    }

    @Test
    void anomaliesAreFilteredAndPagedNewestFirst() {
        List<AnomalyView> flagged = walk("/v1/analytics/anomalies", ListAnomaliesRequest.getDefaultInstance());
        assertThat(keys(flagged)).containsExactlyElementsOf(anomalyKeys(expected(a -> !a.severity().equals("none"))));
        assertThat(flagged).allMatch(a -> a.getSeverity() != Severity.SEVERITY_NONE);
        AnomalyView p99 = flagged.stream().filter(a -> a.getMethod() == AnomalyMethod.ANOMALY_METHOD_P99).findFirst().orElseThrow();
        assertThat(p99.getBlockNumber()).isEqualTo(4242);
        assertThat(p99.hasLowerFence()).isFalse();
        assertThat(p99.getSubject()).isEqualTo("0xabc:1:2::0");
        assertThat(flagged.stream().filter(a -> a.getMetric().equals("transfers")).findFirst().orElseThrow().getToken()).isEmpty();

        assertThat(keys(walk("/v1/chains/2/analytics/anomalies?min_severity=critical", ListAnomaliesRequest.newBuilder().setChainId(2)
                .setMinSeverity(Severity.SEVERITY_CRITICAL).build())))
                .containsExactlyElementsOf(anomalyKeys(expected(a -> a.chain() == 2 && a.severity().equals("critical"))));
        assertThat(keys(walk("/v1/chains/1/analytics/anomalies?min_severity=SEVERITY_NONE&metric=volume&token=native&method=iqr",
                ListAnomaliesRequest.newBuilder().setChainId(1).setMinSeverity(Severity.SEVERITY_NONE).setMetric("volume").setToken("native")
                        .setMethod(AnomalyMethod.ANOMALY_METHOD_IQR).build())))
                .containsExactlyElementsOf(anomalyKeys(expected(a -> a.chain() == 1 && "native".equals(a.token()) && a.metric().equals("volume"))))
                .hasSize(12);
        Instant from = W0.plusSeconds(3 * 3600);
        Instant to = W0.plusSeconds(9 * 3600);
        assertThat(keys(walk("/v1/analytics/anomalies?start_time=" + from + "&end_time=" + to, ListAnomaliesRequest.newBuilder()
                .setStartTime(ts(from)).setEndTime(ts(to)).build())))
                .containsExactlyElementsOf(anomalyKeys(expected(a -> !a.severity().equals("none") && !a.window().isBefore(from)
                        && a.window().isBefore(to))));
        // the same cursor with another filter is refused
        String cursor = clients.get("/v1/analytics/anomalies?limit=1").json().get("nextCursor").getAsString();
        Clients.Response foreign = clients.get("/v1/analytics/anomalies?limit=1&min_severity=critical&cursor=" + cursor);
        assertThat(foreign.status()).isEqualTo(400);
        assertThat(foreign.json().get("parameter").getAsString()).isEqualTo("cursor");
    }

    @Test
    void newFlaggedAnomaliesArriveLiveOnBothTransports() throws Exception {
        LiveStreams streams = api.context().getBean(LiveStreams.class);
        try (var grpcMessages = new LiveReaders.Grpc<StreamAnomaliesResponse>("grpc chain 2", observer -> AnalyticsServiceGrpc
                .newStub(clients.channel).streamAnomalies(StreamAnomaliesRequest.newBuilder().setChainId(2).build(), observer));
             var sseMessages = new LiveReaders.Sse<StreamAnomaliesResponse>("sse critical", URI.create("http://localhost:"
                     + api.httpPort() + "/v1/analytics/anomalies/stream?min_severity=critical"), "anomaly", json -> {
                 StreamAnomaliesResponse.Builder b = StreamAnomaliesResponse.newBuilder();
                 JsonFormat.parser().merge(json, b);
                 return b.build();
             })) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (streams.running() < 2) {
                assertThat(System.nanoTime()).as("two running streams").isLessThan(deadline);
                Thread.sleep(20);
            }
            Instant late = W0.plusSeconds(3600 * 12);
            try (Connection c = postgres.dataSource().getConnection()) {
                c.setAutoCommit(false);
                // chain 1 critical: only the SSE stream (every chain, critical) wants it
                anomaly(c, new Anomaly(1, null, "gas_used", late, "ZSCORE", "", 9, "critical"));
                // chain 2 warn: only the gRPC stream (chain 2, warn and up) wants it
                anomaly(c, new Anomaly(2, "native", "active_addresses", late, "IQR", "", 2.5, "warn"));
                // not flagged: nobody
                anomaly(c, new Anomaly(2, null, "block_interval", late, "ZSCORE", "", 0.2, "none"));
                // an older window written late (inside the margin): the gRPC stream still catches it
                anomaly(c, new Anomaly(2, TOKEN_B, "transfers", W0.plusSeconds(3600 * 8), "ZSCORE", "", 3.5, "warn"));
                c.commit();
            }
            List<StreamAnomaliesResponse> g = grpcMessages.next(2);
            assertThat(g).doesNotContainNull();
            assertThat(g).extracting(m -> m.getAnomaly().getMetric()).containsExactly("transfers", "active_addresses");
            StreamAnomaliesResponse s = sseMessages.next();
            assertThat(s).isNotNull();
            assertThat(s.getAnomaly().getMetric()).isEqualTo("gas_used");
            assertThat(s.getAnomaly().getSeverity()).isEqualTo(Severity.SEVERITY_CRITICAL);
            Thread.sleep(500); // several more polls: nothing else arrives
            grpcMessages.assertNothingQueued();
            sseMessages.assertNothingQueued();
            // both readers were alive through the quiet period: a later anomaly both want arrives, and arrives first
            try (Connection c = postgres.dataSource().getConnection()) {
                anomaly(c, new Anomaly(2, null, "transfers", W0.plusSeconds(3600 * 13), "ZSCORE", "", 8, "critical"));
            }
            assertThat(grpcMessages.next().getAnomaly().getMetric()).isEqualTo("transfers");
            assertThat(sseMessages.next().getAnomaly()).satisfies(a -> {
                assertThat(a.getMetric()).isEqualTo("transfers");
                assertThat(a.getChainId()).isEqualTo(2);
                assertThat(a.getWindowStart().getSeconds()).isEqualTo(W0.plusSeconds(3600 * 13).getEpochSecond());
            });
        }
    }
}
