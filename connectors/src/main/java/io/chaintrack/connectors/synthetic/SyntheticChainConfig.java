package io.chaintrack.connectors.synthetic;

import java.io.Serializable;

/**
 * Everything that shapes a synthetic chain. Two chains built from equal configs (ignoring
 * {@link #blocksPerSecond} and {@link #blockCount}, which only pace and stop the stream) emit byte-identical events.
 *
 * @param chainId            EVM chain id written into every header and transfer; default {@link #DEFAULT_CHAIN_ID}
 * @param seed               drives every random choice and every hash
 * @param genesisTime        Unix seconds of block 0; block n has time genesisTime + n * blockIntervalSeconds
 * @param blockIntervalSeconds seconds between blocks (12 like Ethereum)
 * @param blocksPerSecond    pace of APPLIED events in the Flink source; 0 = as fast as possible
 * @param transfersPerBlock  exact number of transfers in every block
 * @param addresses          size of the address population; popularity follows Zipf(zipfExponent)
 * @param zipfExponent       0 = uniform; ~1 = a few addresses take most of the activity
 * @param erc20Tokens        number of ERC-20 contracts (one of them, the last, has amounts near 2^250)
 * @param erc721Tokens       number of ERC-721 collections
 * @param erc1155Tokens      number of ERC-1155 contracts
 * @param erc1155IdsPerToken token ids per ERC-1155 contract (1..n)
 * @param nativeTransfers    whether the chain's own coin moves (value transfers and withdrawals)
 * @param reorgProbability   chance, before each new block, that the head is reorganised; at most 0.5
 * @param maxReorgDepth      deepest reorg in blocks (>= 1 when reorgProbability > 0)
 * @param blockCount         stop after the canonical chain reaches this height; 0 = unbounded
 */
