package io.chaintrack.jobs.common;

import java.time.Duration;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/** Environment settings every chaintrack job shares: checkpoints drive Kafka offset commits and sink flushes. */
public final class JobEnvironment {
    public static final Duration DEFAULT_CHECKPOINT_INTERVAL = Duration.ofSeconds(10);

    private JobEnvironment() {}

    /**
     * @param parallelism null or 0 keeps the cluster's default
     */
    public static StreamExecutionEnvironment configure(StreamExecutionEnvironment env, Duration checkpointInterval,
                                                       Integer parallelism) {
        if (checkpointInterval == null || checkpointInterval.isZero() || checkpointInterval.isNegative()) {
            throw new IllegalArgumentException("checkpoint interval must be positive, not " + checkpointInterval);
        }
        env.enableCheckpointing(checkpointInterval.toMillis(), CheckpointingMode.EXACTLY_ONCE);
        if (parallelism != null && parallelism != 0) {
            if (parallelism < 0) {
                throw new IllegalArgumentException("parallelism must be positive, not " + parallelism);
            }
            env.setParallelism(parallelism);
        }
        return env;
    }

    /** Turns checkpointing on with the default interval unless the caller already chose one. */
    public static void ensureCheckpointing(StreamExecutionEnvironment env) {
        if (!env.getCheckpointConfig().isCheckpointingEnabled()) {
            env.enableCheckpointing(DEFAULT_CHECKPOINT_INTERVAL.toMillis(), CheckpointingMode.EXACTLY_ONCE);
        }
    }
}
