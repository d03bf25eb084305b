package io.chaintrack.api.tokens;

import io.chaintrack.api.config.TokenMetadataConfig;
import io.chaintrack.api.error.ApiException;
import io.chaintrack.api.metrics.ApiMetrics;
import io.chaintrack.api.query.Store;
import io.chaintrack.connectors.evm.BreakerPolicy;
import io.chaintrack.connectors.evm.EvmMetrics;
import io.chaintrack.connectors.evm.RetryPolicy;
import io.chaintrack.connectors.evm.RpcEndpoint;
import io.chaintrack.connectors.evm.rpc.RpcClient;
import io.chaintrack.connectors.evm.rpc.RpcException;
import io.chaintrack.connectors.evm.rpc.RpcRequest;
import io.chaintrack.connectors.evm.rpc.RpcResult;
import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.context.event.StartupEvent;
import io.prometheus.metrics.core.metrics.Counter;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Looks up symbol, name and decimals of every token the pipeline has seen (token_totals) once, through
 * eth_call on the chain's JSON-RPC endpoint (rate-aware {@link RpcClient}: retries, breaker), off the request
 * path on one background thread, and stores them in tokens. Chains without an endpoint are left alone.
 */
@Singleton
public final class TokenMetadataResolver implements ApplicationEventListener<StartupEvent> {
    private static final Logger LOG = LoggerFactory.getLogger(TokenMetadataResolver.class);

    private final TokenMetadataConfig config;
    private final TokenMetadataStore store;
    private final Map<Long, RpcClient> clients = new TreeMap<>();
    private final ScheduledExecutorService worker;
    private final AtomicBoolean nudged = new AtomicBoolean();
    private final AtomicLong sweeps = new AtomicLong();
    private final Counter lookups;

    public TokenMetadataResolver(TokenMetadataConfig config, Store store, ApiMetrics metrics) {
        this.config = config;
        this.store = new TokenMetadataStore(store);
        this.lookups = Counter.builder().name("chaintrack_api_token_metadata_lookups_total")
                .help("Token metadata lookups by chain and outcome: done (answered, fields may be unknown) or error (RPC failed)")
                .labelNames("chain", "outcome").register(metrics.registry());
        if (!config.rpcUrls().isEmpty()) {
            EvmMetrics rpcMetrics = EvmMetrics.on(metrics.registry());
            RetryPolicy retry = new RetryPolicy(3, Duration.ofMillis(200), 2.0, 0.2, Duration.ofSeconds(2));
            config.rpcUrls().forEach((chain, url) -> clients.put(Long.parseLong(chain), new RpcClient("token-metadata-" + chain,
                    List.of(RpcEndpoint.of(url)), 3 * config.batchSize(), config.requestTimeout(), retry, BreakerPolicy.defaults(),
                    rpcMetrics)));
        }
        this.worker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "token-metadata");
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public void onApplicationEvent(StartupEvent event) {
        if (!clients.isEmpty()) {
            worker.scheduleWithFixedDelay(this::sweep, 0, config.interval().toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** A request saw tokens without metadata: look soon rather than at the next interval. */
    public void nudge() {
        if (!clients.isEmpty() && nudged.compareAndSet(false, true)) {
            worker.execute(this::sweep);
        }
    }

    /** Completed sweeps (for operators and tests). */
    public long sweeps() {
        return sweeps.get();
    }

    private void sweep() {
        nudged.set(false);
        try {
            for (Map.Entry<Long, RpcClient> chain : clients.entrySet()) {
                while (resolveBatch(chain.getKey(), chain.getValue()) == config.batchSize()) {
                    // a full batch: more tokens may be waiting
                }
            }
        } catch (ApiException e) {
            LOG.warn("token metadata sweep stopped: {}", e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("token metadata sweep failed", e);
        } finally {
            sweeps.incrementAndGet();
        }
    }

    /** Claims one batch of tokens of a chain, looks them up in one JSON-RPC batch and stores the answers. */
    private int resolveBatch(long chainId, RpcClient client) {
        List<String> tokens = store.claim(chainId, config.batchSize(), config.maxAttempts(), config.retryAfter(), config.claimTimeout());
        if (tokens.isEmpty()) {
            return 0;
        }
        List<RpcRequest> requests = new ArrayList<>();
        for (String token : tokens) {
            for (String selector : List.of(Erc20Metadata.SYMBOL, Erc20Metadata.NAME, Erc20Metadata.DECIMALS)) {
                requests.add(RpcRequest.of("eth_call", Map.of("to", token, "data", selector), "latest"));
            }
        }
        List<RpcResult> results;
        try {
            results = client.batch(requests);
        } catch (RpcException | IllegalStateException e) {
            for (String token : tokens) {
                store.saveError(chainId, token, e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
                lookups.labelValues(Long.toString(chainId), "error").inc();
            }
            LOG.warn("token metadata of {} tokens on chain {} not read: {}", tokens.size(), chainId, e.getMessage());
            return tokens.size();
        }
        for (int i = 0; i < tokens.size(); i++) {
            // a revert (the function does not exist or refuses) is an answer: that field is unknown; any other
            // JSON-RPC error (rate limit, node trouble) says nothing about the token: try again later
            RpcResult failed = results.subList(3 * i, 3 * i + 3).stream().filter(r -> !r.ok() && !reverted(r)).findFirst().orElse(null);
            if (failed != null) {
                store.saveError(chainId, tokens.get(i), failed.request().method() + ": " + failed.error());
                lookups.labelValues(Long.toString(chainId), "error").inc();
                continue;
            }
            String symbol = Erc20Metadata.text(hex(results.get(3 * i)));
            String name = Erc20Metadata.text(hex(results.get(3 * i + 1)));
            Integer decimals = Erc20Metadata.decimals(hex(results.get(3 * i + 2)));
            store.saveDone(chainId, tokens.get(i), new Erc20Metadata.Metadata(symbol, name, decimals));
            lookups.labelValues(Long.toString(chainId), "done").inc();
        }
        return tokens.size();
    }

    /** Whether a JSON-RPC error is the call's revert (EIP-1474 code 3, or nodes' "execution reverted" wording). */
    static boolean reverted(RpcResult result) {
        String message = result.error().message() == null ? "" : result.error().message().toLowerCase(java.util.Locale.ROOT);
        return result.error().code() == 3 || message.contains("revert") || message.contains("invalid opcode");
    }

    private static String hex(RpcResult result) {
        return result.ok() && result.result() != null && result.result().isTextual() ? result.result().asText() : null;
    }

    @PreDestroy
    void stop() {
        worker.shutdownNow();
        clients.values().forEach(RpcClient::close);
    }
}
