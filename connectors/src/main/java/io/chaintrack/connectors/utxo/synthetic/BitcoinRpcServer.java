package io.chaintrack.connectors.utxo.synthetic;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A small JSON-RPC server that answers a {@link SyntheticUtxoChain} in Bitcoin Core's formats (getblockchaininfo,
 * getblockcount, getblockhash, getblockheader, getblock at verbosity 1-3, getrawtransaction), so tests and the demo
 * need no node. Errors use Core's codes (-8 out of range, -5 not found, -32601 unknown method).
 * With {@code maxVerbosity} 2 it behaves like a node without prevouts in blocks (Dogecoin Core, Core before 23).
 */
public final class BitcoinRpcServer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper().enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private final SyntheticUtxoChain chain;
    private final int maxVerbosity;
    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(2);
    private final AtomicLong requests = new AtomicLong();

    public BitcoinRpcServer(SyntheticUtxoChain chain, int maxVerbosity) throws IOException {
        this.chain = chain;
        this.maxVerbosity = maxVerbosity;
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/";
    }

    /** JSON-RPC requests answered so far (a batch counts each of its calls). */
    public long requests() {
        return requests.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            JsonNode body;
            try (InputStream in = exchange.getRequestBody()) {
                body = JSON.readTree(in);
            }
            JsonNode answer;
            if (body.isArray()) {
                ArrayNode all = F.arrayNode();
                for (JsonNode call : body) {
                    all.add(answer(call));
                }
                answer = all;
            } else {
                answer = answer(body);
            }
            byte[] bytes = JSON.writeValueAsBytes(answer);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    private ObjectNode answer(JsonNode call) {
        requests.incrementAndGet();
        ObjectNode out = F.objectNode();
        out.set("id", call.get("id"));
        try {
            out.set("result", result(call.path("method").asText(), call.path("params")));
            out.putNull("error");
        } catch (RpcFailure e) {
            out.putNull("result");
            out.putObject("error").put("code", e.code).put("message", e.getMessage());
        }
        return out;
    }

    private static final class RpcFailure extends RuntimeException {
        final int code;

        RpcFailure(int code, String message) {
            super(message, null, false, false);
            this.code = code;
        }
    }

    private JsonNode result(String method, JsonNode params) {
        return switch (method) {
            case "getblockchaininfo" -> {
                ObjectNode info = F.objectNode();
                String name = chain.network().name();
                info.put("chain", name.contains("-") ? name.substring(name.indexOf('-') + 1) : "main");
                info.put("blocks", chain.height());
                info.put("headers", chain.height());
                info.put("bestblockhash", chain.block(chain.height()).hash());
                yield info;
            }
            case "getblockcount" -> F.numberNode(chain.height());
            case "getblockhash" -> {
                SyntheticUtxoChain.Block b = chain.block(params.path(0).asLong(-1));
                if (b == null) {
                    throw new RpcFailure(-8, "Block height out of range");
                }
                yield F.textNode(b.hash());
            }
            case "getblockheader" -> header(block(params.path(0).asText()));
            case "getblock" -> {
                int verbosity = params.path(1).asInt(1);
                if (verbosity < 1 || verbosity > maxVerbosity) {
                    throw new RpcFailure(-8, "Verbosity was " + verbosity + " but must be between 1 and " + maxVerbosity);
                }
                yield block(block(params.path(0).asText()), verbosity);
            }
            case "getrawtransaction" -> {
                SyntheticUtxoChain.Tx tx = chain.tx(params.path(0).asText());
                if (tx == null) {
                    throw new RpcFailure(-5, "No such mempool or blockchain transaction");
                }
                yield tx(tx, 2);
            }
            default -> throw new RpcFailure(-32601, "Method not found");
        };
    }

    private SyntheticUtxoChain.Block block(String hash) {
        SyntheticUtxoChain.Block b = chain.blockByHash(hash);
        if (b == null) {
            throw new RpcFailure(-5, "Block not found");
        }
        return b;
    }

    private ObjectNode header(SyntheticUtxoChain.Block b) {
        ObjectNode h = F.objectNode();
        h.put("hash", b.hash());
        h.put("confirmations", chain.height() - b.height() + 1);
        h.put("height", b.height());
        h.put("version", 536870912);
        h.put("time", b.time());
        h.put("nTx", b.txs().size());
        if (b.height() > 0) {
            h.put("previousblockhash", b.previousHash());
        }
        return h;
    }

    private ObjectNode block(SyntheticUtxoChain.Block b, int verbosity) {
        ObjectNode out = header(b);
        ArrayNode txs = out.putArray("tx");
        for (SyntheticUtxoChain.Tx tx : b.txs()) {
            if (verbosity == 1) {
                txs.add(tx.txid());
            } else {
                txs.add(tx(tx, verbosity));
            }
        }
        return out;
    }

    private ObjectNode tx(SyntheticUtxoChain.Tx tx, int verbosity) {
        ObjectNode t = F.objectNode();
        t.put("txid", tx.txid());
        t.put("hash", tx.txid());
        ArrayNode vin = t.putArray("vin");
        if (tx.coinbase()) {
            vin.addObject().put("coinbase", "03" + tx.txid().substring(0, 6)).put("sequence", 4294967295L);
        }
        for (SyntheticUtxoChain.Input i : tx.inputs()) {
            ObjectNode in = vin.addObject();
            in.put("txid", i.txid());
            in.put("vout", i.vout());
            in.putObject("scriptSig").put("asm", "").put("hex", "");
            in.put("sequence", 4294967293L);
            if (verbosity >= 3) {
                ObjectNode prevout = in.putObject("prevout");
                prevout.put("generated", false);
                prevout.put("value", coins(i.spent().value()));
                prevout.set("scriptPubKey", script(i.spent().script()));
            }
        }
        ArrayNode vout = t.putArray("vout");
        for (int n = 0; n < tx.outputs().size(); n++) {
            SyntheticUtxoChain.Output o = tx.outputs().get(n);
            ObjectNode out = vout.addObject();
            out.put("value", coins(o.value()));
            out.put("n", n);
            out.set("scriptPubKey", script(o.script()));
        }
        if (verbosity >= 2 && !tx.coinbase()) {
            t.put("fee", coins(tx.fee()));
        }
        return t;
    }

    private static ObjectNode script(SyntheticUtxoChain.Script s) {
        ObjectNode out = F.objectNode();
        out.put("hex", s.hex());
        out.put("type", s.type());
        if (s.address() != null) {
            out.put("address", s.address());
        }
        return out;
    }

    private static BigDecimal coins(long baseUnits) {
        return BigDecimal.valueOf(baseUnits, 8);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
