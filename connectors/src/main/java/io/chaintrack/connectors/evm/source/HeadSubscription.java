package io.chaintrack.connectors.evm.source;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chaintrack.connectors.evm.EvmChainConfig;
import io.chaintrack.connectors.evm.EvmMetrics;
import io.chaintrack.connectors.evm.RpcCredential;
import io.chaintrack.connectors.evm.RpcEndpoint;
import io.chaintrack.core.utxo.UtxoNetwork;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code eth_subscribe ["newHeads"]} over WebSocket (the JDK's client), used only to wake the head poller: blocks
 * are still fetched through the rate-limited RpcClient, so a missed or duplicated notification costs latency, never
 * data. It never blocks its caller: it connects asynchronously, and after a refusal or a drop it is tried again no
 * sooner than a backoff (5 s, doubling to 5 min) while the caller polls on its own interval. Only the newest
 * socket's events count (a late close of an old socket cannot mark the new one down).
 */
final class HeadSubscription implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HeadSubscription.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long FIRST_BACKOFF_NANOS = Duration.ofSeconds(5).toNanos();
    private static final long MAX_BACKOFF_NANOS = Duration.ofMinutes(5).toNanos();
    private static final String SUBSCRIBE = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_subscribe\",\"params\":[\"newHeads\"]}";

    /** What the poller is told. */
    interface Events {
        /** A newHeads notification arrived. */
        void head();

        /** The subscription was lost (or never came up): heads must be polled again, starting now. */
        void down();
    }

    private final String chain;
    private final URI uri;
    private final String where;
    private final RpcCredential credential;
    private final EvmMetrics metrics;
    private final Events events;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private volatile WebSocket socket;
    private volatile boolean live;
    private boolean connecting;
    private boolean closed;
    private volatile int generation;
    private long retryAt;
    private long backoff = FIRST_BACKOFF_NANOS;
    private boolean everFailed;

    private HeadSubscription(String chain, URI uri, RpcCredential credential, EvmMetrics metrics, Events events) {
        this.chain = chain;
        this.uri = uri;
        this.where = uri.getHost() + ":" + (uri.getPort() < 0 ? ("wss".equals(uri.getScheme()) ? 443 : 80) : uri.getPort());
        this.credential = credential;
        this.metrics = metrics;
        this.events = events;
    }

    /**
     * The subscription of the chain's first endpoint (or its wsUrl), or null when the config turns it off or the
     * chain is a UTXO network (Bitcoin Core has no JSON-RPC subscriptions: its heads are polled).
     */
    static HeadSubscription of(EvmChainConfig config, EvmMetrics metrics, Events events) {
        if (!config.headSubscription() || config.endpoints().isEmpty() || UtxoNetwork.isUtxoChain(config.chainId())) {
            return null;
        }
        RpcEndpoint first = config.endpoints().get(0);
        String url = config.wsUrl() != null ? config.wsUrl() : "ws" + first.url().substring("http".length());
        if (url.contains("{token}")) {
            url = url.replace("{token}", first.credential().resolveSecret());
        }
        return new HeadSubscription(config.chainName(), URI.create(url), first.credential(), metrics, events);
    }

    boolean live() {
        return live;
    }

    /** Opens the socket when none is open or opening and the backoff has passed; returns at once. */
    synchronized void maintain() {
        if (closed || live || connecting || System.nanoTime() - retryAt < 0) {
            return;
        }
        connecting = true;
        int gen = ++generation;
        WebSocket.Builder builder = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
        if (credential.kind() == RpcCredential.Kind.HEADER) {
            builder.header(credential.headerName(), credential.resolveSecret());
        }
        builder.buildAsync(uri, new Listener(gen)).whenComplete((ws, error) -> {
            if (error != null) {
                lost(gen, "connect failed: " + rootMessage(error));
                return;
            }
            synchronized (this) {
                if (closed || gen != generation) {
                    ws.abort();
                    return;
                }
                socket = ws;
            }
            ws.sendText(SUBSCRIBE, true);
        });
    }

    private static String rootMessage(Throwable t) {
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : " " + t.getMessage());
    }

    private void up(int gen) {
        synchronized (this) {
            if (closed || gen != generation) {
                return;
            }
            live = true;
            connecting = false;
            backoff = FIRST_BACKOFF_NANOS;
        }
        metrics.headSubscriptionUp(chain, true);
        LOG.info("chain {}: new heads by eth_subscribe newHeads at {}", chain, where);
    }

    private void lost(int gen, String why) {
        boolean wasLive;
        synchronized (this) {
            if (closed || gen != generation) {
                return;
            }
            wasLive = live;
            live = false;
            connecting = false;
            WebSocket s = socket;
            socket = null;
            if (s != null) {
                s.abort();
            }
            retryAt = System.nanoTime() + backoff;
            backoff = Math.min(MAX_BACKOFF_NANOS, backoff * 2);
        }
        metrics.headSubscriptionUp(chain, false);
        if (wasLive) {
            LOG.info("chain {}: newHeads subscription at {} lost ({}); polling for heads", chain, where, why);
        } else if (!everFailed) {
            LOG.info("chain {}: no newHeads subscription at {} ({}); polling for heads", chain, where, why);
        } else {
            LOG.debug("chain {}: newHeads subscription at {} still unavailable ({})", chain, where, why);
        }
        everFailed = true;
        events.down();
    }

    /** One socket's messages; stale once a newer socket was opened. */
    private final class Listener implements WebSocket.Listener {
        private final int gen;
        private final StringBuilder partial = new StringBuilder();

        Listener(int gen) {
            this.gen = gen;
        }

        @Override
        public void onOpen(WebSocket webSocket) {
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                message(text);
            }
            webSocket.request(1);
            return null;
        }

        private void message(String text) {
            JsonNode m;
            try {
                m = JSON.readTree(text);
            } catch (Exception e) {
                lost(gen, "unreadable message");
                return;
            }
            if ("eth_subscription".equals(m.path("method").asText())) {
                if (gen == generation) {
                    metrics.headNotification(chain);
                    events.head();
                }
            } else if (m.has("error")) {
                lost(gen, "eth_subscribe refused: " + m.get("error"));
            } else if (m.path("id").asInt() == 1 && m.hasNonNull("result")) {
                up(gen);
            }
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            lost(gen, "closed " + statusCode + (reason == null || reason.isEmpty() ? "" : " " + reason));
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            lost(gen, rootMessage(error));
        }
    }

    @Override
    public void close() {
        WebSocket s;
        synchronized (this) {
            closed = true;
            live = false;
            s = socket;
            socket = null;
        }
        if (s != null) {
            s.abort();
        }
    }
}
