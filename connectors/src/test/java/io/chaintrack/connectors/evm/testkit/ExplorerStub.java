package io.chaintrack.connectors.evm.testkit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Etherscan's account API over the chain's own transactions of the wallet (read from the node, so the oracle
 * stays the node): page/offset paging with a result window, and faults — every third call a 429, the fifth an
 * in-band rate-limit answer, the eighth a 500.
 */
public final class ExplorerStub implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpServer server;
    private final String wallet;
    private final int resultCap;
    private final List<Map<String, String>> txlist = new ArrayList<>();
    private final List<Map<String, String>> internal = new CopyOnWriteArrayList<>();
    /** startblock of every txlist request that got past the faults, in order. */
    public final List<Long> txlistStarts = new CopyOnWriteArrayList<>();
    public final AtomicInteger calls = new AtomicInteger();
    public final AtomicInteger faults = new AtomicInteger();
    /** Requests past the result window (a client that pages wrongly). */
    public final AtomicInteger windowRefusals = new AtomicInteger();
    public final AtomicInteger txlistPages = new AtomicInteger();
    /** txlist requests for page 2 or later within one block. */
    public final AtomicInteger inBlockPages = new AtomicInteger();
    /** Counted down when the held page is asked. */
    public final CountDownLatch held = new CountDownLatch(1);
    private final CountDownLatch released = new CountDownLatch(1);
    private volatile int holdAt = -1;
    /** While true every call is refused in-band with "Invalid API Key". */
    public volatile boolean refuseKey;

    /** The wallet's transactions in blocks 0..head, read from the node; {@code resultCap} is the window (page × offset). */
    public ExplorerStub(HardhatChain chain, String wallet, long head, int resultCap) throws IOException {
        this.wallet = wallet;
        this.resultCap = resultCap;
        for (long b = 0; b <= head; b++) {
            var block = chain.web3j().ethGetBlockByNumber(org.web3j.protocol.core.DefaultBlockParameter.valueOf(
                    BigInteger.valueOf(b)), true).send().getBlock();
            for (var t : block.getTransactions()) {
                var tx = (org.web3j.protocol.core.methods.response.EthBlock.TransactionObject) t;
                if (!wallet.equalsIgnoreCase(tx.getFrom()) && !wallet.equalsIgnoreCase(tx.getTo())) {
                    continue;
                }
                var r = chain.receipt(tx.getHash());
                Map<String, String> rec = new LinkedHashMap<>();
                rec.put("blockNumber", Long.toString(b));
                rec.put("timeStamp", block.getTimestamp().toString());
                rec.put("hash", tx.getHash());
                rec.put("transactionIndex", tx.getTransactionIndex().toString());
                rec.put("blockHash", block.getHash());
                rec.put("from", tx.getFrom());
                rec.put("to", tx.getTo() == null ? "" : tx.getTo());
                rec.put("value", tx.getValue().toString());
                rec.put("gas", tx.getGas().toString());
                rec.put("gasPrice", new BigInteger(r.getEffectiveGasPrice().substring(2), 16).toString());
                rec.put("isError", "0x1".equals(r.getStatus()) ? "0" : "1");
                rec.put("txreceipt_status", "0x1".equals(r.getStatus()) ? "1" : "0");
                rec.put("contractAddress", r.getContractAddress() == null ? "" : r.getContractAddress());
                rec.put("gasUsed", r.getGasUsed().toString());
                txlist.add(rec);
            }
        }
        txlist.sort(Comparator.comparingLong((Map<String, String> m) -> Long.parseLong(m.get("blockNumber")))
                .thenComparingInt(m -> Integer.parseInt(m.get("transactionIndex"))));
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/api", this::handle);
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.start();
    }

    /**
     * An internal value transfer the node cannot trace (Hardhat has no trace API): declared by the test that made it,
     * listed by txlistinternal like an explorer lists a traced inner call.
     */
    public void addInternal(HardhatChain chain, String txHash, String from, String to, BigInteger value, String traceId)
            throws IOException {
        var receipt = chain.receipt(txHash);
        var block = chain.block(receipt.getBlockNumber().longValueExact());
        Map<String, String> rec = new LinkedHashMap<>();
        rec.put("blockNumber", receipt.getBlockNumber().toString());
        rec.put("timeStamp", block.getTimestamp().toString());
        rec.put("hash", txHash);
        rec.put("from", from);
        rec.put("to", to);
        rec.put("value", value.toString());
        rec.put("contractAddress", "");
        rec.put("input", "");
        rec.put("type", "call");
        rec.put("gas", "0");
        rec.put("gasUsed", "0");
        rec.put("traceId", traceId);
        rec.put("isError", "0x1".equals(receipt.getStatus()) ? "0" : "1");
        rec.put("errCode", "");
        internal.add(rec);
        internal.sort(Comparator.comparingLong((Map<String, String> m) -> Long.parseLong(m.get("blockNumber"))));
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/api";
    }

    /** The {@code page}-th txlist request (past the faults) is answered only after {@link #release()}. */
    public void holdAt(int page) {
        holdAt = page;
    }

    public void release() {
        holdAt = -1;
        released.countDown();
    }

    private void handle(HttpExchange ex) throws IOException {
        Map<String, String> q = new HashMap<>();
        for (String kv : ex.getRequestURI().getRawQuery().split("&")) {
            String[] p = kv.split("=", 2);
            q.put(p[0], java.net.URLDecoder.decode(p.length > 1 ? p[1] : "", StandardCharsets.UTF_8));
        }
        int n = calls.incrementAndGet();
        if (n % 3 == 0) {
            faults.incrementAndGet();
            send(ex, 429, "{\"status\":\"0\",\"message\":\"NOTOK\",\"result\":\"Too many requests\"}");
            return;
        }
        if (n == 5) {
            faults.incrementAndGet();
            send(ex, 200, "{\"status\":\"0\",\"message\":\"NOTOK\",\"result\":\"Max rate limit reached\"}");
            return;
        }
        if (n == 8) {
            faults.incrementAndGet();
            send(ex, 500, "upstream hiccup");
            return;
        }
        if (refuseKey) {
            send(ex, 200, "{\"status\":\"0\",\"message\":\"NOTOK\",\"result\":\"Invalid API Key\"}");
            return;
        }
        int page = Integer.parseInt(q.get("page"));
        int offset = Integer.parseInt(q.get("offset"));
        if (page * offset > resultCap) {
            windowRefusals.incrementAndGet();
            send(ex, 200, "{\"status\":\"0\",\"message\":\"NOTOK\",\"result\":\"Result window is too large, PageNo x Offset"
                    + " size must be less than or equal to " + resultCap + "\"}");
            return;
        }
        long start = Long.parseLong(q.get("startblock"));
        long end = Long.parseLong(q.get("endblock"));
        List<Map<String, String>> source = "txlist".equals(q.get("action")) ? txlist
            : "txlistinternal".equals(q.get("action")) ? internal : List.of();
        if ("txlist".equals(q.get("action"))) {
            txlistStarts.add(start);
            if (page > 1 && start == end) {
                inBlockPages.incrementAndGet();
            }
            if (txlistPages.incrementAndGet() == holdAt) {
                held.countDown();
                try {
                    released.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        List<Map<String, String>> match = new ArrayList<>();
        for (Map<String, String> r : source) {
            long b = Long.parseLong(r.get("blockNumber"));
            if (b >= start && b <= end) {
                match.add(r);
            }
        }
        int from = Math.min(match.size(), (page - 1) * offset);
        List<Map<String, String>> slice = match.subList(from, Math.min(match.size(), from + offset));
        if (slice.isEmpty()) {
            send(ex, 200, "{\"status\":\"0\",\"message\":\"No transactions found\",\"result\":[]}");
            return;
        }
        send(ex, 200, JSON.writeValueAsString(Map.of("status", "1", "message", "OK", "result", slice)));
    }

    private static void send(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        ex.getResponseBody().write(bytes);
        ex.close();
    }

    @Override
    public void close() {
        release();
        server.stop(0);
    }
}
