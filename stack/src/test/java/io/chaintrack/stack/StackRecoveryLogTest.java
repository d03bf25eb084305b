package io.chaintrack.stack;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.chaintrack.connectors.evm.testkit.Await;
import io.chaintrack.core.config.ConfiguredCommandLine;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/**
 * A stack that stopped without a savepoint (cancelled, as a crash leaves it) resumes from its last retained
 * checkpoint, and that recovery logs no ERROR: re-committing the checkpoint's Kafka transactions, already
 * committed by the first run, is not data loss.
 */
class StackRecoveryLogTest {
    @TempDir
    Path dir;

    @Test
    void resumingFromTheLastCheckpointLogsNoError() throws Exception {
        StateDirectory state = StateDirectory.open(dir);
        StackCommand.Stack first = stack().new Stack();
        try {
            first.start(state);
            Await.until(() -> restorePoint(state) != null, 60_000, () -> "no retained checkpoint");
            Thread.sleep(2_000); // a few more checkpoints, so the retained one has committed transactions behind it
        } finally {
            // as a crash leaves it: no savepoint, the checkpoints retained
            first.job.cancel().get(60, TimeUnit.SECONDS);
            first.api.close();
            first.kafka.close();
            first.postgres.close();
        }
        String restoredFrom = state.restorePoint().orElseThrow();

        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> seen = new ListAppender<>();
        seen.start();
        root.addAppender(seen);
        StackCommand.Stack second = stack().new Stack();
        try {
            second.start(state);
            // the restored transactions are committed when the job starts; a new checkpoint shows it is running on
            Await.until(() -> !restoredFrom.equals(restorePoint(state)), 60_000,
                    () -> "no checkpoint after the restore from " + restoredFrom);
        } finally {
            root.detachAppender(seen);
            second.stop(state);
        }
        List<String> errors = seen.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.ERROR))
                .map(e -> e.getLoggerName() + ": " + e.getFormattedMessage()).toList();
        assertThat(errors).as("ERRORs logged while recovering").isEmpty();
    }

    /** Null while none, or while Flink is deleting a subsumed checkpoint under the walk. */
    private static String restorePoint(StateDirectory state) {
        try {
            return state.restorePoint().orElse(null);
        } catch (java.io.UncheckedIOException e) {
            return null;
        }
    }

    private StackCommand stack() {
        CommandLine cli = ChaintrackCli.commandLine();
        ConfiguredCommandLine.parse(cli, Map.of(), "stack", "--state-dir", dir.toString(), "--http-port", "0",
                "--grpc-port", "0", "--postgres-port", "0", "--blocks-per-second", "5", "--transfers-per-block", "5",
                "--checkpoint-interval", "1s");
        return cli.getSubcommands().get("stack").getCommand();
    }
}
