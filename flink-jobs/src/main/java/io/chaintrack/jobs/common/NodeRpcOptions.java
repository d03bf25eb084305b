package io.chaintrack.jobs.common;

import io.chaintrack.connectors.evm.EvmChainConfig;
import io.chaintrack.connectors.evm.RateLimit;
import io.chaintrack.connectors.evm.RpcEndpoint;
import io.chaintrack.core.config.ConfigKey;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The node a one-chain side command (reconcile, wallet-sync) talks to, under the ingest role's keys, so the same
 * configuration file drives the follower and its side commands with one rate limit per URL. A picocli mixin.
 */
public final class NodeRpcOptions {
    @ConfigKey("chaintrack.ingest.rpc-urls")
    @Option(names = "--rpc-url", split = ",", required = true, description = "JSON-RPC URLs of the node, in failover order.")
    List<String> rpcUrls = new ArrayList<>();

    @ConfigKey("chaintrack.ingest.chain-id")
    @Option(names = "--chain-id", required = true, description = "The chain's id.")
    long chainId;

    @ConfigKey("chaintrack.ingest.rate-limit")
    @Option(names = "--rate-limit", description = "At most this many upstream HTTP calls per second per URL; 0 = unlimited (default 0).")
    int rateLimit;

    @ConfigKey("chaintrack.ingest.batch-size")
    @Option(names = "--batch-size", description = "JSON-RPC requests per HTTP call, at least 4 (default 100).")
    int batchSize = 100;

    public long chainId() {
        return chainId;
    }

    /** The RPC side of the ingest role's configuration: endpoints with their rate limit, batch size. */
    public EvmChainConfig config() {
        if (rateLimit < 0) {
            throw new IllegalArgumentException("--rate-limit must be >= 0, was " + rateLimit);
        }
        EvmChainConfig.Builder builder = EvmChainConfig.builder(chainId, "chain-" + chainId).maxBatchSize(batchSize);
        for (String url : rpcUrls) {
            RpcEndpoint endpoint = RpcEndpoint.of(url);
            if (rateLimit > 0) {
                endpoint = RpcEndpoint.of(endpoint.name(), endpoint.url(),
                        endpoint.credential().withRateLimit(RateLimit.perSecond(rateLimit)));
            }
            builder.endpoint(endpoint);
        }
        return builder.build();
    }
}
