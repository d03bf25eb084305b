package io.chaintrack.jobs.balances;

import io.chaintrack.core.config.Durations;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class BalanceJobCommandTest {
    private static final String[] REQUIRED = {"--bootstrap-servers", "kafka:9092", "--jdbc-url", "jdbc:postgresql://db:5432/chaintrack"};

    private static String[] args(String... extra) {
        String[] all = new String[REQUIRED.length + extra.length];
        System.arraycopy(REQUIRED, 0, all, 0, REQUIRED.length);
        System.arraycopy(extra, 0, all, REQUIRED.length, extra.length);
        return all;
    }

    @Test
    void defaults() {
        BalanceJob job = BalanceJob.parse(args());
        assertThat(job.config()).isEqualTo(BalanceJobConfig.defaults());
        assertThat(job.config().windows()).containsExactly(Duration.ofHours(1));
        assertThat(job.config().reorgHorizon()).isEqualTo(Duration.ofDays(1));
        assertThat(job.kafkaInput().bounded()).isFalse();
        assertThat(job.kafkaInput().groupId()).isEqualTo("chaintrack-balances");
        assertThat(job.postgres().batchSize()).isEqualTo(50_000);
        assertThat(job.run.checkpointInterval).isEqualTo(Duration.ofSeconds(10));
        assertThat(job.run.parallelism).isNull();
    }

    @Test
    void parsesWindowsHorizonAndFlags() {
        BalanceJob job = BalanceJob.parse(args("--windows", "15m,1h,1d", "--reorg-horizon", "6h", "--bounded",
                "--checkpoint-interval", "500ms", "--parallelism", "3", "--group-id", "g", "--jdbc-password", "pw"));
        assertThat(job.config().windows()).containsExactly(Duration.ofMinutes(15), Duration.ofHours(1), Duration.ofDays(1));
        assertThat(job.config().reorgHorizon()).isEqualTo(Duration.ofHours(6));
        assertThat(job.kafkaInput().bounded()).isTrue();
        assertThat(job.kafkaInput().groupId()).isEqualTo("g");
        assertThat(job.run.checkpointInterval).isEqualTo(Duration.ofMillis(500));
        assertThat(job.run.parallelism).isEqualTo(3);
        assertThat(job.postgres().password()).isEqualTo("pw");
        assertThat(job.postgres().toString()).doesNotContain("pw");
    }

    @Test
    void rejectsAWindowThatDoesNotDivideADay() {
        assertThatThrownBy(() -> BalanceJob.parse(args("--windows", "1h,7h")))
                .isInstanceOf(CommandLine.ParameterException.class)
                .hasMessageContaining("window size 7h does not divide a day");
    }

    @Test
    void rejectsBadDurationsAndUrlsWithAUsageError() {
        assertThatThrownBy(() -> BalanceJob.parse(args("--reorg-horizon", "soon")))
                .isInstanceOf(CommandLine.ParameterException.class).hasMessageContaining("not a duration: 'soon'");
        assertThatThrownBy(() -> BalanceJob.parse("--bootstrap-servers", "k:1", "--jdbc-url", "jdbc:mysql://db/x"))
                .isInstanceOf(CommandLine.ParameterException.class).hasMessageContaining("jdbc:postgresql:");
        assertThatThrownBy(() -> BalanceJob.parse(args("--windows", "1h,1h")))
                .hasMessageContaining("listed twice");

        StringWriter err = new StringWriter();
        int code = new CommandLine(new BalanceJob()).setErr(new PrintWriter(err)).execute(args("--windows", "5000s"));
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("does not divide a day");
    }

    @Test
    void durationsReadOperatorShorthandAndIso() {
        assertThat(List.of("500ms", "10s", "15m", "1h", "1d", "PT2H", " 2D ").stream().map(Durations::parse)).containsExactly(
                Duration.ofMillis(500), Duration.ofSeconds(10), Duration.ofMinutes(15), Duration.ofHours(1),
                Duration.ofDays(1), Duration.ofHours(2), Duration.ofDays(2));
        assertThat(Durations.format(Duration.ofHours(7))).isEqualTo("7h");
        assertThat(Durations.format(Duration.ofSeconds(90))).isEqualTo("90s");
        assertThatThrownBy(() -> Durations.parse("1 hour")).hasMessageContaining("not a duration");
        assertThatThrownBy(() -> Durations.parse("")).hasMessageContaining("empty duration");
    }
}
