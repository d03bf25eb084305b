package io.chaintrack.stack;

import java.io.PrintStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import javax.sql.DataSource;

/** Prints where the stack listens and requests that work on the data it holds, with real addresses. */
final class Examples {
    private final DataSource db;
    private final int httpPort;
    private final int grpcPort;
    private final long chainId;

    Examples(DataSource db, int httpPort, int grpcPort, long chainId) {
        this.db = db;
        this.httpPort = httpPort;
        this.grpcPort = grpcPort;
        this.chainId = chainId;
    }

    /** Waits until the pipeline has written balances, then prints; prints the bare URLs if it times out. */
    void printWhenReady(Duration timeout, PrintStream out) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        Sample sample = null;
        while (sample == null && Instant.now().isBefore(deadline)) {
            sample = sample();
            if (sample == null) {
                Thread.sleep(1000);
            }
        }
        String base = "http://localhost:" + httpPort;
        out.println();
        out.println("chaintrack is running (Ctrl-C stops it)");
        out.println("  REST   " + base + "      health: " + base + "/v1/health");
        out.println("  gRPC   localhost:" + grpcPort);
        out.println("  docs   " + base + "/docs");
        out.println("  app    " + base + "/app/   (wallets need --auth true with --oidc-issuer/--oidc-audience; chain status works without)");
        if (sample == null) {
            out.println("  (no balances indexed yet; try " + base + "/v1/chains in a moment)");
            return;
        }
        String address = base + "/v1/chains/" + chainId + "/addresses/" + sample.address;
        Instant to = sample.blockTime.truncatedTo(ChronoUnit.HOURS).plus(1, ChronoUnit.HOURS);
        Instant from = to.minus(24, ChronoUnit.HOURS);
        out.println();
        out.println("try:");
        out.println("  curl -s '" + address + "/transfers?limit=5'");
        out.println("  curl -s '" + address + "/balances'");
        out.println("  curl -s '" + address + "/tokens/" + sample.token + "/history?startTime=" + from + "&endTime=" + to + "'");
        out.println("  curl -s '" + base + "/v1/chains/" + chainId + "/totals'");
        out.println("  curl -s '" + base + "/v1/chains'");
        // a bare "npx buf" resolves to an unrelated npm package named buf on a machine without node_modules: name the
        // package the repository locks (package.json), so npx runs the right tool with or without npm install
        out.println("  npx --yes --package=@bufbuild/buf@" + BUF_VERSION + " buf curl --protocol grpc --http2-prior-knowledge --schema proto \\");
        out.println("      -d '{\"chainId\":\"" + chainId + "\",\"address\":\"" + sample.address + "\"}' \\");
        out.println("      http://localhost:" + grpcPort + "/chaintrack.v1.BalanceService/GetBalances");
        out.println();
    }

    /** The @bufbuild/buf version package.json locks. */
    static final String BUF_VERSION = "1.75.0";

    private record Sample(String address, String token, Instant blockTime) {}

    /** The busiest non-zero address and a fungible token it holds. */
    private Sample sample() {
        String sql = """
                SELECT address, token, block_time FROM current_balances
                WHERE chain_id = ? AND address <> '0x0000000000000000000000000000000000000000'
                  AND standard IN ('ERC20', 'NATIVE') AND balance > 0
                ORDER BY block_number DESC, address LIMIT 1
                """;
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, chainId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new Sample(rs.getString(1), rs.getString(2), rs.getTimestamp(3).toInstant()) : null;
            }
        } catch (SQLException e) {
            return null;
        }
    }
}
