package io.chaintrack.jobs.analytics.bench;

import io.chaintrack.embedded.EmbeddedPostgresServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.stream.Stream;

/**
 * CPU seconds (user + system) used so far by an embedded PostgreSQL: its postmaster and every child process, read
 * from /proc. On a shared machine CPU time, unlike wall time, does not depend on what else runs.
 */
final class PostgresCpu {
    private PostgresCpu() {}

    static double seconds(EmbeddedPostgresServer pg) throws Exception {
        long postmaster;
        try (Connection c = pg.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SHOW data_directory")) {
            rs.next();
            postmaster = Long.parseLong(Files.readAllLines(Path.of(rs.getString(1), "postmaster.pid")).get(0).trim());
        }
        long ticks = 0;
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path p : (Iterable<Path>) procs::iterator) {
                String name = p.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                String[] f = stat(p);
                if (f == null) {
                    continue;
                }
                if (Long.parseLong(name) == postmaster) {
                    // own time plus that of children already ended (backends of closed connections)
                    ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]) + Long.parseLong(f[13]) + Long.parseLong(f[14]);
                } else if (Long.parseLong(f[1]) == postmaster) {
                    ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]);
                }
            }
        }
        return ticks / 100.0;
    }

    /** Fields of /proc/pid/stat after the command name: state, ppid, … (utime [11], stime [12], cutime [13], cstime [14]). */
    private static String[] stat(Path proc) {
        try {
            String s = Files.readString(proc.resolve("stat"));
            return s.substring(s.lastIndexOf(')') + 2).split(" ");
        } catch (IOException | RuntimeException e) {
            return null; // the process ended meanwhile
        }
    }
}
