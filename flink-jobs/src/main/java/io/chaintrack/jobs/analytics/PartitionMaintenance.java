package io.chaintrack.jobs.analytics;

import io.chaintrack.core.config.ConfigKey;
import io.chaintrack.core.config.ConfiguredCommandLine;
import io.chaintrack.connectors.postgres.PostgresSinkOptions;
import io.chaintrack.jobs.common.JdbcOptions;
import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The scheduled retention step: drops day partitions of the analytics tables older than the retention.
 * The analytics job runs it itself whenever its newest written day advances (data time); this command
 * runs it on demand or from cron (wall-clock day by default), e.g. from ChaintrackCli.
 */
@Command(name = "analytics-retention", mixinStandardHelpOptions = true,
        description = "Drop analytics day partitions older than --retention-days before --reference-day.")
public final class PartitionMaintenance implements Callable<Integer> {
    @Mixin
    JdbcOptions.Required jdbc = new JdbcOptions.Required();
    @ConfigKey("chaintrack.analytics.retention-days")
    @Option(names = "--retention-days", defaultValue = "90", description = "Days kept, ending at the reference day (default ${DEFAULT-VALUE}).")
    int retentionDays;
    @ConfigKey("chaintrack.analytics.retention-reference-day")
    @Option(names = "--reference-day", description = "Last day kept, YYYY-MM-DD (default: today, UTC).")
    LocalDate referenceDay;

    @Mixin
    ConfiguredCommandLine.ConfigFileOption configFile = new ConfiguredCommandLine.ConfigFileOption();

    public static void main(String[] args) {
        System.exit(ConfiguredCommandLine.execute(new CommandLine(new PartitionMaintenance()), args));
    }

    @Override
    public Integer call() throws SQLException {
        LocalDate day = referenceDay != null ? referenceDay : LocalDate.now(java.time.ZoneOffset.UTC);
        int dropped = dropOldPartitions(PostgresSinkOptions.of(jdbc.url(), jdbc.user(), jdbc.password()), retentionDays, day);
        System.out.println("dropped " + dropped + " analytics partitions older than " + day.minusDays(retentionDays - 1L));
        return 0;
    }

    /** Calls chaintrack_drop_old_partitions(retentionDays, referenceDay); returns how many partitions went. */
    public static int dropOldPartitions(PostgresSinkOptions target, int retentionDays, LocalDate referenceDay) throws SQLException {
        try (Connection c = target.connect("chaintrack-analytics-retention");
             PreparedStatement ps = c.prepareStatement("SELECT chaintrack_drop_old_partitions(?, ?)")) {
            ps.setInt(1, retentionDays);
            ps.setDate(2, Date.valueOf(referenceDay));
            int dropped;
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                dropped = rs.getInt(1);
            }
            c.commit();
            return dropped;
        }
    }
}
