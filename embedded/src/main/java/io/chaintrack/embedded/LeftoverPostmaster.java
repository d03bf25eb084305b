package io.chaintrack.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A PostgreSQL server still running on a kept data directory: pg_ctl starts the postmaster detached, so it
 * outlives a JVM killed with kill -9. Left alone, the next pg_ctl start would silently reuse it, its log going
 * nowhere and its settings those of the old run; it is stopped instead, so the server that runs is the one
 * this process configured and owns.
 */
final class LeftoverPostmaster {
    private static final Logger LOG = LoggerFactory.getLogger(LeftoverPostmaster.class);

    private LeftoverPostmaster() {}

    /** The live postmaster whose pid the data directory's postmaster.pid names, if any. */
    static Optional<ProcessHandle> find(Path dataDirectory) {
        Path pidFile = dataDirectory.resolve("postmaster.pid");
        if (!Files.isRegularFile(pidFile)) {
            return Optional.empty();
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(pidFile);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + pidFile, e);
        }
        if (lines.isEmpty()) {
            return Optional.empty();
        }
        long pid;
        try {
            pid = Long.parseLong(lines.get(0).trim());
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        // a pid reused by an unrelated process after a reboot is not ours to stop
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                .filter(p -> p.info().command().map(c -> c.endsWith("postgres")).orElse(false));
    }

    /** Stops a leftover server (smart shutdown: its clients died with the old JVM) and says so. */
    static void stopIfRunning(Path dataDirectory) {
        Optional<ProcessHandle> leftover = find(dataDirectory);
        if (leftover.isEmpty()) {
            return;
        }
        ProcessHandle postmaster = leftover.get();
        LOG.warn("PostgreSQL (pid {}) from an earlier run that did not stop it is still running on {}: stopping it, "
                + "then starting this run's own server", postmaster.pid(), dataDirectory);
        postmaster.destroy();
        try {
            postmaster.onExit().get(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while stopping leftover PostgreSQL pid " + postmaster.pid(), e);
        } catch (Exception e) {
            throw new IllegalStateException("leftover PostgreSQL pid " + postmaster.pid() + " on " + dataDirectory
                    + " did not stop within 60 s; stop it by hand (pg_ctl stop -D " + dataDirectory + ")", e);
        }
        LOG.info("stopped leftover PostgreSQL (pid {})", postmaster.pid());
    }
}
