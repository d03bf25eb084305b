package io.chaintrack.jobs.common;

import java.time.Duration;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The one environment setup of every chaintrack job. Invariant: exactly-once checkpoints, retained on cancel, so a
 * cancelled job resumes from its last one (checkpoints also drive Kafka offset commits and sink flushes).
 */
public final class JobEnvironment {
    public static final Duration DEFAULT_CHECKPOINT_INTERVAL = Duration.ofSeconds(10);
    /** How long a partly filled network buffer waits before it is sent on (unless the cluster sets its own). */
    public static final Duration BUFFER_TIMEOUT = Duration.ofMillis(10);

    private JobEnvironment() {}

    /**
     * @param checkpointInterval null for a job without checkpoints (BATCH runs)
     * @param parallelism null or 0 keeps the cluster's default
     */
    public static StreamExecutionEnvironment configure(StreamExecutionEnvironment env, Duration checkpointInterval,
                                                       Integer parallelism) {
        Configuration defaults = new Configuration();
        if (checkpointInterval != null) {
            if (checkpointInterval.isZero() || checkpointInterval.isNegative()) {
                throw new IllegalArgumentException("checkpoint interval must be positive, not " + checkpointInterval);
            }
            env.enableCheckpointing(checkpointInterval.toMillis(), CheckpointingMode.EXACTLY_ONCE);
            env.getCheckpointConfig().setExternalizedCheckpointRetention(ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        }
        // the cluster's restart strategy and backend win (k8s/base/flink/common.yaml); a local run gets the same ones.
        // Without checkpoints Flink does not restart a failed job: a BATCH run keeps failing fast.
        if (checkpointInterval != null && env.getConfiguration().getOptional(RestartStrategyOptions.RESTART_STRATEGY).isEmpty()) {
            defaults.set(RestartStrategyOptions.RESTART_STRATEGY, "exponential-delay");
            defaults.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_INITIAL_BACKOFF, Duration.ofSeconds(1));
            defaults.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_MAX_BACKOFF, Duration.ofMinutes(2));
        }
        // Flink ships a record batch to the next task when its buffer fills or after this long: its 100 ms default is
        // most of the head latency of a block between Kafka and PostgreSQL (two network hops); behind the head the
        // buffers fill first and the timeout never fires (docs/benchmarks.md, head latency)
        if (env.getConfiguration().getOptional(ExecutionOptions.BUFFER_TIMEOUT).isEmpty()) {
            defaults.set(ExecutionOptions.BUFFER_TIMEOUT, BUFFER_TIMEOUT);
        }
        if (env.getConfiguration().getOptional(StateBackendOptions.STATE_BACKEND).isEmpty()) {
            defaults.set(StateBackendOptions.STATE_BACKEND, "hashmap");
        }
        env.configure(defaults);
        if (parallelism != null && parallelism != 0) {
            if (parallelism < 0) {
                throw new IllegalArgumentException("parallelism must be positive, not " + parallelism);
            }
            env.setParallelism(parallelism);
        }
        return env;
    }

    /** {@link #configure} with {@code interval} unless the caller (the one-command stack, a test) already did. */
    public static void ensureConfigured(StreamExecutionEnvironment env, Duration interval) {
        if (!env.getCheckpointConfig().isCheckpointingEnabled()) {
            configure(env, interval, null);
        }
    }
}
