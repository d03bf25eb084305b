package io.chaintrack.stack;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Through the stack's logging configuration (chaintrack-log-levels.xml registers the filter). */
class RecommitFenceFilterTest {
    private static final String FENCED_FORMAT = RecommitFenceFilter.FENCED + " This means that you either have a"
            + " different producer with the same '{}' (this is unlikely with the '{}' as all generated ids are unique and"
            + " shouldn't be reused) or recovery took longer than '{}' ({}ms). In both cases this most likely signals"
            + " data loss, please consult the Flink documentation for more details.";

    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private final ListAppender<ILoggingEvent> seen = new ListAppender<>();

    RecommitFenceFilterTest() {
        seen.start();
        root.addAppender(seen);
    }

    @AfterEach
    void detach() {
        root.detachAppender(seen);
        RecommitFenceFilter.restoring(Duration.ZERO);
    }

    @Test
    void aFencedRecommitAfterARecentRestoreIsAWarningThatSaysNothingIsLost() {
        RecommitFenceFilter.restoring(Duration.ofSeconds(30));
        committer().error(FENCED_FORMAT, "chaintrack-ingest-31337-0-7", "transactional.id", "KafkaSink",
                "transaction.timeout.ms", "600000");
        assertThat(errors()).isEmpty();
        assertThat(seen.list).anySatisfy(e -> {
            assertThat(e.getLevel()).isEqualTo(Level.WARN);
            assertThat(e.getFormattedMessage()).contains("chaintrack-ingest-31337-0-7").contains("Nothing is lost");
        });
    }

    @Test
    void afterARestoreOlderThanTheTransactionTimeoutTheErrorStays() {
        RecommitFenceFilter.restoring(Duration.ofMinutes(30));
        committer().error(FENCED_FORMAT, "chaintrack-ingest-31337-0-7", "transactional.id", "KafkaSink",
                "transaction.timeout.ms", "600000");
        assertThat(errors()).hasSize(1);
    }

    @Test
    void otherCommitterErrorsStay() {
        committer().error("Transaction ({}) encountered error and data has been potentially lost.", "t", new RuntimeException("x"));
        assertThat(errors()).hasSize(1);
    }

    private static org.slf4j.Logger committer() {
        return LoggerFactory.getLogger(RecommitFenceFilter.COMMITTER);
    }

    private List<ILoggingEvent> errors() {
        return seen.list.stream().filter(e -> e.getLevel() == Level.ERROR).toList();
    }
}
