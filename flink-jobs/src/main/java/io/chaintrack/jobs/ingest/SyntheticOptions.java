package io.chaintrack.jobs.ingest;

import io.chaintrack.core.config.ConfigKey;
import io.chaintrack.connectors.synthetic.SyntheticChainConfig;
import picocli.CommandLine.Option;

/** Command-line options of the synthetic chain; defaults are {@link SyntheticChainConfig#defaults()}. */
public final class SyntheticOptions {
    private static final SyntheticChainConfig DEFAULTS = SyntheticChainConfig.defaults();

    @ConfigKey("chaintrack.ingest.chain-id")
    @Option(names = "--chain-id", description = "Chain id: the synthetic chain's, or for --source evm the id the node must report (default ${DEFAULT-VALUE}).")
    long chainId = DEFAULTS.chainId();

    @ConfigKey("chaintrack.ingest.synthetic.seed")
    @Option(names = "--seed", description = "Seed: same seed and options, same events (default ${DEFAULT-VALUE}).")
    long seed = DEFAULTS.seed();

    @ConfigKey("chaintrack.ingest.synthetic.genesis-time")
    @Option(names = "--genesis-time", description = "Unix seconds of block 0 (default ${DEFAULT-VALUE}).")
    long genesisTime = DEFAULTS.genesisTime();

    @ConfigKey("chaintrack.ingest.synthetic.block-interval")
    @Option(names = "--block-interval", description = "Seconds of block time between blocks (default ${DEFAULT-VALUE}).")
    int blockIntervalSeconds = DEFAULTS.blockIntervalSeconds();

    @ConfigKey("chaintrack.ingest.synthetic.blocks-per-second")
    @Option(names = "--blocks-per-second", description = "Emission pace in blocks per wall-clock second; 0 = as fast as possible (default ${DEFAULT-VALUE}).")
    double blocksPerSecond = DEFAULTS.blocksPerSecond();

    @ConfigKey("chaintrack.ingest.synthetic.transfers-per-block")
    @Option(names = "--transfers-per-block", description = "Transfers in every block (default ${DEFAULT-VALUE}).")
    int transfersPerBlock = DEFAULTS.transfersPerBlock();

    @ConfigKey("chaintrack.ingest.synthetic.addresses")
    @Option(names = "--addresses", description = "Address population (default ${DEFAULT-VALUE}).")
    int addresses = DEFAULTS.addresses();

    @ConfigKey("chaintrack.ingest.synthetic.zipf-exponent")
    @Option(names = "--zipf-exponent", description = "Popularity skew of addresses; 0 = uniform (default ${DEFAULT-VALUE}).")
    double zipfExponent = DEFAULTS.zipfExponent();

    @ConfigKey("chaintrack.ingest.synthetic.erc20-tokens")
    @Option(names = "--erc20-tokens", description = "ERC-20 contracts (default ${DEFAULT-VALUE}).")
    int erc20Tokens = DEFAULTS.erc20Tokens();

    @ConfigKey("chaintrack.ingest.synthetic.erc721-tokens")
    @Option(names = "--erc721-tokens", description = "ERC-721 collections (default ${DEFAULT-VALUE}).")
    int erc721Tokens = DEFAULTS.erc721Tokens();

    @ConfigKey("chaintrack.ingest.synthetic.erc1155-tokens")
    @Option(names = "--erc1155-tokens", description = "ERC-1155 contracts (default ${DEFAULT-VALUE}).")
    int erc1155Tokens = DEFAULTS.erc1155Tokens();

    @ConfigKey("chaintrack.ingest.synthetic.erc1155-ids")
    @Option(names = "--erc1155-ids", description = "Token ids per ERC-1155 contract (default ${DEFAULT-VALUE}).")
    int erc1155IdsPerToken = DEFAULTS.erc1155IdsPerToken();

    // arity 1 (--native false) rather than picocli's negatable form, whose meaning flips with a true default
    @ConfigKey("chaintrack.ingest.synthetic.native")
    @Option(names = "--native", arity = "1", description = "Move the native coin too: true or false (default ${DEFAULT-VALUE}).")
    boolean nativeTransfers = DEFAULTS.nativeTransfers();

    @ConfigKey("chaintrack.ingest.synthetic.reorg-probability")
    @Option(names = "--reorg-probability", description = "Chance of a reorg before each block, at most 0.5 (default ${DEFAULT-VALUE}).")
    double reorgProbability = DEFAULTS.reorgProbability();

    @ConfigKey("chaintrack.ingest.synthetic.max-reorg-depth")
    @Option(names = "--max-reorg-depth", description = "Deepest reorg in blocks (default ${DEFAULT-VALUE}).")
    int maxReorgDepth = DEFAULTS.maxReorgDepth();

    @ConfigKey("chaintrack.ingest.synthetic.blocks")
    @Option(names = "--blocks", description = "Stop when the canonical chain reaches this height; 0 = run forever (default ${DEFAULT-VALUE}).")
    long blockCount = DEFAULTS.blockCount();

    /** The config these options describe; throws IllegalArgumentException naming the first bad value. */
    public SyntheticChainConfig toConfig() {
        return new SyntheticChainConfig(chainId, seed, genesisTime, blockIntervalSeconds, blocksPerSecond, transfersPerBlock,
                addresses, zipfExponent, erc20Tokens, erc721Tokens, erc1155Tokens, erc1155IdsPerToken, nativeTransfers,
                reorgProbability, maxReorgDepth, blockCount);
    }
}
