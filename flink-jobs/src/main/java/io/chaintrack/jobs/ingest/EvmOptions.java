package io.chaintrack.jobs.ingest;

import io.chaintrack.core.config.ConfigKey;
import io.chaintrack.connectors.evm.EvmChainConfig;
import io.chaintrack.connectors.evm.FinalityPolicy;
import io.chaintrack.connectors.evm.RateLimit;
import io.chaintrack.connectors.evm.RpcEndpoint;
import io.chaintrack.core.config.DurationConverter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * Command-line options of the EVM follower (--source evm). Credentials never appear on the command
 * line: a URL may carry {token} resolved from an environment variable by the connector (see docs/ingestion.md).
 */
public final class EvmOptions {
    @ConfigKey("chaintrack.ingest.rpc-urls")
    @Option(names = "--rpc-url", split = ",", description = "JSON-RPC URLs in failover order (repeatable or comma separated).")
    List<String> rpcUrls = new ArrayList<>();

    @ConfigKey("chaintrack.ingest.chain-name")
    @Option(names = "--chain-name", description = "Chain name for metrics and logs (default chain-<id>).")
    String chainName;

    @ConfigKey("chaintrack.ingest.start-block")
    @Option(names = "--start-block", description = "First block to ingest (default 0).")
    long startBlock;

    @ConfigKey("chaintrack.ingest.end-block")
    @Option(names = "--end-block", description = "Last block to ingest; without it the job follows the head forever.")
    Long endBlock;

    @ConfigKey("chaintrack.ingest.finality")
    @Option(names = "--finality", description = "Finality: a number of confirmations, 'safe' or 'finalized' (default 0 confirmations).")
    String finality = "0";

    @ConfigKey("chaintrack.ingest.rate-limit")
    @Option(names = "--rate-limit", description = "At most this many upstream HTTP calls per second per URL; 0 = unlimited (default 0).")
    int rateLimit;

    @ConfigKey("chaintrack.ingest.poll-interval")
    @Option(names = "--poll-interval", converter = DurationConverter.class,
            description = "Head polling interval; a newHeads WebSocket subscription, when the node takes one, wakes the poller at once (default 500ms).")
    Duration pollInterval = Duration.ofMillis(500);

    @ConfigKey("chaintrack.ingest.reorg-depth")
    @Option(names = "--reorg-depth", description = "Deepest reorg followed; deeper ones fail the job (default 128).")
    int reorgDepth = 128;

    /** Builds the connector's configuration; bad values raise IllegalArgumentException naming them. */
    public EvmChainConfig toConfig(long chainId) {
        if (rpcUrls.isEmpty()) {
            throw new IllegalArgumentException("--source evm needs at least one --rpc-url");
        }
        EvmChainConfig.Builder builder = EvmChainConfig.builder(chainId, chainName != null ? chainName : "chain-" + chainId)
                .finality(finalityPolicy())
                .startBlock(startBlock)
                .endBlock(endBlock)
                .pollInterval(pollInterval)
                .reorgDepth(reorgDepth);
        for (String url : rpcUrls) {
            RpcEndpoint endpoint = RpcEndpoint.of(url);
            if (rateLimit < 0) {
                throw new IllegalArgumentException("--rate-limit must be >= 0, was " + rateLimit);
            }
            if (rateLimit > 0) {
                endpoint = RpcEndpoint.of(endpoint.name(), endpoint.url(),
                        endpoint.credential().withRateLimit(RateLimit.perSecond(rateLimit)));
            }
            builder.endpoint(endpoint);
        }
        return builder.build();
    }

    private FinalityPolicy finalityPolicy() {
        return switch (finality) {
            case "safe" -> FinalityPolicy.safe();
            case "finalized" -> FinalityPolicy.finalized();
            default -> {
                try {
                    yield FinalityPolicy.confirmations(Integer.parseInt(finality));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("--finality must be a number of confirmations, 'safe' or 'finalized', was '" + finality + "'");
                }
            }
        };
    }
}
