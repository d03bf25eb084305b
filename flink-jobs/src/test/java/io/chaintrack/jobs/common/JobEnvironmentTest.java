package io.chaintrack.jobs.common;

import static org.assertj.core.api.Assertions.assertThat;

import io.chaintrack.core.config.ConfiguredCommandLine;
import io.chaintrack.jobs.analytics.AnalyticsJob;
import io.chaintrack.jobs.balances.BalanceJob;
import io.chaintrack.jobs.ingest.IngestJob;
import java.util.Map;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Every job's main path builds its environment through {@link JobEnvironment#configure}. */
class JobEnvironmentTest {
    private static final String INTERVAL = "7s";

    private static void assertConfigured(StreamExecutionEnvironment env, String job) {
        assertThat(env.getCheckpointConfig().getCheckpointInterval()).as(job).isEqualTo(7_000L);
        assertThat(env.getCheckpointConfig().getExternalizedCheckpointRetention()).as(job)
                .isEqualTo(ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        assertThat(env.getConfiguration().get(RestartStrategyOptions.RESTART_STRATEGY)).as(job).isEqualTo("exponential-delay");
        assertThat(env.getConfiguration().get(StateBackendOptions.STATE_BACKEND)).as(job).isEqualTo("hashmap");
    }

    private static <T> T parse(T job, String... args) {
        ConfiguredCommandLine.parse(new CommandLine(job), Map.of(), args);
        return job;
    }

    @Test
    void everyJobCheckpointsAtItsIntervalAndRetainsCheckpointsOnCancel() {
        assertConfigured(parse(new IngestJob(), "--bootstrap-servers", "k:1", "--checkpoint-interval", INTERVAL)
                .environment(), "ingest");
        assertConfigured(BalanceJob.parse(Map.of(), "--bootstrap-servers", "k:1", "--jdbc-url", "jdbc:postgresql://x/y",
                "--checkpoint-interval", INTERVAL).environment(), "balances");
        StreamExecutionEnvironment analytics = parse(new AnalyticsJob(), "--bootstrap-servers", "k:1",
                "--checkpoint-interval", INTERVAL, "--parallelism", "3").environment();
        assertConfigured(analytics, "analytics");
        assertThat(analytics.getParallelism()).isEqualTo(3);
    }

    @Test
    void aBatchBackfillTakesNoCheckpointsAndIsNotRestarted() {
        StreamExecutionEnvironment env = parse(new AnalyticsJob(), "--bootstrap-servers", "k:1", "--bounded", "--batch")
                .environment();
        assertThat(env.getConfiguration().get(ExecutionOptions.RUNTIME_MODE)).isEqualTo(RuntimeExecutionMode.BATCH);
        assertThat(env.getCheckpointConfig().isCheckpointingEnabled()).isFalse();
        assertThat(env.getConfiguration().getOptional(RestartStrategyOptions.RESTART_STRATEGY)).isEmpty();
    }

    @Test
    void theClustersRestartStrategyAndStateBackendWin() {
        var conf = new org.apache.flink.configuration.Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        conf.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
        StreamExecutionEnvironment env = JobEnvironment.configure(
                StreamExecutionEnvironment.getExecutionEnvironment(conf), JobEnvironment.DEFAULT_CHECKPOINT_INTERVAL, null);
        assertThat(env.getConfiguration().get(RestartStrategyOptions.RESTART_STRATEGY)).isEqualTo("fixed-delay");
        assertThat(env.getConfiguration().get(StateBackendOptions.STATE_BACKEND)).isEqualTo("rocksdb");
    }
}
