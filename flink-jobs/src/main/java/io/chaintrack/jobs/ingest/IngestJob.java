package io.chaintrack.jobs.ingest;

import io.chaintrack.core.config.ConfigKey;
import io.chaintrack.core.config.ConfiguredCommandLine;
import io.chaintrack.connectors.evm.EvmChainConfig;
import io.chaintrack.connectors.evm.EvmChainSource;
import io.chaintrack.connectors.evm.EvmMetrics;
import io.chaintrack.connectors.flink.ProtobufTypeInfo;
import io.chaintrack.core.config.DurationConverter;
import io.chaintrack.connectors.kafka.ChainEventKafka;
import io.chaintrack.connectors.kafka.ConsumerLag;
import io.chaintrack.connectors.postgres.PostgresSinkOptions;
import io.chaintrack.core.utxo.UtxoNetwork;
import io.chaintrack.connectors.synthetic.SyntheticChainConfig;
import io.chaintrack.connectors.synthetic.SyntheticChainSource;
import io.chaintrack.jobs.common.JdbcOptions;
import io.chaintrack.jobs.common.JobEnvironment;
import io.chaintrack.proto.v1.ChainEvent;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Follows one chain and writes its ChainEvents, in order, to the chain-events topic keyed by chain id.
 * Source and sink run at parallelism 1 and are chained: one chain is one ordered stream, and a second
 * sink subtask would reorder it. At-least-once (the default) makes every event visible as soon as it is
 * fetched; after a failure the events since the last checkpoint are written again, in order, and the consumers'
 * CanonicalChainGate drops them. Exactly-once consumers reading committed data see every event once.
 */
@Command(name = "ingest", mixinStandardHelpOptions = true,
        description = "Follows a chain and writes its ChainEvents to Kafka (topic chaintrack.chain-events.v1).")
public final class IngestJob implements Callable<Integer> {
    public static final String SOURCE_UID = "chain-source";
    public static final String SINK_UID = "chain-events-kafka-sink";
    public static final String REPORTER_UID = "ingest-status-reporter";
    public static final String FINALITY_UID = "finality-stamp";

    /** Where chain events come from. An EVM follower joins this list; {@link #createSource()} is the one place that chooses. */
    public enum SourceKind { synthetic, evm }

    @Spec
    CommandSpec spec;

    @ConfigKey("chaintrack.ingest.source")
    @Option(names = "--source", description = "Chain to follow: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}).")
    SourceKind source = SourceKind.synthetic;

    @ConfigKey("chaintrack.kafka.bootstrap-servers")
    @Option(names = "--bootstrap-servers", required = true, description = "Kafka bootstrap servers.")
    String bootstrapServers;

    @ConfigKey("chaintrack.flink.checkpoint-interval")
    @Option(names = "--checkpoint-interval", converter = DurationConverter.class,
            description = "Checkpoint interval, e.g. 10s or 500ms; with --delivery exactly-once, output becomes visible at each checkpoint (default 10s).")
    Duration checkpointInterval = Duration.ofSeconds(10);

    @ConfigKey("chaintrack.ingest.delivery")
    @Option(names = "--delivery", converter = DeliveryConverter.class,
            description = "at-least-once (events visible at once; the balance job's canonical chain gate drops replays) or"
                    + " exactly-once (Kafka transactions: visible only when a checkpoint completes) (default at-least-once).")
    DeliveryGuarantee delivery = DEFAULT_DELIVERY;

    @ConfigKey("chaintrack.ingest.transactional-id-prefix")
    @Option(names = "--transactional-id-prefix",
            description = "Kafka transactional id prefix, unique per running ingest job (default chaintrack-ingest-<chain id>).")
    String transactionalIdPrefix;

    @Mixin
    JdbcOptions.StatusOnly jdbc = new JdbcOptions.StatusOnly();

    @ConfigKey("chaintrack.ingest.status-interval")
    @Option(names = "--status-interval", defaultValue = "15s", converter = DurationConverter.class,
            description = "How often the endpoint status is written (default ${DEFAULT-VALUE}).")
    Duration statusInterval;

    @ConfigKey("chaintrack.ingest.token-metadata-max-attempts")
    @Option(names = "--token-metadata-max-attempts", defaultValue = "5",
            description = "Lookups of a token's symbol/name/decimals whose RPC calls failed before giving up (default ${DEFAULT-VALUE}).")
    int tokenMetadataMaxAttempts;

    @ConfigKey("chaintrack.ingest.token-metadata-retry-after")
    @Option(names = "--token-metadata-retry-after", defaultValue = "10m", converter = DurationConverter.class,
            description = "Wait before a failed token metadata lookup is tried again (default ${DEFAULT-VALUE}).")
    Duration tokenMetadataRetryAfter;

