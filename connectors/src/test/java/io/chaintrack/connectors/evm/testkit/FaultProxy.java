package io.chaintrack.connectors.evm.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

/**
 * An HTTP proxy in front of a JSON-RPC node that injects faults and logs every call it receives (arrival time,
 * methods, what it did), so tests can count calls per second window exactly where a provider would. WebSocket
 * upgrade requests (the newHeads subscription) are refused and not counted.
 */
public final class FaultProxy implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What to do with one incoming HTTP call. */
    public enum Fault {
        NONE,
        /** 429 with Retry-After (seconds in {@link Plan#retryAfterSeconds}). */
        TOO_MANY_REQUESTS,
        SERVER_ERROR,
        /** Never answers before the client's timeout. */
        HANG,
        /** 200 with the node's body cut in half. */
        TRUNCATE,
        /** Forwards, then rewrites the blockHash of every eth_getLogs result (a node that lags behind). */
        WRONG_LOG_HASH
    }

    /** Decides the fault of the n-th call (0-based) from its methods. */
    public interface Plan {
        Fault decide(int callIndex, List<String> methods);

        default int retryAfterSeconds() {
            return 1;
        }
    }

    /** One call as the proxy saw it. */
    public record Arrival(long nanos, List<String> methods, Fault fault, int status, String path) {}

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "fault-proxy");
        t.setDaemon(true);
        return t;
    });
    private final HttpClient upstream = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final URI target;
    private final List<Arrival> arrivals = new CopyOnWriteArrayList<>();
    private final AtomicInteger calls = new AtomicInteger();
    private volatile Plan plan = (i, m) -> Fault.NONE;
    private volatile int maxLogRange = Integer.MAX_VALUE;
    private volatile String requiredHeader;
    private volatile String requiredValue;
    private volatile BiConsumer<JsonNode, JsonNode> recorder;
    private volatile String prunedBlock;
    private volatile String prunedMessage;

    public FaultProxy(String targetUrl) throws IOException {
        this.target = URI.create(targetUrl);
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/";
    }

    public FaultProxy plan(Plan p) {
        this.plan = p;
        return this;
    }

    /** eth_getLogs over more blocks than this is refused the way providers do (JSON-RPC -32005). */
    public FaultProxy maxLogRange(int blocks) {
        this.maxLogRange = blocks;
        return this;
    }

    /**
     * Every eth_getBalance and eth_call at {@code block} is answered with JSON-RPC error -32000 {@code message}, the way
     * a non-archive node refuses state it has pruned ("missing trie node ..."); other blocks are served as usual.
     */
    public FaultProxy prunedStateAt(long block, String message) {
        this.prunedMessage = message;
        this.prunedBlock = "0x" + Long.toHexString(block);
        return this;
    }

    /** Calls without this header value are answered 401. */
    public FaultProxy requireHeader(String name, String value) {
        this.requiredHeader = name;
        this.requiredValue = value;
        return this;
    }

    /** Sees every forwarded request element with its answer element. */
    public FaultProxy record(BiConsumer<JsonNode, JsonNode> recorder) {
        this.recorder = recorder;
        return this;
    }

    public List<Arrival> arrivals() {
        return List.copyOf(arrivals);
    }

    /** Most calls that arrived within any window of {@code windowNanos} (sliding, the strictest count). */
    public int maxCallsInAnyWindow(long windowNanos) {
        List<Long> t = new ArrayList<>();
        for (Arrival a : arrivals) {
            t.add(a.nanos());
        }
        t.sort(Long::compare);
        int best = 0;
        int lo = 0;
        for (int hi = 0; hi < t.size(); hi++) {
            while (t.get(hi) - t.get(lo) >= windowNanos) {
                lo++;
            }
            best = Math.max(best, hi - lo + 1);
        }
        return best;
    }

    private void handle(HttpExchange ex) throws IOException {
        if ("websocket".equalsIgnoreCase(ex.getRequestHeaders().getFirst("Upgrade"))) {
            // the follower's newHeads subscription attempt: this proxy speaks HTTP only, and it is no JSON-RPC call
            ex.getRequestBody().readAllBytes();
            reply(ex, 400, "no WebSocket here".getBytes(), null);
            return;
        }
        long now = System.nanoTime();
        int index = calls.getAndIncrement();
        String path = ex.getRequestURI().getPath();
        byte[] body = ex.getRequestBody().readAllBytes();
        JsonNode req;
        List<String> methods = new ArrayList<>();
        try {
            req = JSON.readTree(body);
            if (req.isArray()) {
                for (JsonNode r : req) {
                    methods.add(r.path("method").asText());
                }
            } else {
                methods.add(req.path("method").asText());
            }
        } catch (IOException e) {
            req = null;
        }
        if (requiredHeader != null && !requiredValue.equals(ex.getRequestHeaders().getFirst(requiredHeader))) {
            arrivals.add(new Arrival(now, methods, Fault.NONE, 401, path));
            reply(ex, 401, "{\"error\":\"missing api key\"}".getBytes(), null);
            return;
        }
        Fault fault = plan.decide(index, methods);
        switch (fault) {
            case TOO_MANY_REQUESTS -> {
                arrivals.add(new Arrival(now, methods, fault, 429, path));
                reply(ex, 429, "{\"error\":\"rate limited\"}".getBytes(), Integer.toString(plan.retryAfterSeconds()));
                return;
            }
            case SERVER_ERROR -> {
                arrivals.add(new Arrival(now, methods, fault, 500, path));
                reply(ex, 500, "upstream exploded".getBytes(), null);
                return;
            }
            case HANG -> {
                arrivals.add(new Arrival(now, methods, fault, 0, path));
                try {
                    Thread.sleep(5_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                ex.close();
                return;
            }
            default -> {
                // forwarded below
            }
        }
        JsonNode answer;
        try {
            HttpResponse<byte[]> resp = upstream.send(HttpRequest.newBuilder(target)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofByteArray());
            answer = JSON.readTree(resp.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            reply(ex, 502, new byte[0], null);
            return;
        }
        answer = refuseLargeLogRanges(req, answer);
        answer = refusePrunedState(req, answer);
        if (fault == Fault.WRONG_LOG_HASH) {
            answer = rewriteLogHashes(req, answer);
        }
        if (recorder != null && req != null) {
            record(req, answer);
        }
        byte[] out = JSON.writeValueAsBytes(answer);
        if (fault == Fault.TRUNCATE) {
            byte[] half = new byte[out.length / 2];
            System.arraycopy(out, 0, half, 0, half.length);
            out = half;
        }
        arrivals.add(new Arrival(now, methods, fault, 200, path));
        reply(ex, 200, out, null);
    }

    private void record(JsonNode req, JsonNode answer) {
        if (req.isArray()) {
            for (JsonNode r : req) {
                for (JsonNode a : answer) {
                    if (a.path("id").equals(r.path("id"))) {
                        recorder.accept(r, a);
                    }
                }
            }
        } else {
            recorder.accept(req, answer);
        }
    }

    private JsonNode refuseLargeLogRanges(JsonNode req, JsonNode answer) {
        if (req == null || maxLogRange == Integer.MAX_VALUE) {
            return answer;
        }
        List<JsonNode> reqs = new ArrayList<>();
        req.forEach(reqs::add);
        if (!req.isArray()) {
            reqs = List.of(req);
        }
        for (JsonNode r : reqs) {
            if (!"eth_getLogs".equals(r.path("method").asText())) {
                continue;
            }
            JsonNode f = r.path("params").path(0);
            long from = Long.parseLong(f.path("fromBlock").asText().substring(2), 16);
            long to = Long.parseLong(f.path("toBlock").asText().substring(2), 16);
            if (to - from + 1 > maxLogRange) {
                for (JsonNode a : answer.isArray() ? answer : JSON.createArrayNode().add(answer)) {
                    if (a.path("id").equals(r.path("id"))) {
                        ObjectNode o = (ObjectNode) a;
                        o.remove("result");
                        o.putObject("error").put("code", -32005)
                                .put("message", "query exceeds max block range " + maxLogRange);
                    }
                }
            }
        }
        return answer;
    }

    private JsonNode refusePrunedState(JsonNode req, JsonNode answer) {
        String block = prunedBlock;
        if (req == null || block == null) {
            return answer;
        }
        for (JsonNode r : req.isArray() ? req : JSON.createArrayNode().add(req)) {
            String method = r.path("method").asText();
            boolean stateRead = method.equals("eth_getBalance") || method.equals("eth_call");
            if (!stateRead || !block.equalsIgnoreCase(r.path("params").path(1).asText())) {
                continue;
            }
            for (JsonNode a : answer.isArray() ? answer : JSON.createArrayNode().add(answer)) {
                if (a.path("id").equals(r.path("id"))) {
                    ObjectNode o = (ObjectNode) a;
                    o.remove("result");
                    o.putObject("error").put("code", -32000).put("message", prunedMessage);
                }
            }
        }
        return answer;
    }

    private static JsonNode rewriteLogHashes(JsonNode req, JsonNode answer) {
        if (req == null) {
            return answer;
        }
        ArrayNode reqs = req.isArray() ? (ArrayNode) req : JSON.createArrayNode().add(req);
        for (JsonNode r : reqs) {
            if (!"eth_getLogs".equals(r.path("method").asText())) {
                continue;
            }
            for (JsonNode a : answer.isArray() ? answer : JSON.createArrayNode().add(answer)) {
                if (a.path("id").equals(r.path("id")) && a.path("result").isArray()) {
                    for (JsonNode log : a.get("result")) {
                        ((ObjectNode) log).put("blockHash", "0x" + "ab".repeat(32));
                    }
                }
            }
        }
        return answer;
    }

    private static void reply(HttpExchange ex, int status, byte[] body, String retryAfter) throws IOException {
        ex.getResponseHeaders().set("Content-Type", "application/json");
        if (retryAfter != null) {
            ex.getResponseHeaders().set("Retry-After", retryAfter);
        }
        ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream os = ex.getResponseBody()) {
                os.write(body);
            }
        }
        ex.close();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
