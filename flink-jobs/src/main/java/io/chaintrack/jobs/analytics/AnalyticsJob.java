package io.chaintrack.jobs.analytics;

import io.chaintrack.core.config.ConfigKey;
import io.chaintrack.core.config.ConfiguredCommandLine;
import io.chaintrack.core.config.DurationConverter;
import io.chaintrack.connectors.kafka.ChainEventKafka;
import io.chaintrack.connectors.postgres.PostgresSinkOptions;
import io.chaintrack.jobs.common.JdbcOptions;
import io.chaintrack.jobs.common.JobEnvironment;
import io.chaintrack.jobs.common.KafkaJobOptions;
import io.chaintrack.jobs.common.KafkaInput;
import io.chaintrack.jobs.analytics.functions.AddressLedger;
import io.chaintrack.jobs.analytics.functions.AnomalyScorer;
import io.chaintrack.jobs.analytics.functions.BlockFinalizer;
import io.chaintrack.jobs.analytics.functions.DailyForecaster;
import io.chaintrack.jobs.analytics.functions.DailyRollup;
import io.chaintrack.jobs.analytics.functions.GlobalAddressRegistry;
import io.chaintrack.jobs.analytics.functions.GlobalForecaster;
import io.chaintrack.jobs.analytics.functions.GlobalRollup;
import io.chaintrack.jobs.analytics.functions.LargeTransferDetector;
import io.chaintrack.jobs.analytics.functions.TotalsAggregator;
import io.chaintrack.jobs.analytics.functions.WindowAggregator;
import io.chaintrack.jobs.analytics.model.AddressEvent;
import io.chaintrack.jobs.analytics.model.FinalBlock;
import io.chaintrack.jobs.analytics.model.GlobalInput;
import io.chaintrack.jobs.analytics.model.LedgerBlock;
import io.chaintrack.jobs.analytics.model.SeriesPoint;
import io.chaintrack.jobs.analytics.model.SqlRow;
import io.chaintrack.proto.v1.ChainEvent;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamUtils;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The analytics job: totals, window anomaly scores, large transfers, daily analytics and forecasts from
 * the ChainEvent topic into PostgreSQL. main only parses options; {@link #defineWorkflow} is the topology.
 * The same topology runs in STREAMING and in BATCH (backfill) mode and writes the same rows.
 */
@Command(name = "analytics-job", mixinStandardHelpOptions = true,
        description = "ChainEvents into totals, anomaly scores, daily analytics and forecasts (docs/analysts.md).")
public final class AnalyticsJob implements Callable<Integer> {
    public static final String JOB_NAME = "chaintrack-analytics";
    // stable operator uids: changing one orphans its state in existing savepoints
    public static final String UID_PREFIX = "analytics-";
    public static final String UID_KAFKA_SOURCE = UID_PREFIX + ChainEventKafka.SOURCE_UID;
    public static final String UID_DECODE = UID_PREFIX + ChainEventKafka.DECODE_UID;
    public static final String UID_DEAD_LETTERS = UID_PREFIX + ChainEventKafka.DEAD_LETTER_SINK_UID;
    public static final String UID_CANONICAL_GATE = "analytics-canonical-chain-gate";
    public static final String UID_EVENT_ORDER = "analytics-event-order";
    public static final String UID_FINALIZER = "analytics-block-finalizer";
    public static final String UID_FINAL_ORDER = "analytics-final-block-order";
    public static final String UID_LEDGER = "analytics-address-ledger";
    public static final String UID_TOTALS = "analytics-totals";
    public static final String UID_WINDOWS = "analytics-window-aggregator";
    public static final String UID_WINDOW_ORDER = "analytics-window-order";
    public static final String UID_SCORER = "analytics-anomaly-scorer";
    public static final String UID_LARGE = "analytics-large-transfers";
    public static final String UID_DAILY = "analytics-daily-rollup";
    public static final String UID_DAILY_ORDER = "analytics-daily-order";
    public static final String UID_FORECASTER = "analytics-daily-forecaster";
    public static final String UID_REGISTRY = "analytics-global-address-registry";
    public static final String UID_GLOBAL_BLOCKS = "analytics-global-blocks";
    public static final String UID_GLOBAL = "analytics-global-rollup";
    public static final String UID_GLOBAL_TOP_TOKENS = "analytics-global-top-tokens";
    public static final String UID_GLOBAL_DAILY_ORDER = "analytics-global-daily-order";
    public static final String UID_GLOBAL_FORECASTER = "analytics-global-forecaster";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    KafkaJobOptions run = new KafkaJobOptions();
    @ConfigKey("chaintrack.analytics.group-id")
    @Option(names = "--group-id", defaultValue = "chaintrack-analytics", description = "Kafka consumer group (default ${DEFAULT-VALUE}).")
    String groupId;
    @Mixin
    JdbcOptions.RequiredToRun jdbc = new JdbcOptions.RequiredToRun();
    @ConfigKey("chaintrack.analytics.bounded")
    @Option(names = "--bounded", description = "Stop at the topic's end offsets as of job start (backfill).")
    boolean bounded;
    @ConfigKey("chaintrack.analytics.batch")
    @Option(names = "--batch", description = "Run in BATCH execution mode (needs --bounded); writes the same rows as streaming.")
    boolean batch;
    @ConfigKey("chaintrack.analytics.window")
    @Option(names = "--window", defaultValue = "1h", converter = DurationConverter.class, description = "Anomaly window on block time (default ${DEFAULT-VALUE}).")
    Duration window;
    @ConfigKey("chaintrack.analytics.baseline-windows")
    @Option(names = "--baseline-windows", defaultValue = "24", description = "Windows in the rolling baseline (default ${DEFAULT-VALUE}).")
    int baselineWindows;
    @ConfigKey("chaintrack.analytics.min-baseline-windows")
    @Option(names = "--min-baseline-windows", defaultValue = "6", description = "Windows of history before a series is scored (default ${DEFAULT-VALUE}).")
    int minBaselineWindows;
    @ConfigKey("chaintrack.analytics.z-threshold")
    @Option(names = "--z-threshold", defaultValue = "3", description = "|z| flagged (critical at 2x) (default ${DEFAULT-VALUE}).")
    double zThreshold;
    @ConfigKey("chaintrack.analytics.iqr-k")
    @Option(names = "--iqr-k", defaultValue = "1.5", description = "Tukey fence multiplier (critical at 2k) (default ${DEFAULT-VALUE}).")
    double iqrK;
    @ConfigKey("chaintrack.analytics.p99-factor")
    @Option(names = "--p99-factor", defaultValue = "10", description = "Flag transfers >= factor x rolling p99 (default ${DEFAULT-VALUE}).")
    double p99Factor;
    @ConfigKey("chaintrack.analytics.p99-min-samples")
    @Option(names = "--p99-min-samples", defaultValue = "200", description = "Baseline transfers before p99 flags (default ${DEFAULT-VALUE}).")
    int p99MinSamples;
    @ConfigKey("chaintrack.analytics.hll-threshold")
    @Option(names = "--hll-threshold", defaultValue = "100000", description = "Exact distinct counts below, HLL above (default ${DEFAULT-VALUE}).")
    int hllThreshold;
    @ConfigKey("chaintrack.analytics.hll-lg-k")
    @Option(names = "--hll-lg-k", defaultValue = "12", description = "log2 HLL registers (default ${DEFAULT-VALUE}).")
    int hllLgK;
    @ConfigKey("chaintrack.analytics.reorg-horizon-blocks")
    @Option(names = "--reorg-horizon-blocks", defaultValue = "64", description = "Blocks after which a block is final (default ${DEFAULT-VALUE}).")
    int reorgHorizonBlocks;
    @ConfigKey("chaintrack.analytics.start-block")
    @Option(names = "--start-block", defaultValue = "0", description = "Configured start block of every chain (default ${DEFAULT-VALUE}).")
    long startBlock;
    @ConfigKey("chaintrack.analytics.chain-start-blocks")
    @Option(names = "--chain-start-block", split = ",", description = "Per-chain start block, CHAIN=BLOCK; repeatable or comma separated.")
    Map<Long, Long> chainStartBlocks = new HashMap<>();
    @ConfigKey("chaintrack.analytics.retention-days")
    @Option(names = "--retention-days", defaultValue = "90", description = "Days kept in day-partitioned tables (default ${DEFAULT-VALUE}).")
    int retentionDays;
    @ConfigKey("chaintrack.analytics.forecast-days")
    @Option(names = "--forecast-days", defaultValue = "7", description = "Days forecast ahead (default ${DEFAULT-VALUE}).")
    int forecastDays;
    @ConfigKey("chaintrack.analytics.forecast-min-history")
    @Option(names = "--forecast-min-history", defaultValue = "7", description = "Closed days before forecasting (default ${DEFAULT-VALUE}).")
    int forecastMinHistory;
    @ConfigKey("chaintrack.analytics.forecast-history-days")
    @Option(names = "--forecast-history-days", defaultValue = "90", description = "Closed days a forecast is fitted on (default ${DEFAULT-VALUE}).")
    int forecastHistoryDays;
    @ConfigKey("chaintrack.analytics.sink-buffer-rows")
    @Option(names = "--sink-buffer-rows", defaultValue = "5000", description = "Rows buffered per sink subtask before a flush (default ${DEFAULT-VALUE}).")
    int sinkBufferRows;

    @Mixin
    ConfiguredCommandLine.ConfigFileOption configFile = new ConfiguredCommandLine.ConfigFileOption();

    public static void main(String[] args) {
        System.exit(ConfiguredCommandLine.execute(new CommandLine(new AnalyticsJob()), args));
    }

    AnalyticsConfig config() {
        return new AnalyticsConfig(window, baselineWindows, minBaselineWindows, zThreshold, iqrK, p99Factor, p99MinSamples,
                hllThreshold, hllLgK, reorgHorizonBlocks, startBlock, chainStartBlocks, retentionDays, forecastDays,
                forecastMinHistory, forecastHistoryDays);
    }

    @Override
    public Integer call() throws Exception {
        if (jdbc.urlUnset()) {
            spec.commandLine().getErr().println("--jdbc-url (configuration key chaintrack.jdbc.url, env CHAINTRACK_JDBC_URL) is required");
            return 2;
        }
        if (batch && !bounded) {
            spec.commandLine().getErr().println("--batch needs --bounded: BATCH mode only runs over a bounded input");
            return 2;
        }
        AnalyticsConfig config = config();
        StreamExecutionEnvironment env = environment();
        addToEnvironment(env, new KafkaInput(run.bootstrapServers, groupId, bounded), PostgresSinkOptions.of(jdbc.url(), jdbc.user(), jdbc.password()),
                config, sinkBufferRows);
        env.execute(JOB_NAME);
        return 0;
    }

    /** The environment main runs the job in; BATCH runs take no checkpoints. */
    public StreamExecutionEnvironment environment() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setRuntimeMode(batch ? RuntimeExecutionMode.BATCH : RuntimeExecutionMode.STREAMING);
        return run.configure(env, !batch);
    }

    /**
     * Entry for the one-command stack (and main): the whole job — its own Kafka source and decoder with
     * analytics uids, so it can share an environment with the balance job — added to {@code env}.
     * Turns checkpointing on (10 s) unless the caller already did.
     */
    public static void addToEnvironment(StreamExecutionEnvironment env, KafkaInput input, PostgresSinkOptions target,
                                        AnalyticsConfig config, int sinkBufferRows) {
        if (env.getConfiguration().get(org.apache.flink.configuration.ExecutionOptions.RUNTIME_MODE) != RuntimeExecutionMode.BATCH) {
            JobEnvironment.ensureConfigured(env, JobEnvironment.DEFAULT_CHECKPOINT_INTERVAL);
        }
        DataStream<ChainEvent> events = ChainEventKafka.read(env, UID_PREFIX,
                ChainEventKafka.source(input.bootstrapServers(), input.groupId(), input.bounded()),
                ChainEventKafka.deadLetterSink(input.bootstrapServers()));
        addTo(env, events, target, config, sinkBufferRows);
    }

    /** Adds the analytics topology over an already decoded event stream (PostgreSQL sinks, no time-based flushes). */
    public static void addTo(StreamExecutionEnvironment env, DataStream<ChainEvent> events, PostgresSinkOptions target,
                             AnalyticsConfig config, int sinkBufferRows) {
        defineWorkflow(env, events, AnalyticsSinks.postgres(target.withBatching(sinkBufferRows, Duration.ZERO),
                config.retentionDays()), config);
    }

    /**
     * The topology. Records carry ordering timestamps (block number, window start, day) so that BATCH mode,
     * which sorts each keyed input by key and timestamp, feeds every function in the order streaming does.
     */
    public static void defineWorkflow(StreamExecutionEnvironment env, DataStream<ChainEvent> events,
                                      AnalyticsSinks sinks, AnalyticsConfig config) {
        KeySelector<FinalBlock, Long> finalChain = FinalBlock::chainId;
        KeySelector<LedgerBlock, Long> ledgerChain = b -> b.block().chainId();

        // streaming input is at-least-once: replayed blocks would count twice in the finalizer's applied-minus-reverted
        // balance. BATCH sorts each height's events in any order, which the gate cannot follow, and replays nothing.
        DataStream<ChainEvent> canonical = events;
        if (env.getConfiguration().get(org.apache.flink.configuration.ExecutionOptions.RUNTIME_MODE) != RuntimeExecutionMode.BATCH) {
            canonical = events.keyBy(e -> e.getBlock().getChainId(), Types.LONG)
                    .process(new io.chaintrack.jobs.balances.CanonicalChainGate(), io.chaintrack.connectors.flink.ProtobufTypeInfo.CHAIN_EVENT)
                    .name("analytics-canonical-chain-gate").uid(UID_CANONICAL_GATE);
        }
        SingleOutputStreamOperator<FinalBlock> finalBlocks = canonical
                .assignTimestampsAndWatermarks(WatermarkStrategy.<ChainEvent>noWatermarks()
                        .withTimestampAssigner((e, ts) -> e.getBlock().getNumber()))
                .name("analytics-event-order").uid(UID_EVENT_ORDER)
                .keyBy(e -> e.getBlock().getChainId(), Types.LONG)
                .process(new BlockFinalizer(config), FinalBlock.TYPE)
                .name("analytics-block-finalizer").uid(UID_FINALIZER)
                .assignTimestampsAndWatermarks(WatermarkStrategy.<FinalBlock>noWatermarks()
                        .withTimestampAssigner((b, ts) -> b.number()))
                .name("analytics-final-block-order").uid(UID_FINAL_ORDER);

        // everything per chain runs chained behind the finalizer: the stream is already partitioned by chain
        SingleOutputStreamOperator<LedgerBlock> ledger = DataStreamUtils.reinterpretAsKeyedStream(finalBlocks, finalChain, Types.LONG)
                .process(new AddressLedger(config), LedgerBlock.TYPE)
                .name("analytics-address-ledger").uid(UID_LEDGER);
        KeyedStream<LedgerBlock, Long> byChain = DataStreamUtils.reinterpretAsKeyedStream(ledger, ledgerChain, Types.LONG);

        sink(byChain.process(new TotalsAggregator(config), SqlRow.TYPE).name("analytics-totals").uid(UID_TOTALS), sinks, UID_TOTALS);
        sink(byChain.process(new LargeTransferDetector(config), SqlRow.TYPE).name("analytics-large-transfers").uid(UID_LARGE), sinks, UID_LARGE);

        SingleOutputStreamOperator<SqlRow> daily = byChain.process(new DailyRollup(config), SqlRow.TYPE)
                .name("analytics-daily-rollup").uid(UID_DAILY);
        sink(daily, sinks, UID_DAILY);
        SingleOutputStreamOperator<SqlRow> forecasts = daily.getSideOutput(DailyRollup.DAILY_POINTS)
                .assignTimestampsAndWatermarks(WatermarkStrategy.<SeriesPoint>noWatermarks().withTimestampAssigner((p, ts) -> p.start()))
                .name("analytics-daily-order").uid(UID_DAILY_ORDER)
                .keyBy(SeriesPoint::seriesKey, Types.STRING)
                .process(new DailyForecaster(config), SqlRow.TYPE)
                .name("analytics-daily-forecaster").uid(UID_FORECASTER);
        sink(forecasts, sinks, UID_FORECASTER);

        SingleOutputStreamOperator<SqlRow> scores = byChain.process(new WindowAggregator(config), SeriesPoint.TYPE)
                .name("analytics-window-aggregator").uid(UID_WINDOWS)
                .assignTimestampsAndWatermarks(WatermarkStrategy.<SeriesPoint>noWatermarks().withTimestampAssigner((p, ts) -> p.start()))
                .name("analytics-window-order").uid(UID_WINDOW_ORDER)
                .keyBy(SeriesPoint::seriesKey, Types.STRING)
                .process(new AnomalyScorer(config), SqlRow.TYPE)
                .name("analytics-anomaly-scorer").uid(UID_SCORER);
        sink(scores, sinks, UID_SCORER);

        DataStream<GlobalInput> addressDeltas = ledger.getSideOutput(AddressLedger.ADDRESS_EVENTS)
                .keyBy(AddressEvent::address, Types.STRING)
                .process(new GlobalAddressRegistry(config), GlobalInput.TYPE)
                .name("analytics-global-address-registry").uid(UID_REGISTRY);
        DataStream<GlobalInput> blockInputs = finalBlocks.map(GlobalInput::block, GlobalInput.TYPE)
                .name("analytics-global-blocks").uid(UID_GLOBAL_BLOCKS);
        DataStream<GlobalInput> topInputs = daily.getSideOutput(DailyRollup.TOP_TOKENS_OUT)
                .map(GlobalInput::topTokens, GlobalInput.TYPE)
                .name("analytics-global-top-tokens").uid(UID_GLOBAL_TOP_TOKENS);
        SingleOutputStreamOperator<SqlRow> global = blockInputs.union(addressDeltas, topInputs)
                .keyBy(g -> 0, Types.INT)
                .process(new GlobalRollup(config), SqlRow.TYPE)
                .name("analytics-global-rollup").uid(UID_GLOBAL)
                .setParallelism(1);
        sink(global, sinks, UID_GLOBAL);

        SingleOutputStreamOperator<SqlRow> globalForecasts = global.getSideOutput(GlobalRollup.GLOBAL_DAILY_POINTS)
                .assignTimestampsAndWatermarks(WatermarkStrategy.<SeriesPoint>noWatermarks().withTimestampAssigner((p, ts) -> p.start()))
                .name("analytics-global-daily-order").uid(UID_GLOBAL_DAILY_ORDER)
                .keyBy(SeriesPoint::metric, Types.STRING)
                .process(new GlobalForecaster(config), SqlRow.TYPE)
                .name("analytics-global-forecaster").uid(UID_GLOBAL_FORECASTER);
        sink(globalForecasts, sinks, UID_GLOBAL_FORECASTER);
    }

    private static void sink(SingleOutputStreamOperator<SqlRow> rows, AnalyticsSinks sinks, String producer) {
        rows.sinkTo(sinks.rows(producer))
                .name(producer + "-sink").uid(producer + "-sink")
                .setParallelism(rows.getParallelism());
    }
}
