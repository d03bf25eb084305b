package io.chaintrack.connectors.evm.source;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code eth_subscribe ["newHeads"]} over WebSocket on the endpoint's own host and port (ws:// for http://, as
 * Hardhat, geth and reth serve it), used only to wake the head poller: blocks are still fetched through the
 * rate-limited RpcClient, and without a subscription (refused, unsupported, dropped) polling goes on as before.
 * URLs carrying a credential placeholder are never tried. Off with -Dchaintrack.evm.head-subscription=false.
 */
final class HeadSubscription implements WebSocket.Listener, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HeadSubscription.class);
    static final boolean ENABLED = Boolean.parseBoolean(System.getProperty("chaintrack.evm.head-subscription", "true"));

    private final String chain;
    private final Runnable onHead;
    private final StringBuilder partial = new StringBuilder();
    private volatile WebSocket socket;
    private volatile boolean subscribed;

    private HeadSubscription(String chain, Runnable onHead) {
        this.chain = chain;
        this.onHead = onHead;
    }

    /** The subscription, or null when the node does not take one within 2 s (the caller keeps polling). */
    static HeadSubscription open(String chain, String httpUrl, Runnable onHead) {
        if (!ENABLED || httpUrl == null || httpUrl.contains("{") || !httpUrl.startsWith("http")) {
            return null;
        }
        URI ws = URI.create("ws" + httpUrl.substring(4));
        HeadSubscription s = new HeadSubscription(chain, onHead);
        try {
            WebSocket socket = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()
                    .newWebSocketBuilder().buildAsync(ws, s).get(2, TimeUnit.SECONDS);
            s.socket = socket;
            socket.sendText("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_subscribe\",\"params\":[\"newHeads\"]}", true);
            LOG.info("chain {}: new heads by subscription at {}", chain, ws.getHost() + ":" + ws.getPort());
            return s;
        } catch (Exception e) {
            LOG.info("chain {}: no newHeads subscription at {} ({}); polling for heads", chain,
                    ws.getHost() + ":" + ws.getPort(), e.getClass().getSimpleName());
            return null;
        }
    }

    boolean subscribed() {
        return subscribed;
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            String message = partial.toString();
            partial.setLength(0);
            if (message.contains("eth_subscription")) {
                onHead.run();
            } else if (message.contains("\"error\"")) {
                LOG.info("chain {}: newHeads subscription refused ({}); polling for heads", chain, message);
                webSocket.abort();
            } else {
                subscribed = true;
            }
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        LOG.info("chain {}: newHeads subscription closed ({} {}); polling for heads", chain, statusCode, reason);
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        LOG.info("chain {}: newHeads subscription failed ({}); polling for heads", chain, error.toString());
    }

    @Override
    public void close() {
        WebSocket s = socket;
        if (s != null) {
            s.abort();
        }
    }
}
