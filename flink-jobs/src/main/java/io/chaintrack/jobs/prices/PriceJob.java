package io.chaintrack.jobs.prices;

import io.chaintrack.connectors.flink.ProtobufTypeInfo;
import io.chaintrack.connectors.kafka.ChainEventKafka;
import io.chaintrack.connectors.postgres.PostgresSinkOptions;
import io.chaintrack.connectors.price.PriceSourcesConfig;
import io.chaintrack.core.config.ConfigKey;
import io.chaintrack.core.config.ConfiguredCommandLine;
import io.chaintrack.jobs.balances.CanonicalChainGate;
import io.chaintrack.jobs.common.JdbcOptions;
import io.chaintrack.jobs.common.JobEnvironment;
import io.chaintrack.jobs.common.KafkaJobOptions;
import io.chaintrack.jobs.common.KafkaInput;
import io.chaintrack.proto.v1.ChainEvent;
import java.util.concurrent.Callable;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The price job: the price logs the ingest carries in each ChainEvent (Uniswap V2/V3 pools, Chainlink-style feeds)
 * into token_prices rows per source and minute, recomputed when a block is reverted. main only parses options;
 * {@link #defineWorkflow} is the topology.
 */
@Command(name = "price-job", mixinStandardHelpOptions = true,
        description = "ChainEvents' price logs into token_prices per source and minute (docs/prices.md).")
public final class PriceJob implements Callable<Integer> {
    public static final String JOB_NAME = "chaintrack-prices";
    // stable operator uids: changing one orphans its state in existing savepoints
    public static final String UID_PREFIX = "prices-";
    public static final String UID_STRIP = "prices-strip-transfers";
    public static final String UID_CANONICAL_GATE = "prices-canonical-chain-gate";
    public static final String UID_SLICES = "prices-log-slices";
    public static final String UID_MINUTES = "prices-minute-rows";
    public static final String UID_SINK = "prices-token-prices-sink";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    KafkaJobOptions run = new KafkaJobOptions();
    @ConfigKey("chaintrack.prices.group-id")
    @Option(names = "--group-id", defaultValue = "chaintrack-prices", description = "Kafka consumer group (default ${DEFAULT-VALUE}).")
    String groupId;
    @Mixin
    JdbcOptions.RequiredToRun jdbc = new JdbcOptions.RequiredToRun();
    @Mixin
    PriceSourceOptions sources = new PriceSourceOptions();
    @ConfigKey("chaintrack.prices.reorg-depth")
    @Option(names = "--reorg-depth", defaultValue = "128", description = "Deepest reorg followed, in blocks (default ${DEFAULT-VALUE}).")
    int reorgDepth;
    @ConfigKey("chaintrack.prices.bounded")
    @Option(names = "--bounded", description = "Stop at the topic's end offsets as of job start (backfill).")
    boolean bounded;
    @Mixin
    ConfiguredCommandLine.ConfigFileOption configFile = new ConfiguredCommandLine.ConfigFileOption();

    public static void main(String[] args) {
        System.exit(ConfiguredCommandLine.execute(new CommandLine(new PriceJob()), args));
    }

    @Override
    public Integer call() throws Exception {
        if (jdbc.urlUnset()) {
            spec.commandLine().getErr().println("--jdbc-url (configuration key chaintrack.jdbc.url, env CHAINTRACK_JDBC_URL) is required");
            return 2;
        }
        PriceSourcesConfig config = sources.toConfig();
        StreamExecutionEnvironment env = run.configure(StreamExecutionEnvironment.getExecutionEnvironment(), true);
        addToEnvironment(env, new KafkaInput(run.bootstrapServers, groupId, bounded),
                PostgresSinkOptions.of(jdbc.url(), jdbc.user(), jdbc.password()), config, reorgDepth);
        env.execute(JOB_NAME);
        return 0;
    }

    /** The whole job with its own Kafka source and decoder (price uids), so it can share an environment with the others. */
    public static void addToEnvironment(StreamExecutionEnvironment env, KafkaInput input, PostgresSinkOptions target,
                                        PriceSourcesConfig config, int reorgDepth) {
        JobEnvironment.ensureConfigured(env, JobEnvironment.DEFAULT_CHECKPOINT_INTERVAL);
        DataStream<ChainEvent> events = ChainEventKafka.read(env, UID_PREFIX,
                ChainEventKafka.source(input.bootstrapServers(), input.groupId(), input.bounded()),
                ChainEventKafka.deadLetterSink(input.bootstrapServers()));
        defineWorkflow(env, events, PriceSinks.postgres(target), config, reorgDepth);
    }

    /**
     * The topology: the canonical chain gate (the input is at-least-once: a replayed block must not be applied twice,
     * nor a revert of a block no longer held), the per-source slices, the per-source minute rows, the one sink.
     */
    public static void defineWorkflow(StreamExecutionEnvironment env, DataStream<ChainEvent> events, PriceSinks sinks,
                                      PriceSourcesConfig config, int reorgDepth) {
        SingleOutputStreamOperator<PriceRow> rows = events
                // the gate holds the last reorgDepth events per chain: without transfers they are a header and a few logs
                .map(e -> e.getTransfersCount() == 0 ? e : e.toBuilder().clearTransfers().build(), ProtobufTypeInfo.CHAIN_EVENT)
                .name(UID_STRIP).uid(UID_STRIP)
                .keyBy(e -> e.getBlock().getChainId(), Types.LONG)
                .process(new CanonicalChainGate(reorgDepth), ProtobufTypeInfo.CHAIN_EVENT)
                .name(UID_CANONICAL_GATE).uid(UID_CANONICAL_GATE)
                .flatMap(new PriceLogSlices(), ProtobufTypeInfo.CHAIN_EVENT)
                .name(UID_SLICES).uid(UID_SLICES)
                .keyBy(PriceLogSlices::key, Types.STRING)
                .process(new PriceMinuteFunction(config, reorgDepth), PriceRow.TYPE)
                .name(UID_MINUTES).uid(UID_MINUTES);
        // same parallelism, forward: every key's rows reach one sink subtask in the order they were made
        rows.sinkTo(sinks.prices()).name(UID_SINK).uid(UID_SINK).setParallelism(rows.getParallelism());
    }
}