    @Mixin
    SyntheticOptions synthetic = new SyntheticOptions();

    @Mixin
    EvmOptions evm = new EvmOptions();

    @Mixin
    ConfiguredCommandLine.ConfigFileOption configFile = new ConfiguredCommandLine.ConfigFileOption();

    public static void main(String[] args) {
        int code = ConfiguredCommandLine.execute(new CommandLine(new IngestJob()), args);
        if (code != 0) {
            System.exit(code);
        }
    }

    @Override
    public Integer call() throws Exception {
        Source<ChainEvent, ?, ?> chainSource = createSource();
        StreamExecutionEnvironment env = environment();
        String prefix = transactionalIdPrefix != null ? transactionalIdPrefix : transactionalIdPrefix(chainId());
        IngestStatusReporter reporter = jdbc.urlUnset() ? null
                : new IngestStatusReporter(jdbc.url(), jdbc.user(), jdbc.password(), statusInterval, EvmMetrics.DEFAULT_REGISTRY)
                        .withConsumerLag(bootstrapServers, ConsumerLag.DEFAULT_GROUPS);
        DataStream<ChainEvent> events = defineWorkflow(env, chainSource, ChainEventKafka.sink(bootstrapServers, delivery, prefix),
                reporter, finalityStamp());
        if (source == SourceKind.evm && !jdbc.urlUnset()) {
            TokenMetadataLookup.addTo(events, evm.toConfig(chainId()),
                    new TokenMetadataLookup.Settings(tokenMetadataMaxAttempts, tokenMetadataRetryAfter, TokenMetadataLookup.Settings.DEFAULTS.concurrency()),
                    PostgresSinkOptions.of(jdbc.url(), jdbc.user(), jdbc.password()), EvmMetrics.DEFAULT_REGISTRY);
        }
        env.execute("chaintrack-ingest-" + source + "-" + chainId());
        return 0;
    }

    /** How this role's events are stamped with the finalized block (see {@link FinalityStamp}). */
    FinalityStamp finalityStamp() {
        return switch (source) {
            case synthetic -> FinalityStamp.of(synthetic.toConfig());
            case evm -> FinalityStamp.of(evmConfig());
        };
    }

    /** The environment main runs the job in. */
    public StreamExecutionEnvironment environment() {
        return JobEnvironment.configure(StreamExecutionEnvironment.getExecutionEnvironment(), checkpointInterval, null);
    }

