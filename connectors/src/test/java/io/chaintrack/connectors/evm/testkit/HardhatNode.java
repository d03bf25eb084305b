package io.chaintrack.connectors.evm.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A real Hardhat 2 node started by the tests: {@code node .../hardhat/internal/cli/bootstrap.js node} on
 * 127.0.0.1 and a free port, from the fixture folder src/test/hardhat. Missing node or hardhat is a test
 * failure with instructions, never a skip.
 */
public final class HardhatNode implements AutoCloseable {
    private static final String READY = "Started HTTP and WebSocket JSON-RPC server";

    private final Process process;
    private final int port;
    private final Path log;

    private HardhatNode(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** The connectors module folder (surefire runs there; an IDE may run from the repository root). */
    public static Path moduleDir() {
        Path cwd = Path.of("").toAbsolutePath();
        if (Files.isDirectory(cwd.resolve("src/test/hardhat"))) {
            return cwd;
        }
        // the connectors module itself, the repository root, or a sibling module (stack's tests use the fixtures too)
        for (Path dir = cwd; dir != null; dir = dir.getParent()) {
            Path nested = dir.resolve("connectors");
            if (Files.isDirectory(nested.resolve("src/test/hardhat"))) {
                return nested;
            }
        }
        throw new IllegalStateException("cannot find the connectors module (src/test/hardhat) from " + cwd);
    }

    public static Path fixtureDir() {
        return moduleDir().resolve("src/test/hardhat");
    }

    /** bootstrap.js of the nearest node_modules/hardhat above the module. */
    public static Path hardhatBootstrap() {
        for (Path dir = moduleDir(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("node_modules/hardhat/internal/cli/bootstrap.js");
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("node_modules/hardhat not found above " + moduleDir()
                + ": run `npm install --no-audit --no-fund` at the repository root (package.json lists hardhat@2)");
    }

    public static HardhatNode start() throws IOException, InterruptedException {
        Path bootstrap = hardhatBootstrap();
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path logDir = moduleDir().resolve("target/hardhat");
        Files.createDirectories(logDir);
        Path log = logDir.resolve("node-" + port + ".log");
        List<String> cmd = new ArrayList<>(List.of("node", bootstrap.toString(), "node",
                "--hostname", "127.0.0.1", "--port", Integer.toString(port)));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(fixtureDir().toFile()).redirectErrorStream(true);
        pb.environment().put("HARDHAT_DISABLE_TELEMETRY_PROMPT", "true");
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot run `node` (Node.js 20 must be on PATH for the Hardhat tests): "
                    + e.getMessage(), e);
        }
        CountDownLatch ready = new CountDownLatch(1);
        Thread drain = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                 PrintWriter w = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    w.println(line);
                    w.flush();
                    if (line.contains(READY)) {
                        ready.countDown();
                    }
                }
            } catch (IOException ignored) {
                // the process ended
            }
        }, "hardhat-" + port);
        drain.setDaemon(true);
        drain.start();
        if (!ready.await(90, TimeUnit.SECONDS) || !p.isAlive()) {
            p.destroyForcibly();
            throw new IllegalStateException("Hardhat did not start on port " + port + " (exit "
                    + (p.isAlive() ? "none" : p.exitValue()) + "); output:\n" + Files.readString(log));
        }
        return new HardhatNode(p, port, log);
    }

    public int port() {
        return port;
    }

    public String url() {
        return "http://127.0.0.1:" + port + "/";
    }

    public Path log() {
        return log;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
