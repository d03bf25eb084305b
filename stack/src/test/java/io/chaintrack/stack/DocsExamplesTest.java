package io.chaintrack.stack;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.chaintrack.api.QueryApi;
import io.chaintrack.api.keys.ApiKeyStore;
import io.chaintrack.connectors.evm.testkit.Await;
import io.chaintrack.core.config.ConfiguredCommandLine;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Every {@code curl} and {@code buf curl} example in README.md and docs/*.md, run by bash as pasted (only the ports
 * differ) against a real one-command stack on its default synthetic chain (paced faster: the same chain, block for
 * block): each answers 2xx (or the status its trailing {@code # 400} comment names) and, unless marked
 * {@code # empty on a fresh stack}, with data. Examples with {@code $TOKEN}/{@code $API_KEY} go to a second API over
 * the stack's PostgreSQL with auth on, as {@code --auth true --oidc-issuer} starts it, signed in through a real
 * in-process OIDC provider. {@code # needs: …} examples (another setup) are listed, not run.
 */
class DocsExamplesTest {
    /** The block the docs promise ("about three minutes" of a fresh stack at 5 blocks/s). */
    static final long DOCS_HEIGHT = 900;
    static final Pattern NOTE = Pattern.compile("\\s#\\s+(.*)$");
    static final Pattern STATUS_NOTE = Pattern.compile("^(\\d{3})\\b.*");
    static final String EMPTY = "empty on a fresh stack";
    static final String NEEDS = "needs:";

    @TempDir
    Path dir;

    /** One command of a docs code block: its file and line, setup lines of its block before it, its trailing note. */
    record Example(String where, String prelude, String command, String note) {
        boolean grpc() {
            return command.startsWith("npx ");
        }

        boolean authenticated() {
            return command.contains("$TOKEN") || command.contains("$API_KEY");
        }
    }

    static Path root() {
        Path p = Path.of("").toAbsolutePath();
        while (!Files.exists(p.resolve("docs/api.md"))) {
            p = p.getParent();
        }
        return p;
    }

    /** Commands in fenced code blocks that call curl or buf curl; "\" continuations joined; printf/cat setup kept. */
    static List<Example> examples(Path root) throws IOException {
        List<Path> files = new ArrayList<>();
        files.add(root.resolve("README.md"));
        try (Stream<Path> docs = Files.list(root.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(files::add);
        }
        List<Example> out = new ArrayList<>();
        for (Path file : files) {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            boolean inBlock = false;
            StringBuilder prelude = new StringBuilder();
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                if (line.startsWith("```")) {
                    inBlock = !inBlock;
                    prelude.setLength(0);
                    continue;
                }
                String trimmed = line.strip();
                if (!inBlock || !(trimmed.startsWith("curl ") || trimmed.startsWith("npx ") || trimmed.startsWith("printf ")
                        || trimmed.startsWith("cat >"))) {
                    continue;
                }
                int start = i;
                StringBuilder command = new StringBuilder(trimmed);
                while (lines.get(i).endsWith("\\") && i + 1 < lines.size()) {
                    command.append('\n').append(lines.get(++i));
                }
                if (trimmed.startsWith("printf ") || trimmed.startsWith("cat >")) {
                    prelude.append(command).append('\n');
                    continue;
                }
                String last = lines.get(i);
                Matcher note = NOTE.matcher(last);
                out.add(new Example(root.relativize(file) + ":" + (start + 1), prelude.toString(), command.toString(),
                        note.find() ? note.group(1).strip() : ""));
            }
        }
        return out;
    }