    /** The source chosen on the command line; bad options become a usage error naming the value. */
    Source<ChainEvent, ?, ?> createSource() {
        try {
            return switch (source) {
                case synthetic -> new SyntheticChainSource(synthetic.toConfig());
                case evm -> EvmChainSource.create(evmConfig());
            };
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
    }

    /** The EVM follower's configuration from this role's options (the stack builds its own from the same options). */
    public EvmChainConfig evmConfig() {
        return evm.toConfig(synthetic.chainId);
    }

    private long chainId() {
        return synthetic.chainId;
    }

    /** The whole topology: source -> Kafka sink, both parallelism 1 with stable uids. */
    public static void defineWorkflow(StreamExecutionEnvironment env, Source<ChainEvent, ?, ?> source, Sink<ChainEvent> sink) {
        defineWorkflow(env, source, sink, null, null);
    }

    /**
     * As above with, when {@code reporter} is given, the endpoint status reporter chained after the source, and when
     * {@code finality} is given, the finalized block stamped on the events; returns the events as the sink receives
     * them, for side branches (token metadata).
     */
    public static DataStream<ChainEvent> defineWorkflow(StreamExecutionEnvironment env, Source<ChainEvent, ?, ?> source,
                                                        Sink<ChainEvent> sink, IngestStatusReporter reporter,
                                                        FinalityStamp finality) {
        return defineWorkflow(env, "", source, sink, reporter, finality);
    }

    /**
     * As above with {@code uidPrefix} before every operator's name and uid, so a second chain's pipeline can share
     * the environment; "" keeps the uids savepoints already hold.
     */
    public static DataStream<ChainEvent> defineWorkflow(StreamExecutionEnvironment env, String uidPrefix,
                                                        Source<ChainEvent, ?, ?> source, Sink<ChainEvent> sink,
                                                        IngestStatusReporter reporter, FinalityStamp finality) {
        DataStream<ChainEvent> events = env.fromSource(source, WatermarkStrategy.noWatermarks(), uidPrefix + "chain-source",
                        ProtobufTypeInfo.CHAIN_EVENT)
                .uid(uidPrefix + SOURCE_UID)
                .setParallelism(1);
        if (finality != null) {
            events = events.map(finality, ProtobufTypeInfo.CHAIN_EVENT).name(uidPrefix + "finality-stamp")
                    .uid(uidPrefix + FINALITY_UID).setParallelism(1);
        }
        if (reporter != null) {
            events = events.map(reporter, ProtobufTypeInfo.CHAIN_EVENT).name(uidPrefix + "ingest-status-reporter")
                    .uid(uidPrefix + REPORTER_UID).setParallelism(1);
        }
        events.sinkTo(sink)
                .name(uidPrefix + "chain-events-kafka-sink")
                .uid(uidPrefix + SINK_UID)
                .setParallelism(1);
        return events;
    }

    /**
     * Adds the synthetic ingest pipeline to {@code env} with {@link #DEFAULT_DELIVERY}, for the one-command stack
     * and tests; the caller executes the env. Enables checkpointing every 2 s if the env has none.
     */
    public static void buildSynthetic(StreamExecutionEnvironment env, SyntheticChainConfig config, String bootstrapServers) {
        buildSynthetic(env, config, bootstrapServers, null);
    }

    /** As above; given {@code tables}, the status reporter also writes the consumer lag there. */
    public static void buildSynthetic(StreamExecutionEnvironment env, SyntheticChainConfig config, String bootstrapServers,
                                      PostgresSinkOptions tables) {
        JobEnvironment.ensureConfigured(env, Duration.ofSeconds(2));
        defineWorkflow(env, new SyntheticChainSource(config),
                ChainEventKafka.sink(bootstrapServers, DEFAULT_DELIVERY, transactionalIdPrefix(config.chainId())),
                reporter(tables, bootstrapServers), FinalityStamp.of(config));
    }

    private static IngestStatusReporter reporter(PostgresSinkOptions tables, String bootstrapServers) {
        return tables == null ? null : new IngestStatusReporter(tables.jdbcUrl(), tables.user(), tables.password(),
                Duration.ofSeconds(5), EvmMetrics.DEFAULT_REGISTRY).withConsumerLag(bootstrapServers, ConsumerLag.DEFAULT_GROUPS);
    }

    /**
     * Adds an EVM follower into Kafka to {@code env} (the one-command stack's --rpc-url). The source runs at
     * parallelism 1 so the topic gets blocks in order: parallel backfill readers would interleave ranges,
     * and the balance job treats an older APPLIED block as late.
     */
    public static void buildEvm(StreamExecutionEnvironment env, EvmChainConfig config, String bootstrapServers) {
        buildEvm(env, config, bootstrapServers, null);
    }

    /** As above; given {@code tables}, also the status reporter and the token metadata lookup into the tokens table. */
    public static void buildEvm(StreamExecutionEnvironment env, EvmChainConfig config, String bootstrapServers,
                                PostgresSinkOptions tables) {
        buildEvm(env, "", config, bootstrapServers, tables);
    }

    /** As above, operators named and uid'd with {@code uidPrefix} (a second followed chain in the same job). */
    public static void buildEvm(StreamExecutionEnvironment env, String uidPrefix, EvmChainConfig config,
                                String bootstrapServers, PostgresSinkOptions tables) {
        JobEnvironment.ensureConfigured(env, Duration.ofSeconds(2));
        DataStream<ChainEvent> events = defineWorkflow(env, uidPrefix, EvmChainSource.create(config),
                ChainEventKafka.sink(bootstrapServers, DEFAULT_DELIVERY, transactionalIdPrefix(config.chainId())),
                reporter(tables, bootstrapServers), FinalityStamp.of(config));
        // UTXO chains move only their native coin: no token metadata to look up
        if (tables != null && !UtxoNetwork.isUtxoChain(config.chainId())) {
            TokenMetadataLookup.addTo(events, config, TokenMetadataLookup.Settings.DEFAULTS, tables, EvmMetrics.DEFAULT_REGISTRY);
        }
    }

    /**
     * At-least-once: a block is in the topic as soon as it is fetched, not at the next checkpoint (head latency); the
     * replay after a failure is deduplicated per block hash by the consumers' CanonicalChainGate.
     */
    public static final DeliveryGuarantee DEFAULT_DELIVERY = DeliveryGuarantee.AT_LEAST_ONCE;

    public static String transactionalIdPrefix(long chainId) {
        return "chaintrack-ingest-" + chainId;
    }

    static final class DeliveryConverter implements CommandLine.ITypeConverter<DeliveryGuarantee> {
        @Override
        public DeliveryGuarantee convert(String value) {
            return switch (value.toLowerCase(Locale.ROOT)) {
                case "exactly-once" -> DeliveryGuarantee.EXACTLY_ONCE;
                case "at-least-once" -> DeliveryGuarantee.AT_LEAST_ONCE;
                default -> throw new CommandLine.TypeConversionException(
                        "delivery must be exactly-once or at-least-once, was " + value);
            };
        }
    }
}
