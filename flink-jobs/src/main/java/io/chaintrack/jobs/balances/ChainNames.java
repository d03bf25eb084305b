package io.chaintrack.jobs.balances;

import java.util.Map;

/** Display names of the chain ids chaintrack knows; any other chain is named "chain-&lt;id&gt;". */
public final class ChainNames {
    /** The synthetic chain's id (connectors' synthetic chain must emit this id to be named "synthetic"). */
    public static final long SYNTHETIC_CHAIN_ID = io.chaintrack.connectors.synthetic.SyntheticChainConfig.DEFAULT_CHAIN_ID;

    private static final Map<Long, String> KNOWN = Map.of(
            1L, "ethereum",
            10L, "optimism",
            25L, "cronos",
            56L, "bsc",
            137L, "polygon",
            8453L, "base",
            42161L, "arbitrum",
            31337L, "hardhat",
            SYNTHETIC_CHAIN_ID, "synthetic");

    private ChainNames() {}

    public static String name(long chainId) {
        return KNOWN.getOrDefault(chainId, "chain-" + chainId);
    }
}
