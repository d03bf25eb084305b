package io.chaintrack.jobs.ingest;

import io.chaintrack.connectors.evm.EvmChainConfig;
import io.chaintrack.connectors.evm.EvmMetrics;
import io.chaintrack.connectors.evm.RetryPolicy;
import io.chaintrack.connectors.evm.rpc.RpcClient;
import io.chaintrack.connectors.evm.rpc.RpcRequest;
import io.chaintrack.connectors.evm.rpc.RpcResult;
import io.chaintrack.connectors.postgres.PostgresSinkOptions;
import io.chaintrack.connectors.postgres.copy.CollapsingUpsertSink;
import io.chaintrack.connectors.postgres.copy.UpsertTable;
import io.chaintrack.connectors.postgres.copy.UpsertTable.Column;
import io.chaintrack.proto.v1.ChainEvent;
import io.chaintrack.proto.v1.ChainEventType;
import io.chaintrack.proto.v1.Transfer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Reads symbol(), name() and decimals() of every token the first time the chain's transfers show it, through
 * the chain's rate-limited {@link RpcClient}, for the tokens table the API serves. Keyed by "chain/token".
 * Calls run on a small pool, never on the task thread, so a slow endpoint does not hold back the events or
 * the checkpoints; the task thread picks the answers up in processing-time timers, where keyed state may be
 * written. A lookup whose RPC calls failed is stored as 'error' and tried again after retry-after, up to
 * max-attempts; one still running at a failure is started again on restore (its timer is in the checkpoint).
 */
public final class TokenMetadataLookup extends KeyedProcessFunction<String, String, TokenMetadataLookup.Row> {
    private static final long serialVersionUID = 1L;
    public static final String UID = "token-metadata-lookup";
    public static final String SINK_UID = "token-metadata-sink";
    static final long POLL_MS = 50;

    /** A row of tokens (V24); a null symbol, name or decimals is unknown: the contract has no readable value. */
    public record Row(long chainId, String token, String symbol, String name, Integer decimals, String status,
                      int attempts, String error, long lookedUpAtMs) {}

    public static final UpsertTable<Row> TABLE = UpsertTable.of("tokens",
            List.of(new Column("chain_id", "BIGINT"), new Column("token", "TEXT"), new Column("symbol", "TEXT"),
                    new Column("name", "TEXT"), new Column("decimals", "SMALLINT"), new Column("status", "TEXT"),
                    new Column("attempts", "INTEGER"), new Column("error", "TEXT"), new Column("looked_up_at", "TIMESTAMPTZ")),
            List.of("chain_id", "token"), r -> r.chainId() + "/" + r.token(),
            (r, o) -> o.add(r.chainId()).add(r.token()).add(r.symbol()).add(r.name())
                    .add(r.decimals() == null ? null : r.decimals().toString()).add(r.status()).add(r.attempts())
                    .add(r.error()).addTimestampMs(r.lookedUpAtMs()));

    /** How often and how widely lookups run. */
    public record Settings(int maxAttempts, Duration retryAfter, int concurrency) implements java.io.Serializable {
        public static final Settings DEFAULTS = new Settings(5, Duration.ofMinutes(10), 4);

        public Settings {
            if (maxAttempts < 1 || concurrency < 1 || retryAfter.isNegative()) {
                throw new IllegalArgumentException("token metadata: max-attempts and concurrency must be positive, retry-after not negative");
            }
        }
    }

    private final EvmChainConfig chain;
    private final Settings settings;
    private final EvmMetrics.RegistrySupplier registry;
    private transient RpcClient client;
    private transient ExecutorService pool;
    private transient Map<String, CompletableFuture<Row>> running;
    private transient ValueState<Integer> attempts;
    private transient ValueState<String> status;
    private transient Counter done;
    private transient Counter failed;

    public TokenMetadataLookup(EvmChainConfig chain, Settings settings, EvmMetrics.RegistrySupplier registry) {
        this.chain = chain;
        this.settings = settings;
        this.registry = registry;
    }

    /**
     * Adds lookup and sink after {@code events}: every non-native token of an APPLIED block, keyed, to the
     * tokens table. Parallelism 1: one chain's token discovery is small next to its transfers.
     */
    public static void addTo(DataStream<ChainEvent> events, EvmChainConfig chain, Settings settings,
                             PostgresSinkOptions sink, EvmMetrics.RegistrySupplier registry) {
        events.flatMap(TokenMetadataLookup::tokensOf, Types.STRING).name("token-sightings").uid("token-sightings").setParallelism(1)
                .keyBy(key -> key, Types.STRING)
                .process(new TokenMetadataLookup(chain, settings, registry), TypeInformation.of(Row.class))
                .name(UID).uid(UID).setParallelism(1)
                .sinkTo(new CollapsingUpsertSink<>(TABLE, sink)).name(SINK_UID).uid(SINK_UID).setParallelism(1);
    }

    /** "chain/token" of each distinct contract token in an APPLIED event (a reverted block shows no new token). */
    static void tokensOf(ChainEvent event, Collector<String> out) {
        if (event.getType() != ChainEventType.CHAIN_EVENT_TYPE_APPLIED) {
            return;
        }
        Set<String> seen = new LinkedHashSet<>();
        for (Transfer t : event.getTransfersList()) {
            if (!t.getToken().equals("native")) {
                seen.add(t.getChainId() + "/" + t.getToken());
            }
        }
        seen.forEach(out::collect);
    }

