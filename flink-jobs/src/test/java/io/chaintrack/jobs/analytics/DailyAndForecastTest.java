package io.chaintrack.jobs.analytics;

import static io.chaintrack.jobs.analytics.Blocks.fact;
import static io.chaintrack.jobs.analytics.Chains.address;
import static org.assertj.core.api.Assertions.assertThat;

import io.chaintrack.jobs.analytics.functions.DailyForecaster;
import io.chaintrack.jobs.analytics.functions.DailyRollup;
import io.chaintrack.jobs.analytics.model.LedgerBlock;
import io.chaintrack.jobs.analytics.model.SeriesPoint;
import io.chaintrack.jobs.analytics.model.SqlRow;
import io.chaintrack.jobs.analytics.sink.Tables;
import io.chaintrack.jobs.analytics.stats.HoltForecast;
import java.math.BigInteger;
import java.time.LocalDate;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.junit.jupiter.api.Test;

class DailyAndForecastTest {
    static final long DAY = 86_400;
    static final long D0 = 19_700; // an epoch day
    static final String A = Chains.token(0), B = Chains.token(1);

    @Test
    void dayRowsFollowEveryBlockAndAClosedDayGoesToForecasting() throws Exception {
        var h = Harnesses.open(new DailyRollup(AnalyticsConfig.defaults()), (LedgerBlock b) -> b.block().chainId(), Types.LONG);
        h.processElement(Blocks.ledger(Blocks.block(1, 1, D0 * DAY + 5, fact(A, address(1), address(2), 5), fact(B, address(1), address(2), 1)), 0, 2, 2), 1);
        h.processElement(Blocks.ledger(Blocks.block(1, 2, D0 * DAY + 50, fact(B, address(3), address(2), 2), fact(B, address(3), address(2), 2)), 0, 1, 1), 2);
        List<SqlRow> rows = Harnesses.drain(h);
        SqlRow day = rows.stream().filter(r -> r.table().equals(Tables.DAILY.name())).reduce((a, b) -> b).orElseThrow();
        assertThat(day.get(Tables.DAILY.index("transfers"))).isEqualTo(4L);
        assertThat(day.get(Tables.DAILY.index("active_addresses"))).isEqualTo(3L);
        assertThat(day.get(Tables.DAILY.index("day"))).isEqualTo(LocalDate.ofEpochDay(D0));
        assertThat((String) day.get(Tables.DAILY.index("top_tokens"))).startsWith("[{\"token\":\"" + B + "\",\"transfers\":3");
        SqlRow tokenB = rows.stream().filter(r -> r.table().equals(Tables.DAILY_TOKENS.name()) && B.equals(r.get(1))).reduce((a, b) -> b).orElseThrow();
        assertThat(tokenB.get(Tables.DAILY_TOKENS.index("volume"))).isEqualTo(BigInteger.valueOf(5));
        assertThat(h.getSideOutput(DailyRollup.DAILY_POINTS)).isNull();
        var tops = h.getSideOutput(DailyRollup.TOP_TOKENS_OUT).stream().map(StreamRecord::getValue).toList();
        assertThat(tops).hasSize(2);
        assertThat(tops.get(1).seq()).isEqualTo(3L);
        assertThat(tops.get(1).tokens()).extracting(e -> e.token(), e -> e.transfers()).containsExactly(
                org.assertj.core.groups.Tuple.tuple(B, 3L), org.assertj.core.groups.Tuple.tuple(A, 1L));

        // two days later: day D0 closes, D0+1 (no blocks) closes as zeros
        h.processElement(Blocks.ledger(Blocks.block(1, 3, (D0 + 2) * DAY), 0, 0, 0), 3);
        List<SeriesPoint> points = h.getSideOutput(DailyRollup.DAILY_POINTS).stream().map(StreamRecord::getValue).toList();
        assertThat(points).extracting(SeriesPoint::start, SeriesPoint::metric, SeriesPoint::value).contains(
                org.assertj.core.groups.Tuple.tuple(D0, "transfers", 4.0),
                org.assertj.core.groups.Tuple.tuple(D0, "new_addresses", 3.0),
                org.assertj.core.groups.Tuple.tuple(D0 + 1, "transfers", 0.0));
        assertThat(Harnesses.drain(h)).extracting(r -> r.get(Tables.DAILY.index("day")))
                .contains(LocalDate.ofEpochDay(D0 + 1), LocalDate.ofEpochDay(D0 + 2));
    }

    @Test
    void holtFollowsALinearTrendAndItsIntervalsWiden() {
        double[] y = new double[30];
        for (int i = 0; i < y.length; i++) {
            y[i] = 100 + 5 * i + (i % 2 == 0 ? 2 : -2);
        }
        HoltForecast.Result r = HoltForecast.forecast(y, 7);
        assertThat(r.points()[0].value()).isBetween(245.0, 255.0);
        assertThat(r.points()[6].value()).isBetween(275.0, 285.0);
        for (int i = 1; i < 7; i++) {
            assertThat(r.points()[i].upper() - r.points()[i].lower()).isGreaterThan(r.points()[i - 1].upper() - r.points()[i - 1].lower());
        }
        assertThat(r.points()[0].lower()).isLessThan(r.points()[0].value());
    }

    @Test
    void forecastsAreMadeForEachClosedDayOnceThereIsEnoughHistory() throws Exception {
        var h = Harnesses.open(new DailyForecaster(AnalyticsConfig.defaults().withForecast(7, 5)), SeriesPoint::seriesKey, Types.STRING);
        for (int d = 0; d < 6; d++) {
            h.processElement(new SeriesPoint(1, null, "transfers", D0 + d, 100 + 10 * d), D0 + d);
        }
        List<SqlRow> rows = Harnesses.drain(h);
        assertThat(rows).hasSize(14); // base days D0+4 and D0+5, 7 days each
        SqlRow last = rows.get(13);
        assertThat(last.get(Tables.FORECASTS.index("base_day"))).isEqualTo(LocalDate.ofEpochDay(D0 + 5));
        assertThat(last.get(Tables.FORECASTS.index("target_day"))).isEqualTo(LocalDate.ofEpochDay(D0 + 12));
        assertThat((Double) last.get(Tables.FORECASTS.index("value"))).isBetween(210.0, 230.0);
    }
}
