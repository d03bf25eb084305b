package io.chaintrack.jobs.ingest;

import io.chaintrack.core.config.ConfiguredCommandLine;
import io.chaintrack.connectors.evm.EvmChainConfig;
import java.util.Map;
import picocli.CommandLine;

/** Test access to what IngestJob builds from its layered options. */
public final class IngestJobOptionsAccess {
    private IngestJobOptionsAccess() {}

    public static EvmChainConfig evmConfig(Map<String, String> env, String... args) {
        IngestJob job = new IngestJob();
        ConfiguredCommandLine.parse(new CommandLine(job), env, args);
        if (job.source != IngestJob.SourceKind.evm) {
            throw new AssertionError("source is " + job.source);
        }
        return job.evm.toConfig(job.synthetic.chainId);
    }
}
