package io.chaintrack.stack;

import io.chaintrack.connectors.kafka.ChainEventKafka;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import java.time.Duration;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;

/**
 * Turns the Kafka sink's "producer is already fenced ... most likely signals data loss" ERROR into a WARN saying
 * what it means here, when that is certain. On recovery Flink re-commits the transactions of the checkpoint it
 * restores; the run before the crash had usually committed them already, and re-committing a committed transaction
 * fails with ProducerFencedException. The connector cannot tell that from a transaction the broker aborted
 * because it outlived transaction.timeout.ms (which does lose data), so it says ERROR for both. The stack can:
 * its broker runs only while the stack does, so a transaction of a restore point younger than the timeout cannot
 * have been aborted for age. From an older restore point the ERROR is left as it is.
 */
public final class RecommitFenceFilter extends TurboFilter {
    static final String COMMITTER = "org.apache.flink.connector.kafka.sink.internal.KafkaCommitter";
    static final String FENCED = "Unable to commit transaction ({}) because its producer is already fenced.";
    static final Duration TRANSACTION_TIMEOUT = ChainEventKafka.TRANSACTION_TIMEOUT;
    private static final org.slf4j.Logger LOG = LoggerFactory.getLogger(RecommitFenceFilter.class);

    private static volatile boolean restoredWithinTimeout = true;

    /** Called at start with the age of the snapshot the jobs resume from. */
    static void restoring(Duration restorePointAge) {
        restoredWithinTimeout = restorePointAge.compareTo(TRANSACTION_TIMEOUT) < 0;
        if (!restoredWithinTimeout) {
            LOG.warn("resuming from a snapshot {} old, older than the Kafka transaction timeout ({}): output of its last "
                    + "checkpoint that was not committed before the stop may have been aborted by the broker",
                    restorePointAge, TRANSACTION_TIMEOUT);
        }
    }

    @Override
    public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
        if (level != Level.ERROR || format == null || !restoredWithinTimeout || !logger.getName().equals(COMMITTER)
                || !format.startsWith(FENCED)) {
            return FilterReply.NEUTRAL;
        }
        LOG.warn("Kafka transaction {} of the restored checkpoint was committed before the restart; re-committing it "
                + "found its producer fenced. Nothing is lost (the restore point is younger than the transaction timeout).",
                params != null && params.length > 0 ? params[0] : "?");
        return FilterReply.DENY;
    }
}
