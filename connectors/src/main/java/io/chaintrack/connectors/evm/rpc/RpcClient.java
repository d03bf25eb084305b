package io.chaintrack.connectors.evm.rpc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chaintrack.connectors.evm.BreakerPolicy;
import io.chaintrack.connectors.evm.EvmChainConfig;
import io.chaintrack.connectors.evm.EvmMetrics;
import io.chaintrack.connectors.evm.RetryPolicy;
import io.chaintrack.connectors.evm.RpcCredential;
import io.chaintrack.connectors.evm.RpcEndpoint;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.core.IntervalBiFunction;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Batched JSON-RPC over HTTP with the chain's call discipline: every HTTP attempt (a batch is one) first takes
 * its credential's budget ({@link CallBudgets}), goes to the first endpoint in failover order whose circuit
 * breaker admits it, and is retried with exponential backoff and jitter (never sooner than Retry-After) on
 * 429, 5xx, timeouts and broken bodies. JSON-RPC errors are answers, not failures: callers decide.
 */
public final class RpcClient implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RpcClient.class);
    // decimals stay exact: Bitcoin Core writes amounts as JSON decimals (0.00015000), a double would round them
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    private static final Map<String, CircuitBreaker> BREAKERS = new ConcurrentHashMap<>();
    private static final long BREAKER_POLL_MILLIS = 50;

    private final String chain;
    private final List<Endpoint> endpoints;
    private final int maxBatchSize;
    private final Duration requestTimeout;
    private final EvmMetrics metrics;
    private final HttpClient http;
    private final java.util.concurrent.ExecutorService httpExecutor;
    private final Retry retry;
    private long nextId = 1;

    private record Endpoint(int index, RpcEndpoint config, URI uri, String headerName, String headerValue,
                            CallBudgets.Budget budget, CircuitBreaker breaker) {
        String name() {
            return config.name();
        }
    }

    public RpcClient(EvmChainConfig config, EvmMetrics metrics) {
        this(config.chainName(), config.endpoints(), config.maxBatchSize(), config.requestTimeout(), config.retry(),
                config.breaker(), metrics);
    }

    public RpcClient(String chain, List<RpcEndpoint> endpoints, int maxBatchSize, Duration requestTimeout,
                     RetryPolicy retryPolicy, BreakerPolicy breakerPolicy, EvmMetrics metrics) {
        this.chain = chain;
        this.maxBatchSize = maxBatchSize;
        this.requestTimeout = requestTimeout;
        this.metrics = metrics;
        List<Endpoint> list = new ArrayList<>();
        for (RpcEndpoint e : endpoints) {
            RpcCredential c = e.credential();
            String secret = c.kind() == RpcCredential.Kind.NONE ? null : c.resolveSecret();
            URI uri = URI.create(c.kind() == RpcCredential.Kind.URL_TOKEN ? e.url().replace("{token}", secret) : e.url());
            String headerName = c.kind() == RpcCredential.Kind.HEADER ? c.headerName() : null;
            String headerValue = c.kind() == RpcCredential.Kind.HEADER ? secret : null;
            list.add(new Endpoint(list.size(), e, uri, headerName, headerValue, CallBudgets.of(c),
                    breaker(chain, e, breakerPolicy, metrics)));
        }
        this.endpoints = List.copyOf(list);
        this.httpExecutor = java.util.concurrent.Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "rpc-http-" + chain);
            t.setDaemon(true);
            return t;
        });
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .executor(httpExecutor)
                .connectTimeout(requestTimeout)
                .build();
        IntervalFunction backoff = retryPolicy.backoff();
        IntervalBiFunction<Object> interval = (attempt, outcome) -> {
            long wait = backoff.apply(attempt);
            if (outcome.isLeft() && outcome.getLeft() instanceof RetryableCallException r) {
                wait = Math.max(wait, r.retryAfterMillis());
            }
            return wait;
        };
        this.retry = Retry.of("rpc-" + chain, RetryConfig.custom()
                .maxAttempts(retryPolicy.maxAttempts())
                .intervalBiFunction(interval)
                .retryOnException(t -> t instanceof RetryableCallException)
                .failAfterMaxAttempts(false)
                .build());
    }

    private static CircuitBreaker breaker(String chain, RpcEndpoint e, BreakerPolicy p, EvmMetrics metrics) {
        String key = System.identityHashCode(metrics) + "|" + chain + "|" + e.name() + "|" + e.url();
        return BREAKERS.computeIfAbsent(key, k -> {
            CircuitBreaker b = CircuitBreaker.of("rpc-" + chain + "-" + e.name(), p.toConfig());
            metrics.breakerState(chain, e.name(), 0);
            b.getEventPublisher().onStateTransition(ev -> {
                CircuitBreaker.State to = ev.getStateTransition().getToState();
                metrics.breakerState(chain, e.name(), BreakerPolicy.gaugeValue(to));
                LOG.warn("chain {}: circuit breaker of endpoint {} is now {}", chain, e.name(), to);
            });
            return b;
        });
    }

    public String chain() {
        return chain;
    }

    public int maxBatchSize() {
        return maxBatchSize;
    }

    /** One request; the result, or {@link JsonRpcErrorException} when the node answered an error. */
    public JsonNode call(String method, Object... params) {
        return batch(List.of(RpcRequest.of(method, params))).get(0).orThrow();
    }

    /**
     * Requests in as few HTTP calls as {@code maxBatchSize} allows, answers in request order. A single request
     * still travels as a one-element batch so every answer is checked the same way.
     */
    public List<RpcResult> batch(List<RpcRequest> requests) {
        List<List<RpcRequest>> groups = new ArrayList<>();
        for (RpcRequest r : requests) {
            groups.add(List.of(r));
        }
        return batchGroups(groups);
    }

    /**
     * Like {@link #batch} but requests of one group always travel in the same HTTP call (so they are answered by
     * the same node), e.g. an eth_getLogs and the header that proves which chain the answering node is on.
     */
    public List<RpcResult> batchGroups(List<List<RpcRequest>> groups) {
        List<RpcResult> out = new ArrayList<>();
        List<RpcRequest> pending = new ArrayList<>();
        for (List<RpcRequest> group : groups) {
            if (group.size() > maxBatchSize) {
                throw new IllegalArgumentException("a request group of " + group.size() + " exceeds maxBatchSize "
                        + maxBatchSize);
            }
            if (pending.size() + group.size() > maxBatchSize) {
                out.addAll(send(pending));
                pending = new ArrayList<>();
            }
            pending.addAll(group);
        }
        if (!pending.isEmpty()) {
            out.addAll(send(pending));
        }
        return out;
    }

    private List<RpcResult> send(List<RpcRequest> requests) {
        Map<Long, RpcRequest> byId = new HashMap<>();
        ArrayNode body = JsonNodeFactory.instance.arrayNode();
        List<Long> ids = new ArrayList<>();
        synchronized (this) {
            for (RpcRequest r : requests) {
                long id = nextId++;
                ids.add(id);
                byId.put(id, r);
                ObjectNode o = body.addObject();
                o.put("jsonrpc", "2.0");
                o.put("id", id);
                o.put("method", r.method());
                o.set("params", JSON.valueToTree(r.params()));
            }
        }
        String method = methodLabel(requests);
        byte[] payload;
        try {
            payload = JSON.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot encode JSON-RPC params of " + requests, e);
        }
        int[] attempt = {0};
        JsonNode answer;
        try {
            answer = retry.executeCheckedSupplier(() -> attempt(payload, method, attempt[0]++));
        } catch (RetryableCallException e) {
            throw new RpcCallFailedException("chain " + chain + ": " + method + " failed after " + attempt[0]
                    + " attempts, last: " + e.getMessage(), e);
        } catch (RpcException e) {
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RpcCallFailedException("chain " + chain + ": interrupted during " + method, e);
        } catch (Throwable e) {
            throw new RpcCallFailedException("chain " + chain + ": " + method + " failed: " + e, e);
        }
        Map<Long, JsonNode> answers = new HashMap<>();
        for (JsonNode a : answer) {
            answers.put(a.path("id").asLong(-1), a);
        }
        List<RpcResult> results = new ArrayList<>(requests.size());
        for (long id : ids) {
            JsonNode a = answers.get(id);
            RpcRequest r = byId.get(id);
            JsonNode err = a.get("error");
            if (err != null && !err.isNull()) {
                results.add(new RpcResult(r, null, toError(err)));
            } else {
                results.add(new RpcResult(r, a.get("result"), null));
            }
        }
        return results;
    }

    private static RpcError toError(JsonNode err) {
        return new RpcError(err.path("code").asInt(0), err.path("message").asText(""), err.get("data"));
    }

    private static String methodLabel(List<RpcRequest> requests) {
        String first = requests.get(0).method();
        for (RpcRequest r : requests) {
            if (!r.method().equals(first)) {
                return "batch";
            }
        }
        return first;
    }

    /** One HTTP attempt: pick an endpoint, wait for the budget, post, classify. */
    private JsonNode attempt(byte[] payload, String method, int attemptNo) throws InterruptedException {
        Endpoint ep = choose(attemptNo);
        long start = System.nanoTime();
        boolean recorded = false;
        try {
            ep.budget().acquire();
            start = System.nanoTime();
            HttpRequest.Builder req = HttpRequest.newBuilder(ep.uri())
                    .timeout(requestTimeout)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(payload));
            if (ep.headerName() != null) {
                req.header(ep.headerName(), ep.headerValue());
            }
            HttpResponse<byte[]> resp;
            try {
                resp = http.send(req.build(), HttpResponse.BodyHandlers.ofByteArray());
            } catch (HttpTimeoutException e) {
                recorded = fail(ep, start, method, "timeout", e);
                throw new RetryableCallException(ep.name(), "endpoint " + ep.name() + " timed out after "
                        + requestTimeout.toMillis() + " ms", 0, e);
            } catch (InterruptedIOException e) {
                throw new InterruptedException("interrupted during " + method);
            } catch (IOException e) {
                recorded = fail(ep, start, method, "io_error", e);
                throw new RetryableCallException(ep.name(), "endpoint " + ep.name() + ": " + e, 0, e);
            }
            int status = resp.statusCode();
            if (status == 429) {
                metrics.rateLimited(chain, ep.name());
                long retryAfter = RetryAfter.millis(resp.headers().firstValue("Retry-After").orElse(null), Instant.now());
                if (retryAfter > 0) {
                    ep.budget().pauseFor(retryAfter);
                }
                RetryableCallException e = new RetryableCallException(ep.name(), "endpoint " + ep.name()
                        + " answered 429 (Retry-After " + retryAfter + " ms)", retryAfter, null);
                recorded = fail(ep, start, method, "429", e);
                throw e;
            }
            if (status >= 500 || status == 408 || status == 401 || status == 403) {
                RetryableCallException e = new RetryableCallException(ep.name(), "endpoint " + ep.name()
                        + " answered HTTP " + status + bodyHint(resp.body()), 0, null);
                recorded = fail(ep, start, method, Integer.toString(status), e);
                throw e;
            }
            JsonNode json;
            try {
                json = JSON.readTree(resp.body());
            } catch (IOException e) {
                json = null;
            }
            if (status != 200 && (json == null || !json.isContainerNode())) {
                // a request the provider refuses as such (400, 404, 413...) fails the same way everywhere
                ep.breaker().onSuccess(System.nanoTime() - start, TimeUnit.NANOSECONDS);
                recorded = true;
                metrics.rpcCall(chain, ep.name(), method, Integer.toString(status));
                throw new RpcCallFailedException("chain " + chain + ": endpoint " + ep.name() + " refused " + method
                        + " with HTTP " + status + bodyHint(resp.body()), null);
            }
            if (json == null || !json.isArray() || json.size() == 0) {
                if (json != null && json.isObject() && json.has("error")) {
                    // the whole batch was refused (too large, malformed): retrying the same batch cannot help
                    ep.breaker().onSuccess(System.nanoTime() - start, TimeUnit.NANOSECONDS);
                    recorded = true;
                    RpcError err = toError(json.get("error"));
                    metrics.rpcCall(chain, ep.name(), method, Integer.toString(err.code()));
                    throw new RpcCallFailedException("chain " + chain + ": endpoint " + ep.name() + " refused a batch"
                            + " of " + method + " (" + err + "); lower maxBatchSize if the provider caps batches", null);
                }
                RetryableCallException e = new RetryableCallException(ep.name(), "endpoint " + ep.name()
                        + " sent a body that is not a JSON-RPC batch answer (" + resp.body().length + " bytes)"
                        + bodyHint(resp.body()), 0, null);
                recorded = fail(ep, start, method, "invalid_json", e);
                throw e;
            }
            if (!complete(json, payload)) {
                RetryableCallException e = new RetryableCallException(ep.name(), "endpoint " + ep.name()
                        + " answered only part of a batch of " + method, 0, null);
                recorded = fail(ep, start, method, "invalid_json", e);
                throw e;
            }
            ep.breaker().onSuccess(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            recorded = true;
            metrics.rpcCall(chain, ep.name(), method, statusLabel(json, status));
            return json;
        } finally {
            if (!recorded) {
                ep.breaker().releasePermission();
            }
        }
    }

    private boolean fail(Endpoint ep, long start, String method, String status, Exception e) {
        ep.breaker().onError(System.nanoTime() - start, TimeUnit.NANOSECONDS, e);
        metrics.rpcCall(chain, ep.name(), method, status);
        metrics.rpcRetry(chain, ep.name(), method);
        LOG.debug("chain {}: {} on endpoint {} failed: {}", chain, method, ep.name(), e.getMessage());
        return true;
    }

    /** Every request id of the payload has exactly one answer with a result or an error. */
    private static boolean complete(JsonNode answer, byte[] payload) {
        JsonNode sent;
        try {
            sent = JSON.readTree(payload);
        } catch (IOException e) {
            return false;
        }
        Map<Long, Boolean> seen = new HashMap<>();
        for (JsonNode a : answer) {
            if (!a.isObject() || !a.has("id") || !(a.has("result") || a.has("error"))) {
                return false;
            }
            seen.put(a.get("id").asLong(), Boolean.TRUE);
        }
        for (JsonNode s : sent) {
            if (!seen.containsKey(s.get("id").asLong())) {
                return false;
            }
        }
        return true;
    }

    private static String statusLabel(JsonNode answer, int httpStatus) {
        for (JsonNode a : answer) {
            JsonNode err = a.get("error");
            if (err != null && !err.isNull()) {
                return Integer.toString(err.path("code").asInt(0));
            }
        }
        return Integer.toString(httpStatus);
    }

    private static String bodyHint(byte[] body) {
        if (body == null || body.length == 0) {
            return "";
        }
        String s = new String(body, 0, Math.min(body.length, 200), java.nio.charset.StandardCharsets.UTF_8);
        return ": " + s.replaceAll("\\s+", " ");
    }

    /**
     * Failover order, rotated by attempt so a retry goes to the next URL; open breakers are skipped. When every
     * breaker is open the call waits for the first to let a trial call through: a stream source has nothing
     * better to do, and the retry budget still bounds how many trials fail before the call gives up.
     */
    private Endpoint choose(int attemptNo) throws InterruptedException {
        int n = endpoints.size();
        while (true) {
            for (int i = 0; i < n; i++) {
                Endpoint ep = endpoints.get((attemptNo + i) % n);
                if (ep.breaker().tryAcquirePermission()) {
                    return ep;
                }
            }
            Thread.sleep(BREAKER_POLL_MILLIS);
        }
    }

    /** Breaker state of an endpoint (tests and diagnostics). */
    public CircuitBreaker.State breakerState(String endpointName) {
        for (Endpoint e : endpoints) {
            if (e.name().equals(endpointName)) {
                return e.breaker().getState();
            }
        }
        throw new IllegalArgumentException("no endpoint named " + endpointName);
    }

    @Override
    public void close() {
        httpExecutor.shutdownNow();
    }
}