    @Test
    void everyDocsExampleWorksAsPastedAgainstAFreshStack() throws Exception {
        Path root = root();
        List<Example> examples = examples(root);
        // a broken extractor must not pass by finding nothing
        assertThat(examples).hasSizeGreaterThan(25);
        assertThat(examples).anyMatch(Example::grpc).anyMatch(Example::authenticated)
                .anyMatch(e -> e.command().contains("\n"));

        Path state = dir.resolve("state");
        CommandLine cli = ChaintrackCli.commandLine();
        ConfiguredCommandLine.parse(cli, Map.of(), "stack", "--state-dir", state.toString(), "--http-port", "0",
                "--grpc-port", "0", "--postgres-port", "0", "--blocks-per-second", "40");
        StackCommand command = cli.getSubcommands().get("stack").getCommand();
        StateDirectory stateDir = StateDirectory.open(state);
        StackCommand.Stack stack = command.new Stack();
        MockOAuth2Server oidc = new MockOAuth2Server();
        QueryApi authApi = null;
        try {
            stack.start(stateDir);
            ApiProbe probe = new ApiProbe(stack.api);
            long[] latest = {0};
            String[] refused = {""};
            Await.until(() -> {
                String body;
                try {
                    body = probe.get("/v1/chains/" + command.chainId() + "/status");
                } catch (AssertionError e) {
                    // 400 unknown chain until the balance job has written the chain's row
                    refused[0] = e.getMessage();
                    return false;
                }
                JsonObject status = JsonParser.parseString(body).getAsJsonObject().getAsJsonObject("status");
                latest[0] = status.get("latestBlock").getAsLong();
                return latest[0] >= DOCS_HEIGHT;
            }, 240_000, () -> "the stack's chain at block " + latest[0] + ", the docs assume " + DOCS_HEIGHT + " " + refused[0]);

            // what --auth true --oidc-issuer ISSUER --oidc-audience AUD gives, over the same database
            oidc.start();
            String issuer = oidc.issuerUrl("default").toString();
            authApi = QueryApi.start(stack.postgres.jdbcUrl(), stack.postgres.user(), stack.postgres.password(), 0, 0,
                    Map.of("chaintrack.api.auth.enabled", true, "chaintrack.api.auth.oidc.issuer", issuer,
                            "chaintrack.api.auth.oidc.audience", "chaintrack-api"));
            String token = oidc.issueToken("default", "docs-reader", "chaintrack-api", Map.of(), 3600).serialize();
            String apiKey = new ApiKeyStore(stack.postgres.dataSource()).create("docs examples", "standard").secret();

            Path work = Files.createDirectories(dir.resolve("work"));
            List<String> failures = new ArrayList<>();
            List<String> notRun = new ArrayList<>();
            int ran = 0;
            for (Example example : examples) {
                if (example.note().startsWith(NEEDS)) {
                    assertThat(example.note()).as(example.where() + " must name the option it needs").contains("--");
                    notRun.add(example.where() + " (" + example.note() + ")");
                    continue;
                }
                QueryApi target = example.authenticated() ? authApi : stack.api;
                String failure = null;
                // the analytics job trails the balance job by a few final blocks: retry briefly before failing
                for (int attempt = 0; attempt < 5; attempt++) {
                    failure = run(example, root, work, target.httpPort(), target.grpcPort(), token, apiKey);
                    if (failure == null) {
                        break;
                    }
                    Thread.sleep(3000);
                }
                ran++;
                if (failure != null) {
                    failures.add(example.where() + ": " + failure);
                }
            }
            System.err.println("docs examples: " + ran + " run, not run (another setup): " + notRun);
            assertThat(failures).as("docs examples that do not work as pasted").isEmpty();
            assertThat(notRun).as("examples for another setup stay the exception").hasSizeLessThanOrEqualTo(3);
        } finally {
            if (authApi != null) {
                authApi.close();
            }
            oidc.shutdown();
            stack.stop(stateDir);
        }
    }

    @Test
    void extractsCommandsWithTheirContinuationsSetupLinesAndNotes() throws Exception {
        Path root = dir.resolve("repo");
        Files.createDirectories(root.resolve("docs"));
        Files.writeString(root.resolve("README.md"), "```\ncurl http://localhost:8080/v1/chains\n```\ncurl outside a block\n");
        Files.writeString(root.resolve("docs/api.md"), String.join("\n", "text", "```",
                "# a comment line", "printf 'a\\n' > f.csv", "curl -X POST \\", "  --data-binary @f.csv \\",
                "  http://localhost:8080/v1/wallets/import   # 400: why", "```", "```json", "{\"curl\": 1}", "```",
                "```", "npx --yes --package=@bufbuild/buf@1.75.0 buf curl x   # needs: --rpc-url", "```", ""));
        List<Example> found = examples(root);
        assertThat(found).extracting(Example::where).containsExactly("README.md:2", "docs/api.md:5", "docs/api.md:13");
        assertThat(found.get(1).command()).startsWith("curl -X POST \\\n  --data-binary").endsWith("# 400: why");
        assertThat(found.get(1).prelude()).isEqualTo("printf 'a\\n' > f.csv\n");
        assertThat(found.get(1).note()).isEqualTo("400: why");
        assertThat(found.get(2).grpc()).isTrue();
        assertThat(found.get(2).note()).isEqualTo("needs: --rpc-url");
    }

