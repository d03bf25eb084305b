package io.chaintrack.jobs.analytics;

import io.chaintrack.core.config.ConfiguredCommandLine;
import java.util.Map;
import picocli.CommandLine;

/** Test access to the AnalyticsConfig AnalyticsJob builds from its layered options. */
public final class AnalyticsJobOptionsAccess {
    private AnalyticsJobOptionsAccess() {}

    public static AnalyticsConfig config(Map<String, String> env, String... args) {
        AnalyticsJob job = new AnalyticsJob();
        ConfiguredCommandLine.parse(new CommandLine(job), env, args);
        return job.config();
    }
}
