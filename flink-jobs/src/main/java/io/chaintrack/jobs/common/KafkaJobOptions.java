package io.chaintrack.jobs.common;

import io.chaintrack.core.config.ConfigKey;
import io.chaintrack.core.config.DurationConverter;
import java.time.Duration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine.Option;

/**
 * The options every job reading the chain-events topic shares, under the same keys in each: the brokers, the
 * checkpoint interval and the parallelism (unset or 0 keeps the cluster's). The group id and --bounded stay per job.
 */
public final class KafkaJobOptions {
    @ConfigKey("chaintrack.kafka.bootstrap-servers")
    @Option(names = "--bootstrap-servers", required = true, description = "Kafka bootstrap servers.")
    public String bootstrapServers;

    @ConfigKey("chaintrack.flink.checkpoint-interval")
    @Option(names = "--checkpoint-interval", defaultValue = "10s", converter = DurationConverter.class,
            description = "Checkpoint interval (default: ${DEFAULT-VALUE}).")
    public Duration checkpointInterval;

    @ConfigKey("chaintrack.flink.parallelism")
    @Option(names = "--parallelism", description = "Job parallelism; unset or 0 keeps the cluster's.")
    public Integer parallelism;

    /** {@link JobEnvironment#configure} with these options; {@code checkpoints} false for a BATCH run. */
    public StreamExecutionEnvironment configure(StreamExecutionEnvironment env, boolean checkpoints) {
        return JobEnvironment.configure(env, checkpoints ? checkpointInterval : null, parallelism);
    }
}