    @Test
    void anExampleFailsOnAnotherStatusOrAnAnswerWithoutData() throws Exception {
        com.sun.net.httpserver.HttpServer server = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        Map<String, String> answers = Map.of("/data", "{\"transfers\": [{\"amount\": \"1\"}], \"nextCursor\": \"\"}",
                "/empty", "{\"transfers\": [], \"nextCursor\": \"\"}", "/status", "{\"status\": {\"latestBlock\": \"1\"}}",
                "/nothing", "{\"summary\": null}");
        server.createContext("/", exchange -> {
            String body = answers.get(exchange.getRequestURI().getPath());
            byte[] bytes = (body == null ? "{\"status\": 404}" : body).getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(body == null ? 404 : 200, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.start();
        try {
            int port = server.getAddress().getPort();
            Path work = Files.createDirectories(dir.resolve("work"));
            java.util.function.BiFunction<String, String, String> verdict = (path, note) -> {
                try {
                    return run(new Example("t", "", "curl http://localhost:8080" + path + (note.isEmpty() ? "" : "   # " + note), note),
                            dir, work, port, 1, "", "");
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            };
            assertThat(verdict.apply("/data", "")).isNull();
            assertThat(verdict.apply("/status", "")).isNull();
            assertThat(verdict.apply("/empty", "")).startsWith("no data");
            assertThat(verdict.apply("/nothing", "")).startsWith("no data");
            assertThat(verdict.apply("/empty", EMPTY + ": later")).isNull();
            assertThat(verdict.apply("/missing", "")).startsWith("HTTP 404");
            assertThat(verdict.apply("/missing", "404: gone")).isNull();
            assertThat(verdict.apply("/data", "400: refused")).startsWith("expected 400, got 200");
        } finally {
            server.stop(0);
        }
    }

    /** Runs one example with bash; null when it did what its docs say, else what went wrong. */
    static String run(Example example, Path root, Path work, int httpPort, int grpcPort, String token, String apiKey)
            throws Exception {
        String command = example.command().replace("localhost:8080", "localhost:" + httpPort)
                .replace("localhost:50051", "localhost:" + grpcPort);
        Path out = Files.createTempDirectory(work, "example");
        boolean stream = command.contains("/stream") || command.contains("/Stream");
        String script;
        if (example.grpc()) {
            script = example.prelude() + command + "\n";
        } else {
            // curl as pasted, with its status and body kept aside (the body still goes to stdout, e.g. into jq)
            script = "curl() { command curl --max-time " + (stream ? 6 : 30) + " -o '" + out + "/body' -w '%{http_code}\\n' \"$@\" >> '"
                    + out + "/codes'; cat '" + out + "/body' 2>/dev/null; }\n" + example.prelude() + command + "\n";
        }
        Path log = out.resolve("output");
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", script)
                .directory(example.grpc() ? root.toFile() : work.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().put("TOKEN", token);
        pb.environment().put("API_KEY", apiKey);
        Process process = pb.start();
        boolean finished = process.waitFor(stream ? 10 : 60, TimeUnit.SECONDS);
        if (!finished) {
            // a live stream never ends by itself: stop it (npx's node and buf included) the way Ctrl-C would
            process.descendants().forEach(ProcessHandle::destroy);
            process.destroy();
            process.waitFor(10, TimeUnit.SECONDS);
            if (!stream) {
                return "did not finish within 60 s";
            }
        }
        String output = Files.readString(log);
        int exit = finished ? process.exitValue() : 124;
        Matcher expected = STATUS_NOTE.matcher(example.note());
        boolean empty = example.note().startsWith(EMPTY);
        if (example.grpc()) {
            // buf curl exits non-zero on a gRPC error; a stream runs until timeout ends it (124)
            if (exit != 0 && !(stream && exit == 124)) {
                return "buf curl exited " + exit + ": " + clip(output);
            }
            if (!empty && !(stream ? output.contains("\"transfer\"") : hasData(output))) {
                return "no data: " + clip(output);
            }
            return null;
        }
        Path codes = out.resolve("codes");
        if (!Files.exists(codes)) {
            return "curl never ran (exit " + exit + "): " + clip(output);
        }
        String code = Files.readString(codes).strip();
        String body = Files.exists(out.resolve("body")) ? Files.readString(out.resolve("body")) : "";
        if (expected.matches()) {
            return code.equals(expected.group(1)) ? null : "expected " + expected.group(1) + ", got " + code + ": " + clip(body);
        }
        if (!code.startsWith("2")) {
            return "HTTP " + code + ": " + clip(body);
        }
        if (!empty && !(stream ? body.contains("\ndata:") : hasData(body))) {
            return "no data: " + clip(body);
        }
        return null;
    }

    /**
     * An answer with data: a JSON object with a non-empty top-level array (a page, a list) or, with no array at
     * all, a non-empty member (status, a summary); any other non-blank text (metrics).
     */
    static boolean hasData(String body) {
        String text = body.strip();
        if (!text.startsWith("{")) {
            return !text.isEmpty();
        }
        JsonObject object = JsonParser.parseString(text).getAsJsonObject();
        boolean arrays = false;
        for (Map.Entry<String, JsonElement> member : object.entrySet()) {
            JsonElement value = member.getValue();
            if (value.isJsonArray()) {
                arrays = true;
                if (!value.getAsJsonArray().isEmpty()) {
                    return true;
                }
            }
        }
        if (arrays) {
            return false;
        }
        return object.entrySet().stream().anyMatch(m -> !m.getValue().isJsonNull()
                && !(m.getValue().isJsonObject() && m.getValue().getAsJsonObject().isEmpty())
                && !(m.getValue().isJsonPrimitive() && m.getValue().getAsString().isEmpty()));
    }

    static String clip(String text) {
        return text.length() <= 600 ? text : text.substring(0, 600) + "…";
    }
}