public record SyntheticChainConfig(
        long chainId,
        long seed,
        long genesisTime,
        int blockIntervalSeconds,
        double blocksPerSecond,
        int transfersPerBlock,
        int addresses,
        double zipfExponent,
        int erc20Tokens,
        int erc721Tokens,
        int erc1155Tokens,
        int erc1155IdsPerToken,
        boolean nativeTransfers,
        double reorgProbability,
        int maxReorgDepth,
        long blockCount) implements Serializable {

    /**
     * A chain id for synthetic data that does not belong to a public network we know of
     * (Hardhat uses 31337, Ganache 1337): rows written by the demo can never be mistaken for a real chain.
     */
    public static final long DEFAULT_CHAIN_ID = 999_001L;

    public SyntheticChainConfig {
        require(chainId > 0, "chainId must be > 0, was " + chainId);
        require(genesisTime >= 0, "genesisTime must be >= 0 (Unix seconds), was " + genesisTime);
        require(blockIntervalSeconds > 0, "blockIntervalSeconds must be > 0, was " + blockIntervalSeconds);
        require(blocksPerSecond >= 0 && Double.isFinite(blocksPerSecond),
                "blocksPerSecond must be >= 0 (0 = unthrottled), was " + blocksPerSecond);
        require(transfersPerBlock >= 0, "transfersPerBlock must be >= 0, was " + transfersPerBlock);
        require(addresses >= 2, "addresses must be >= 2, was " + addresses);
        require(zipfExponent >= 0 && Double.isFinite(zipfExponent), "zipfExponent must be >= 0, was " + zipfExponent);
        require(erc20Tokens >= 0 && erc721Tokens >= 0 && erc1155Tokens >= 0, "token counts must be >= 0");
        require(erc1155IdsPerToken >= 1, "erc1155IdsPerToken must be >= 1, was " + erc1155IdsPerToken);
        require(transfersPerBlock == 0 || nativeTransfers || erc20Tokens + erc721Tokens + erc1155Tokens > 0,
                "no token to transfer: enable native transfers or configure at least one token");
        require(reorgProbability >= 0 && reorgProbability <= 0.5,
                "reorgProbability must be within [0, 0.5], was " + reorgProbability);
        require(maxReorgDepth >= 0, "maxReorgDepth must be >= 0, was " + maxReorgDepth);
        require(reorgProbability == 0 || maxReorgDepth >= 1, "maxReorgDepth must be >= 1 when reorgProbability > 0");
        require(blockCount >= 0, "blockCount must be >= 0 (0 = unbounded), was " + blockCount);
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException("SyntheticChainConfig: " + message);
        }
    }

    /** 100 transfers per 12 s block over 10,000 Zipf(1.1) addresses, all standards, 1% reorgs up to 3 deep, unbounded. */
    public static SyntheticChainConfig defaults() {
        return new SyntheticChainConfig(DEFAULT_CHAIN_ID, 1L, 1_700_000_000L, 12, 0, 100, 10_000, 1.1,
                4, 2, 2, 8, true, 0.01, 3, 0);
    }

    public boolean bounded() {
        return blockCount > 0;
    }

    public boolean reorgs() {
        return reorgProbability > 0 && maxReorgDepth > 0;
    }

    /** Identifies what determines the event sequence (not pace or length), so a snapshot is never restored into another chain. */
    public long sequenceFingerprint() {
        long h = Mix64.hash(chainId, seed, genesisTime, blockIntervalSeconds);
        h = Mix64.hash(h, transfersPerBlock, addresses, Double.doubleToLongBits(zipfExponent));
        h = Mix64.hash(h, erc20Tokens, erc721Tokens, erc1155Tokens);
        return Mix64.hash(h, erc1155IdsPerToken, nativeTransfers ? 1 : 0,
                Mix64.hash(Double.doubleToLongBits(reorgProbability), maxReorgDepth, 0, 0));
    }

    public SyntheticChainConfig withChainId(long v) {
        return new SyntheticChainConfig(v, seed, genesisTime, blockIntervalSeconds, blocksPerSecond, transfersPerBlock, addresses, zipfExponent, erc20Tokens, erc721Tokens, erc1155Tokens, erc1155IdsPerToken, nativeTransfers, reorgProbability, maxReorgDepth, blockCount);
    }

    public SyntheticChainConfig withSeed(long v) {
        return new SyntheticChainConfig(chainId, v, genesisTime, blockIntervalSeconds, blocksPerSecond, transfersPerBlock, addresses, zipfExponent, erc20Tokens, erc721Tokens, erc1155Tokens, erc1155IdsPerToken, nativeTransfers, reorgProbability, maxReorgDepth, blockCount);
    }

    public SyntheticChainConfig withGenesisTime(long v) {
        return new SyntheticChainConfig(chainId, seed, v, blockIntervalSeconds, blocksPerSecond, transfersPerBlock, addresses, zipfExponent, erc20Tokens, erc721Tokens, erc1155Tokens, erc1155IdsPerToken, nativeTransfers, reorgProbability, maxReorgDepth, blockCount);
    }

    public SyntheticChainConfig withBlockIntervalSeconds(int v) {
        return new SyntheticChainConfig(chainId, seed, genesisTime, v, blocksPerSecond, transfersPerBlock, addresses, zipfExponent, erc20Tokens, erc721Tokens, erc1155Tokens, erc1155IdsPerToken, nativeTransfers, reorgProbability, maxReorgDepth, blockCount);
    }

    public SyntheticChainConfig withBlocksPerSecond(double v) {
        return new SyntheticChainConfig(chainId, seed, genesisTime, blockIntervalSeconds, v, transfersPerBlock, addresses, zipfExponent, erc20Tokens, erc721Tokens, erc1155Tokens, erc1155IdsPerToken, nativeTransfers, reorgProbability, maxReorgDepth, blockCount);
    }

    public SyntheticChainConfig withTransfersPerBlock(int v) {
        return new SyntheticChainConfig(chainId, seed, genesisTime, blockIntervalSeconds, blocksPerSecond, v, addresses, zipfExponent, erc20Tokens, erc721Tokens, erc1155Tokens, erc1155IdsPerToken, nativeTransfers, reorgProbability, maxReorgDepth, blockCount);
    }

    public SyntheticChainConfig withAddresses(int v) {
        return new SyntheticChainConfig(chainId, seed, genesisTime, blockIntervalSeconds, blocksPerSecond, transfersPerBlock, v, zipfExponent, erc20Tokens, erc721Tokens, erc1155Tokens, erc1155IdsPerToken, nativeTransfers, reorgProbability, maxReorgDepth, blockCount);
    }

    public SyntheticChainConfig withZipfExponent(double v) {
        return new SyntheticChainConfig(chainId, seed, genesisTime, blockIntervalSeconds, blocksPerSecond, transfersPerBlock, addresses, v, erc20Tokens, erc721Tokens, erc1155Tokens, erc1155IdsPerToken, nativeTransfers, reorgProbability, maxReorgDepth, blockCount);
    }

    /** Sets how many contracts of each token standard exist and whether the native coin moves. */
    public SyntheticChainConfig withTokens(int erc20, int erc721, int erc1155, boolean nativeCoin) {
        return new SyntheticChainConfig(chainId, seed, genesisTime, blockIntervalSeconds, blocksPerSecond, transfersPerBlock, addresses, zipfExponent, erc20, erc721, erc1155, erc1155IdsPerToken, nativeCoin, reorgProbability, maxReorgDepth, blockCount);
    }

    public SyntheticChainConfig withErc1155IdsPerToken(int v) {
        return new SyntheticChainConfig(chainId, seed, genesisTime, blockIntervalSeconds, blocksPerSecond, transfersPerBlock, addresses, zipfExponent, erc20Tokens, erc721Tokens, erc1155Tokens, v, nativeTransfers, reorgProbability, maxReorgDepth, blockCount);
    }

    public SyntheticChainConfig withReorgs(double probability, int maxDepth) {
        return new SyntheticChainConfig(chainId, seed, genesisTime, blockIntervalSeconds, blocksPerSecond, transfersPerBlock, addresses, zipfExponent, erc20Tokens, erc721Tokens, erc1155Tokens, erc1155IdsPerToken, nativeTransfers, probability, maxDepth, blockCount);
    }

    public SyntheticChainConfig withBlockCount(long v) {
        return new SyntheticChainConfig(chainId, seed, genesisTime, blockIntervalSeconds, blocksPerSecond, transfersPerBlock, addresses, zipfExponent, erc20Tokens, erc721Tokens, erc1155Tokens, erc1155IdsPerToken, nativeTransfers, reorgProbability, maxReorgDepth, v);
    }
}
