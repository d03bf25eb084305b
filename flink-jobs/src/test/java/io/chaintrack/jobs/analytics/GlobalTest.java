package io.chaintrack.jobs.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import io.chaintrack.jobs.analytics.functions.GlobalAddressRegistry;
import io.chaintrack.jobs.analytics.functions.GlobalRollup;
import io.chaintrack.jobs.analytics.model.AddressEvent;
import io.chaintrack.jobs.analytics.model.AddressEvent.Kind;
import io.chaintrack.jobs.analytics.model.GlobalInput;
import io.chaintrack.jobs.analytics.model.SqlRow;
import io.chaintrack.jobs.analytics.sink.Tables;
import java.time.LocalDate;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.junit.jupiter.api.Test;

class GlobalTest {
    static final String X = Chains.address(7);

    @Test
    void registryCountsAnAddressOnceAcrossChainsAndMovesItsFirstDayEarlier() throws Exception {
        var h = Harnesses.open(new GlobalAddressRegistry(AnalyticsConfig.defaults()), AddressEvent::address, Types.STRING);
        h.processElement(new AddressEvent(X, 10, Kind.SEEN, 105), 0);
        h.processElement(new AddressEvent(X, 10, Kind.SENT, 105), 0);
        h.processElement(new AddressEvent(X, 10, Kind.HOLDER_ON, 105), 0);
        h.processElement(new AddressEvent(X, 1, Kind.SEEN, 100), 0);
        h.processElement(new AddressEvent(X, 1, Kind.SENT, 100), 0);
        h.processElement(new AddressEvent(X, 1, Kind.HOLDER_ON, 100), 0);
        h.processElement(new AddressEvent(X, 10, Kind.HOLDER_OFF, 106), 0);
        h.processElement(new AddressEvent(X, 1, Kind.ACTIVE, 100), 0);
        h.processElement(new AddressEvent(X, 10, Kind.ACTIVE, 100), 0);
        List<GlobalInput> out = Harnesses.drain(h);
        assertThat(out).extracting(GlobalInput::kind, GlobalInput::day, GlobalInput::delta).containsExactly(
                org.assertj.core.groups.Tuple.tuple(GlobalInput.Kind.NEW_ADDRESS, 105L, 1L),
                org.assertj.core.groups.Tuple.tuple(GlobalInput.Kind.SENDER, 105L, 1L),
                org.assertj.core.groups.Tuple.tuple(GlobalInput.Kind.HOLDER, 105L, 1L),
                org.assertj.core.groups.Tuple.tuple(GlobalInput.Kind.NEW_ADDRESS, 105L, -1L),
                org.assertj.core.groups.Tuple.tuple(GlobalInput.Kind.NEW_ADDRESS, 100L, 1L),
                org.assertj.core.groups.Tuple.tuple(GlobalInput.Kind.ACTIVE, 100L, 1L));
    }

