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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stub JSON-RPC node answering from recorded files ({@link FixtureNames}), single calls and batches alike.
 * A request with no file gets JSON-RPC error -32099 naming the file it looked for, so a test fails loudly.
 * Several fixture folders can be layered: the first that has the file answers.
 */
public final class RecordedRpcServer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    public static final int NOT_RECORDED = -32099;

    private final List<Path> dirs;
    private final HttpServer server;
    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    private final AtomicInteger httpCalls = new AtomicInteger();

    public RecordedRpcServer(Path... dirs) throws IOException {
        this.dirs = List.of(dirs);
        for (Path d : dirs) {
            if (!Files.isDirectory(d)) {
                throw new IllegalArgumentException("no fixture folder " + d);
            }
        }
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
        server.createContext("/", this::handle);
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/";
    }

    public int calls(String method) {
        AtomicInteger n = calls.get(method);
        return n == null ? 0 : n.get();
    }

    public int httpCalls() {
        return httpCalls.get();
    }

    private void handle(HttpExchange ex) throws IOException {
        httpCalls.incrementAndGet();
        JsonNode req = JSON.readTree(ex.getRequestBody().readAllBytes());
        JsonNode answer;
        if (req.isArray()) {
            ArrayNode out = JSON.createArrayNode();
            for (JsonNode r : req) {
                out.add(answer(r));
            }
            answer = out;
        } else {
            answer = answer(req);
        }
        byte[] body = JSON.writeValueAsBytes(answer);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(200, body.length);
        try (OutputStream os = ex.getResponseBody()) {
            os.write(body);
        }
    }

    private JsonNode answer(JsonNode r) throws IOException {
        String method = r.path("method").asText();
        calls.computeIfAbsent(method, m -> new AtomicInteger()).incrementAndGet();
        String rel = FixtureNames.relativePath(method, r.get("params"));
        ObjectNode out = JSON.createObjectNode();
        out.put("jsonrpc", "2.0");
        out.set("id", r.get("id"));
        for (Path d : dirs) {
            Path f = d.resolve(rel);
            if (Files.isRegularFile(f)) {
                JsonNode rec = JSON.readTree(f.toFile());
                if (rec.has("error")) {
                    out.set("error", rec.get("error"));
                } else {
                    out.set("result", rec.get("result"));
                }
                return out;
            }
        }
        out.putObject("error").put("code", NOT_RECORDED).put("message", "not recorded: " + rel);
        return out;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
