package io.chaintrack.api;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.slf4j.LoggerFactory;

/** The access-log lines written while attached, each as its structured fields (what the JSON encoder writes). */
final class AccessLines implements AutoCloseable {
    private static final String LOGGER = "io.chaintrack.api.access";
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    private AccessLines() {}

    static AccessLines attach() {
        AccessLines lines = new AccessLines();
        lines.appender.setContext((LoggerContext) LoggerFactory.getILoggerFactory());
        lines.appender.start();
        ((Logger) LoggerFactory.getLogger(LOGGER)).addAppender(lines.appender);
        return lines;
    }

    /** One string per line: its key=value fields joined by spaces. */
    List<String> lines() {
        synchronized (appender.list) {
            return appender.list.stream().map(e -> Arrays.stream(e.getArgumentArray()).map(String::valueOf)
                    .collect(Collectors.joining(" "))).toList();
        }
    }

    @Override
    public void close() {
        ((Logger) LoggerFactory.getLogger(LOGGER)).detachAppender(appender);
    }
}
