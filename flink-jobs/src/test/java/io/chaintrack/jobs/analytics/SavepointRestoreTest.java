package io.chaintrack.jobs.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import io.chaintrack.connectors.flink.ProtobufTypeInfo;
import io.chaintrack.connectors.postgres.PostgresSinkOptions;
import io.chaintrack.jobs.common.EmbeddedPostgresExtension;
import io.chaintrack.proto.v1.ChainEvent;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stop with a savepoint mid-stream, restart the current build from it, and the tables equal those of an
 * uninterrupted run: every stateful operator has a stable uid and state that restores exactly.
 */
class SavepointRestoreTest {
    @RegisterExtension
    static final MiniClusterExtension MINI = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    @RegisterExtension
    static final EmbeddedPostgresExtension PG = new EmbeddedPostgresExtension();

    /** Serves the i-th event; serializable, so it keeps the events as bytes. */
    record Events(List<byte[]> bytes) implements GeneratorFunction<Long, ChainEvent> {
        @Override
        public ChainEvent map(Long i) throws Exception {
            return ChainEvent.parseFrom(bytes.get(i.intValue()));
        }
    }

    static JobClient submit(List<byte[]> events, PostgresSinkOptions db, double perSecond, String savepoint) throws Exception {
        Configuration conf = new Configuration();
        if (savepoint != null) {
            conf.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        env.enableCheckpointing(200);
        var source = new DataGeneratorSource<>(new Events(events), events.size(),
                perSecond > 0 ? RateLimiterStrategy.perSecond(perSecond) : RateLimiterStrategy.noOp(), ProtobufTypeInfo.CHAIN_EVENT);
        var stream = env.fromSource(source, WatermarkStrategy.noWatermarks(), "events").uid("test-events").setParallelism(1);
        AnalyticsJob.addTo(env, stream, db, StreamingBatchEqualityTest.CONFIG, 100);
        return env.executeAsync("analytics-savepoint-test");
    }

    @Test
    void restoringFromASavepointGivesTheRowsOfAnUninterruptedRun(@TempDir Path dir) throws Exception {
        Scenario s = Scenario.generate(11, new long[] {1, 10}, 260, 1800, 80, 6);
        List<byte[]> events = s.events.stream().map(ChainEvent::toByteArray).toList();

        PostgresSinkOptions uninterrupted = AnalyticsDb.create(PG);
        submit(events, uninterrupted, 0, null).getJobExecutionResult().get();

        PostgresSinkOptions restored = AnalyticsDb.create(PG);
        JobClient first = submit(events, restored, 150, null);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (AnalyticsDb.count(restored, "SELECT coalesce(max(blocks_covered), 0) FROM analytics_totals WHERE scope='CHAIN'") < 60) {
            assertThat(System.nanoTime()).as("first run makes progress").isLessThan(deadline);
            Thread.sleep(100);
        }
        String savepoint = first.stopWithSavepoint(false, dir.toUri().toString(), SavepointFormatType.CANONICAL).get();
        assertThat(first.getJobStatus().get()).isIn(JobStatus.FINISHED, JobStatus.CANCELED);
        long midway = AnalyticsDb.count(restored, "SELECT coalesce(sum(transfers), 0) FROM analytics_totals WHERE scope='CHAIN'");
        long total = AnalyticsDb.count(uninterrupted, "SELECT transfers FROM analytics_totals WHERE scope='GLOBAL'");
        assertThat(midway).as("the savepoint was taken mid-stream").isLessThan(total);

        submit(events, restored, 0, savepoint).getJobExecutionResult().get();
        for (String table : AnalyticsDb.TABLES) {
            List<String> expected = AnalyticsDb.dump(uninterrupted, table);
            assertThat(expected).as(table + " has rows").isNotEmpty();
            assertThat(AnalyticsDb.dump(restored, table)).as(table + " restored vs uninterrupted").containsExactlyElementsOf(expected);
        }
    }
}