    @Override
    public void open(OpenContext context) {
        // fewer retries than the follower's: a lookup that keeps failing is retried after retry-after instead
        client = new RpcClient("token-metadata-" + chain.chainName(), chain.endpoints(), 3, chain.requestTimeout(),
                new RetryPolicy(3, Duration.ofMillis(200), 2.0, 0.2, Duration.ofSeconds(2)), chain.breaker(), EvmMetrics.on(registry.get()));
        pool = Executors.newFixedThreadPool(settings.concurrency(), r -> {
            Thread t = new Thread(r, "token-metadata-" + chain.chainName());
            t.setDaemon(true);
            return t;
        });
        running = new HashMap<>();
        attempts = getRuntimeContext().getState(new ValueStateDescriptor<>("attempts", Types.INT));
        status = getRuntimeContext().getState(new ValueStateDescriptor<>("status", Types.STRING));
        done = getRuntimeContext().getMetricGroup().counter("tokenMetadataLookupsDone");
        failed = getRuntimeContext().getMetricGroup().counter("tokenMetadataLookupsFailed");
    }

    @Override
    public void processElement(String key, Context ctx, Collector<Row> out) throws Exception {
        if (status.value() == null) {
            start(key, 1, ctx);
        }
    }

    private void start(String key, int attempt, Context ctx) throws Exception {
        status.update("pending");
        attempts.update(attempt);
        int slash = key.indexOf('/');
        long chainId = Long.parseLong(key.substring(0, slash));
        String token = key.substring(slash + 1);
        running.put(key, CompletableFuture.supplyAsync(() -> lookup(chainId, token, attempt), pool));
        poll(ctx);
    }

    /** Answers are picked up by polling; the wait grows with the queue so a backlog does not flood the timers. */
    private void poll(Context ctx) {
        long now = ctx.timerService().currentProcessingTime();
        ctx.timerService().registerProcessingTimeTimer(now + POLL_MS * (1 + running.size() / settings.concurrency()));
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Row> out) throws Exception {
        String key = ctx.getCurrentKey();
        String state = status.value();
        if ("error".equals(state)) {
            start(key, attempts.value() + 1, ctx);
            return;
        }
        if (!"pending".equals(state)) {
            return;
        }
        CompletableFuture<Row> lookup = running.get(key);
        if (lookup == null) {
            // restored from a checkpoint taken while the lookup ran: its answer is lost, ask again
            start(key, attempts.value(), ctx);
            return;
        }
        if (!lookup.isDone()) {
            poll(ctx);
            return;
        }
        running.remove(key);
        Row row = lookup.join();
        out.collect(row);
        status.update(row.status());
        if (row.status().equals("done")) {
            done.inc();
        } else {
            failed.inc();
            if (row.attempts() < settings.maxAttempts()) {
                ctx.timerService().registerProcessingTimeTimer(ctx.timerService().currentProcessingTime() + settings.retryAfter().toMillis());
            }
        }
    }

    /** One JSON-RPC batch of the three calls; never throws: a failure is an 'error' row. */
    Row lookup(long chainId, String token, int attempt) {
        List<RpcRequest> requests = new ArrayList<>();
        for (String selector : List.of(Erc20Metadata.SYMBOL, Erc20Metadata.NAME, Erc20Metadata.DECIMALS)) {
            requests.add(RpcRequest.of("eth_call", Map.of("to", token, "data", selector), "latest"));
        }
        try {
            List<RpcResult> results = client.batch(requests);
            // a revert (no such function, or it refuses) is an answer: that field is unknown; any other JSON-RPC
            // error (rate limit, node trouble) says nothing about the token: try again later
            for (RpcResult r : results) {
                if (!r.ok() && !reverted(r)) {
                    return error(chainId, token, attempt, r.request().method() + ": " + r.error());
                }
            }
            return new Row(chainId, token, Erc20Metadata.text(hex(results.get(0))), Erc20Metadata.text(hex(results.get(1))),
                    Erc20Metadata.decimals(hex(results.get(2))), "done", attempt, null, System.currentTimeMillis());
        } catch (RuntimeException e) {
            return error(chainId, token, attempt, e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        }
    }

    private static Row error(long chainId, String token, int attempt, String error) {
        return new Row(chainId, token, null, null, null, "error", attempt, error.length() > 500 ? error.substring(0, 500) : error,
                System.currentTimeMillis());
    }

    /** Whether a JSON-RPC error is the call's revert (EIP-1474 code 3, or nodes' "execution reverted" wording). */
    static boolean reverted(RpcResult result) {
        String message = result.error().message() == null ? "" : result.error().message().toLowerCase(Locale.ROOT);
        return result.error().code() == 3 || message.contains("revert") || message.contains("invalid opcode");
    }

    private static String hex(RpcResult result) {
        return result.ok() && result.result() != null && result.result().isTextual() ? result.result().asText() : null;
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdownNow();
        }
        if (client != null) {
            client.close();
        }
    }
}
