package io.chaintrack.jobs.balances;

import io.chaintrack.core.config.ConfigKey;
import io.chaintrack.core.config.ConfiguredCommandLine;
import io.chaintrack.connectors.flink.ProtobufTypeInfo;
import io.chaintrack.connectors.kafka.ChainEventKafka;
import io.chaintrack.connectors.kafka.DeadLetter;
import io.chaintrack.connectors.postgres.PostgresSinkOptions;
import io.chaintrack.connectors.postgres.rows.BalanceWindowRow;
import io.chaintrack.connectors.postgres.rows.BlockRow;
import io.chaintrack.connectors.postgres.rows.ChainTotalsRow;
import io.chaintrack.core.config.DurationConverter;
import io.chaintrack.jobs.common.JdbcOptions;
import io.chaintrack.jobs.common.JobEnvironment;
import io.chaintrack.jobs.common.KafkaJobOptions;
import io.chaintrack.jobs.common.KafkaInput;
import io.chaintrack.proto.v1.ChainEvent;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamSink;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * ChainEvents into exact tables: blocks and transfers (canonical flag), balance windows at every resolution,
 * current balances, chain/token totals and ERC-721 owners. main only parses options; the topology is
 * {@link #defineWorkflow}.
 */
@Command(name = "balance-job", mixinStandardHelpOptions = true,
        description = "Reads ChainEvents from Kafka and writes transfers, blocks, balance windows, current balances, "
                + "totals and ERC-721 owners to PostgreSQL with idempotent upserts.")
public final class BalanceJob implements Callable<Integer> {
    public static final String JOB_NAME = "chaintrack-balances";

    public static final String UID_VALIDATE = "balances-validate-events";
    public static final String UID_REJECTED_SINK = "balances-rejected-events-sink";
    public static final String UID_CANONICAL_GATE = "balances-canonical-chain-gate";
    public static final String UID_WATERMARKS = "balances-block-time-watermarks";
    public static final String UID_ROWS = "balances-block-transfer-rows";
    public static final String UID_DELTAS = "balances-deltas";
    public static final String UID_WINDOWED_BALANCES = "windowed-balances";
    public static final String UID_CHAIN_TOTALS = "chain-totals";
    public static final String UID_CHAINS_SINK = "chains-sink";
    public static final String UID_BLOCKS_SINK = "blocks-sink";
    public static final String UID_TRANSFERS_SINK = "transfers-sink";
    public static final String UID_BALANCE_WINDOWS_SINK = "balance-windows-sink";
    public static final String UID_CURRENT_BALANCES_SINK = "current-balances-sink";
    public static final String UID_CHAIN_TOTALS_SINK = "chain-totals-sink";
    public static final String UID_TOKEN_TOTALS_SINK = "token-totals-sink";
    public static final String UID_NFT_OWNERS = "balances-nft-owners";
    public static final String UID_NFT_OWNERS_SINK = "nft-owners-sink";

    @Spec
    CommandSpec spec;

    @Mixin
    KafkaJobOptions run = new KafkaJobOptions();

    @ConfigKey("chaintrack.balances.group-id")
    @Option(names = "--group-id", defaultValue = "chaintrack-balances", description = "Kafka consumer group (default: ${DEFAULT-VALUE}).")
    String groupId;

    @Mixin
    JdbcOptions.Required jdbc = new JdbcOptions.Required();

    @ConfigKey("chaintrack.balances.jdbc-batch-size")
    @Option(names = "--jdbc-batch-size", defaultValue = "50000",
            description = "Distinct rows (newest per key) buffered per sink before a COPY batch (default: ${DEFAULT-VALUE}).")
    int jdbcBatchSize;

    @ConfigKey("chaintrack.balances.jdbc-batch-interval")
    @Option(names = "--jdbc-batch-interval", defaultValue = "2s", converter = DurationConverter.class,
            description = "Longest a row waits before its batch is written (default: ${DEFAULT-VALUE}).")
    Duration jdbcBatchInterval;

    @ConfigKey("chaintrack.balances.windows")
    @Option(names = "--windows", defaultValue = "1h", split = ",", converter = DurationConverter.class,
            description = "Balance window sizes, comma separated, each dividing a day (default: ${DEFAULT-VALUE}).")
    List<Duration> windows;

    @ConfigKey("chaintrack.balances.reorg-horizon")
    @Option(names = "--reorg-horizon", defaultValue = "1d", converter = DurationConverter.class,
            description = "How long after its end a window can still change (default: ${DEFAULT-VALUE}).")
    Duration reorgHorizon;

    @ConfigKey("chaintrack.balances.source-idle-timeout")
    @Option(names = "--source-idle-timeout", defaultValue = "1m", converter = DurationConverter.class,
            description = "A partition without events this long stops holding event time back; 0 disables (default: ${DEFAULT-VALUE}).")
    Duration sourceIdleTimeout;

    @ConfigKey("chaintrack.balances.bounded")
    @Option(names = "--bounded", description = "Stop at the topic's current end (backfill, tests).")
    boolean bounded;

    @Mixin
    ConfiguredCommandLine.ConfigFileOption configFile = new ConfiguredCommandLine.ConfigFileOption();

    public static void main(String[] args) {
        int code = ConfiguredCommandLine.execute(new CommandLine(new BalanceJob()), args);
        if (code != 0) {
            System.exit(code);
        }
    }

    @Override
    public Integer call() throws Exception {
        BalanceJobConfig config = config();
        KafkaInput input = kafkaInput();
        PostgresSinkOptions postgres = postgres();
        StreamExecutionEnvironment env = environment();
        addToEnvironment(env, input, postgres, config);
        env.execute(JOB_NAME);
        return 0;
    }

    /** The environment main runs the job in. */
    public StreamExecutionEnvironment environment() {
        return run.configure(StreamExecutionEnvironment.getExecutionEnvironment(), true);
    }

    /** Parses a command line without running anything; bad values raise a ParameterException naming them. */
    public static BalanceJob parse(String... args) {
        return parse(System.getenv(), args);
    }

    /** As {@link #parse(String...)} with {@code env} standing for the environment (file and environment layers). */
    public static BalanceJob parse(java.util.Map<String, String> env, String... args) {
        BalanceJob job = new BalanceJob();
        ConfiguredCommandLine.parse(new CommandLine(job), env, args);
        job.config();
        job.kafkaInput();
        job.postgres();
        return job;
    }

    public BalanceJobConfig config() {
        return validated(() -> new BalanceJobConfig(windows, reorgHorizon, sourceIdleTimeout));
    }

    public KafkaInput kafkaInput() {
        return validated(() -> new KafkaInput(run.bootstrapServers, groupId, bounded));
    }

    public PostgresSinkOptions postgres() {
        return validated(() -> new PostgresSinkOptions(jdbc.url(), jdbc.user(), jdbc.password(), jdbcBatchSize,
                jdbcBatchInterval, PostgresSinkOptions.DEFAULT_MAX_RETRIES));
    }

    private <T> T validated(java.util.function.Supplier<T> build) {
        try {
            return build.get();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
        }
    }

    /**
     * The whole job (Kafka source, decoding with dead letters, topology, JDBC sinks) added to {@code env}, for the
     * one-command stack that runs it in-process. Turns checkpointing on (10 s) unless the caller already did.
     */
    public static void addToEnvironment(StreamExecutionEnvironment env, KafkaInput input, PostgresSinkOptions postgres,
                                        BalanceJobConfig config) {
        JobEnvironment.ensureConfigured(env, JobEnvironment.DEFAULT_CHECKPOINT_INTERVAL);
        Sink<DeadLetter> deadLetters = ChainEventKafka.deadLetterSink(input.bootstrapServers());
        DataStream<ChainEvent> events = ChainEventKafka.read(env, "",
                ChainEventKafka.source(input.bootstrapServers(), input.groupId(), input.bounded()), deadLetters);
        defineWorkflow(env, events, BalanceSinks.postgres(postgres, deadLetters), config);
    }

    /**
     * The topology. Everything per event (validation, watermarks, rows, deltas) keeps the input's parallelism
     * and partitioning, so one chain's events stay in order up to the keyed operators. Every sink is fed forward
     * (chained, no shuffle) by the operator that produced its rows: that subtask owns every row of each of its
     * table keys (a block's rows come from its chain's one subtask, balance and totals rows from their keyed
     * operator), so rows of one key reach one sink subtask in order, which the collapsing sinks need.
     */
    public static void defineWorkflow(StreamExecutionEnvironment env, DataStream<ChainEvent> events, BalanceSinks sinks,
                                      BalanceJobConfig config) {
        int inputParallelism = events.getParallelism();

        SingleOutputStreamOperator<ChainEvent> valid = sameParallelism(events
                .process(new ChainEventValidator(), ProtobufTypeInfo.CHAIN_EVENT)
                .name("validate-chain-events").uid(UID_VALIDATE), inputParallelism);
        valid.getSideOutput(ChainEventValidator.REJECTED)
                .sinkTo(sinks.rejectedEvents()).name("rejected-events-sink").uid(UID_REJECTED_SINK);

        // at-least-once input: each block applied exactly once, reverted only while canonical (keyed by chain, so
        // one chain's events stay in order on one subtask for everything downstream)
        SingleOutputStreamOperator<ChainEvent> canonical = sameParallelism(valid
                .keyBy(e -> e.getBlock().getChainId(), Types.LONG)
                .process(new CanonicalChainGate(), ProtobufTypeInfo.CHAIN_EVENT)
                .name("canonical-chain-gate").uid(UID_CANONICAL_GATE), inputParallelism);

        SingleOutputStreamOperator<ChainEvent> timed = sameParallelism(canonical
                .assignTimestampsAndWatermarks(BlockTimeWatermarks.strategy(config.sourceIdleTimeout()))
                .name("block-time-watermarks").uid(UID_WATERMARKS), inputParallelism);

        SingleOutputStreamOperator<BlockRow> blocks = sameParallelism(timed
                .process(new ChainEventRows(), BalanceTypes.BLOCK_ROW)
                .name("block-and-transfer-rows").uid(UID_ROWS), inputParallelism);
        sinkInOrder(blocks, sinks.blocks(), "blocks-sink", UID_BLOCKS_SINK);
        sinkInOrder(blocks.getSideOutput(ChainEventRows.TRANSFERS), sinks.transfers(), "transfers-sink", UID_TRANSFERS_SINK);

        SingleOutputStreamOperator<BalanceDelta> deltas = sameParallelism(timed
                .flatMap(new BalanceDeltas(), BalanceTypes.DELTA)
                .name("balance-deltas").uid(UID_DELTAS), inputParallelism);
        SingleOutputStreamOperator<BalanceWindowRow> windowRows = deltas
                .keyBy(BalanceDelta::account, BalanceTypes.ACCOUNT)
                .process(new WindowedBalanceFunction(config.windows(), config.reorgHorizon(), true), BalanceTypes.BALANCE_WINDOW_ROW)
                .name("windowed-balances").uid(UID_WINDOWED_BALANCES);
        sinkInOrder(windowRows, sinks.balanceWindows(), "balance-windows-sink", UID_BALANCE_WINDOWS_SINK);
        sinkInOrder(windowRows.getSideOutput(WindowedBalanceFunction.CURRENT_BALANCES), sinks.currentBalances(),
                "current-balances-sink", UID_CURRENT_BALANCES_SINK);

        SingleOutputStreamOperator<ChainTotalsRow> totals = timed
                .keyBy(e -> e.getBlock().getChainId(), Types.LONG)
                .process(new ChainTotalsFunction(), BalanceTypes.CHAIN_TOTALS_ROW)
                .name("chain-totals").uid(UID_CHAIN_TOTALS);
        sinkInOrder(totals, sinks.chainTotals(), "chain-totals-sink", UID_CHAIN_TOTALS_SINK);
        sinkInOrder(totals.getSideOutput(ChainTotalsFunction.TOKEN_TOTALS), sinks.tokenTotals(), "token-totals-sink",
                UID_TOKEN_TOTALS_SINK);
        sinkInOrder(totals.getSideOutput(ChainTotalsFunction.CHAINS), sinks.chains(), "chains-sink", UID_CHAINS_SINK);

        sinkInOrder(sameParallelism(timed
                .flatMap(new NftOwnerRows(), BalanceTypes.NFT_OWNER_ROW)
                .name("nft-owner-rows").uid(UID_NFT_OWNERS), inputParallelism), sinks.nftOwners(), "nft-owners-sink",
                UID_NFT_OWNERS_SINK);
    }

    /** The sink at its producer's parallelism behind a forward edge (graph building fails if they ever differ). */
    private static <T> void sinkInOrder(DataStream<T> rows, Sink<T> sink, String name, String uid) {
        DataStreamSink<T> s = rows.forward().sinkTo(sink).name(name).uid(uid);
        if (rows.getParallelism() > 0) {
            s.setParallelism(rows.getParallelism());
        }
    }

    private static <T> SingleOutputStreamOperator<T> sameParallelism(SingleOutputStreamOperator<T> op, int parallelism) {
        return parallelism > 0 ? op.setParallelism(parallelism) : op;
    }
}
