package io.chaintrack.stack;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.chaintrack.embedded.EmbeddedPostgresServer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * A JVM killed with kill -9 leaves its PostgreSQL running (pg_ctl starts it detached). The next start on the same
 * data directory stops that server with a log line saying so, then runs its own, logging into the given file.
 */
class LeftoverPostgresTest {
    @TempDir
    Path dir;

    /** The JVM that is killed: starts PostgreSQL on the data directory, prints its pid line, waits. */
    public static void main(String[] args) throws Exception {
        EmbeddedPostgresServer.start(Path.of(args[0]), 0, null, Path.of(args[1]));
        System.out.println("started");
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }

    @Test
    void aServerLeftByAKilledRunIsStoppedAndSaysSo() throws Exception {
        Path data = dir.resolve("postgres/data");
        Path log = dir.resolve("postgres/postgresql.log");
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), LeftoverPostgresTest.class.getName(),
                data.toString(), log.toString()).redirectErrorStream(true).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null && !line.equals("started")) {
                // the child's own log lines
            }
            assertThat(line).as("child started PostgreSQL").isEqualTo("started");
        }
        child.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        long leftoverPid = Long.parseLong(Files.readAllLines(data.resolve("postmaster.pid")).get(0).trim());
        Optional<ProcessHandle> leftover = ProcessHandle.of(leftoverPid).filter(ProcessHandle::isAlive);
        assertThat(leftover).as("PostgreSQL outlived the killed JVM").isPresent();

        Logger logger = (Logger) LoggerFactory.getLogger("io.chaintrack.embedded.LeftoverPostmaster");
        ListAppender<ILoggingEvent> seen = new ListAppender<>();
        seen.start();
        logger.addAppender(seen);
        try (EmbeddedPostgresServer server = EmbeddedPostgresServer.start(data, 0, null, log)) {
            assertThat(leftover.get().isAlive()).as("the leftover server was stopped").isFalse();
            List<String> messages = seen.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
            assertThat(messages).anySatisfy(m -> assertThat(m).contains("pid " + leftoverPid).contains("stopping it"));
            try (Connection c = server.dataSource().getConnection(); ResultSet rs = c.createStatement().executeQuery("SELECT 1")) {
                assertThat(rs.next()).isTrue();
            }
            long newPid = Long.parseLong(Files.readAllLines(data.resolve("postmaster.pid")).get(0).trim());
            assertThat(newPid).isNotEqualTo(leftoverPid);
            assertThat(Files.readString(log)).as("both servers' logs in the file").contains("database system is ready");
        } finally {
            logger.detachAppender(seen);
        }
    }
}