    @Test
    void rollupFlushesChangedRowsOnItsTimersAndDropsDaysPastRetention() throws Exception {
        AnalyticsConfig config = new AnalyticsConfig(java.time.Duration.ofHours(1), 24, 6, 3, 1.5, 10, 200, 100, 12, 64, 0,
                java.util.Map.of(), 3, 7, 7, 90);
        var h = Harnesses.open(new GlobalRollup(config), (GlobalInput g) -> 0, Types.INT);
        h.processElement(new GlobalInput(GlobalInput.Kind.BLOCK, 1, 100, 1, 5, 100 * 86_400L, 1, true), 0);
        h.processElement(new GlobalInput(GlobalInput.Kind.BLOCK, 10, 100, 1, 3, 100 * 86_400L + 7, 1, false), 0);
        h.processElement(GlobalInput.delta(GlobalInput.Kind.HOLDER, 100, 2), 0);
        assertThat(Harnesses.drain(h)).as("nothing before the flush").isEmpty();
        h.setProcessingTime(2_000);
        List<SqlRow> rows = Harnesses.drain(h);
        SqlRow totals = rows.stream().filter(r -> r.table().equals(Tables.TOTALS.name())).findFirst().orElseThrow();
        assertThat(totals.get(Tables.TOTALS.index("transfers"))).isEqualTo(8L);
        assertThat(totals.get(Tables.TOTALS.index("holders"))).isEqualTo(2L);
        assertThat(totals.get(Tables.TOTALS.index("accuracy"))).isEqualTo("partial");
        assertThat(rows).filteredOn(r -> r.table().equals(Tables.DAILY.name())).hasSize(1);

        h.processElement(new GlobalInput(GlobalInput.Kind.BLOCK, 1, 104, 1, 1, 104 * 86_400L, 2, true), 0);
        h.processWatermark(new Watermark(Long.MAX_VALUE));
        List<SqlRow> end = Harnesses.drain(h);
        assertThat(end).filteredOn(r -> r.table().equals(Tables.DAILY.name()))
                .extracting(r -> r.get(Tables.DAILY.index("day"))).containsExactly(LocalDate.ofEpochDay(104));
        assertThat(h.numKeyedStateEntries()).as("day 100 left state: retention 3 days").isLessThanOrEqualTo(5);
    }

    @Test
    void globalTopTokensMergeEachChainsNewestListInAnyOrder() throws Exception {
        var top1 = new io.chaintrack.jobs.analytics.model.DayTopTokens(1, 100, 5, List.of(
                new io.chaintrack.jobs.analytics.model.DayTopTokens.Entry("0xaa", 10, java.math.BigInteger.valueOf(1000)),
                new io.chaintrack.jobs.analytics.model.DayTopTokens.Entry("0xbb", 3, java.math.BigInteger.TEN)));
        var stale1 = new io.chaintrack.jobs.analytics.model.DayTopTokens(1, 100, 4, List.of(
                new io.chaintrack.jobs.analytics.model.DayTopTokens.Entry("0xaa", 9, java.math.BigInteger.ONE)));
        var top10 = new io.chaintrack.jobs.analytics.model.DayTopTokens(10, 100, 2, List.of(
                new io.chaintrack.jobs.analytics.model.DayTopTokens.Entry("native", 7, java.math.BigInteger.TWO),
                new io.chaintrack.jobs.analytics.model.DayTopTokens.Entry("0xcc", 3, java.math.BigInteger.ONE)));
        String expected = "[{\"chain_id\":1,\"token\":\"0xaa\",\"transfers\":10,\"volume\":\"1000\"},"
                + "{\"chain_id\":10,\"token\":\"native\",\"transfers\":7,\"volume\":\"2\"},"
                + "{\"chain_id\":1,\"token\":\"0xbb\",\"transfers\":3,\"volume\":\"10\"},"
                + "{\"chain_id\":10,\"token\":\"0xcc\",\"transfers\":3,\"volume\":\"1\"}]";
        for (List<GlobalInput> order : List.of(
                List.of(GlobalInput.topTokens(stale1), GlobalInput.topTokens(top1), GlobalInput.topTokens(top10)),
                List.of(GlobalInput.topTokens(top10), GlobalInput.topTokens(top1), GlobalInput.topTokens(stale1)))) {
            var h = Harnesses.open(new GlobalRollup(AnalyticsConfig.defaults()), (GlobalInput g) -> 0, Types.INT);
            h.processElement(new GlobalInput(GlobalInput.Kind.BLOCK, 1, 100, 1, 13, 100 * 86_400L, 5, true), 0);
            for (GlobalInput in : order) {
                h.processElement(in, 0);
            }
            h.setProcessingTime(2_000);
            SqlRow day = Harnesses.drain(h).stream().filter(r -> r.table().equals(Tables.DAILY.name())).findFirst().orElseThrow();
            assertThat(day.get(Tables.DAILY.index("top_tokens"))).isEqualTo(expected);
            assertThat(day.get(Tables.DAILY.index("transfers"))).as("top tokens add no transfers").isEqualTo(13L);
        }
    }
}
