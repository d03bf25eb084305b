package io.chaintrack.connectors.evm.preset;

import io.chaintrack.connectors.evm.EvmChainConfig.TraceMode;
import io.chaintrack.connectors.evm.FinalityPolicy;
import io.chaintrack.core.model.Addresses;
import java.io.Serializable;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * What a chain needs beyond its transactions for exact native balances: where its genesis balances come from,
 * its proof-of-work reward schedule, the irregular state changes its hard forks made, and the finality and trace
 * mode that suit it by default. Serializable: it travels inside {@code EvmChainConfig} to every reader.
 *
 * @param name       how a user selects it (--chain-preset)
 * @param chainId    the chain it describes, or null for one that fits any chain
 * @param genesis    where block 0's balances come from
 * @param rewards    block reward by era, each from its first block on; empty on chains that never paid one
 * @param rewardsEnd first block without rewards (the Merge on Ethereum)
 * @param irregular  balance moves that no transaction made
 * @param finality   default finality policy
 * @param traces     default trace mode
 */
public record ChainPreset(String name, Long chainId, GenesisSource genesis, List<RewardEra> rewards, long rewardsEnd,
                          List<IrregularChange> irregular, FinalityPolicy finality, TraceMode traces)
        implements Serializable {

    /** From {@code fromBlock} on (until the next era or rewardsEnd), each block pays {@code wei} to its miner. */
    public record RewardEra(long fromBlock, BigInteger wei) implements Serializable {}

    /**
     * Where block 0's balances come from.
     *
     * @param kind       NONE: not modelled (the follower starts later, or the chain starts empty)
     * @param allocation ALLOCATION: "classpath:presets/x.txt[.gz]" (address wei-hex lines) or a geth genesis JSON
     *                   file path (its {@code alloc} map)
     * @param addresses  NODE_BALANCES: read eth_getBalance at block 0 for eth_accounts plus these
     */
    public record GenesisSource(Kind kind, String allocation, List<String> addresses) implements Serializable {
        public enum Kind { NONE, ALLOCATION, NODE_BALANCES }

        public GenesisSource {
            addresses = addresses == null ? List.of() : addresses.stream().map(Addresses::normalize).toList();
            if (kind == Kind.ALLOCATION && (allocation == null || allocation.isBlank())) {
                throw new IllegalArgumentException("a genesis allocation needs its location");
            }
        }

        public static GenesisSource none() {
            return new GenesisSource(Kind.NONE, null, List.of());
        }

        public static GenesisSource allocation(String location) {
            return new GenesisSource(Kind.ALLOCATION, location, List.of());
        }

        public static GenesisSource nodeBalances(List<String> extraAddresses) {
            return new GenesisSource(Kind.NODE_BALANCES, null, extraAddresses);
        }
    }

    /**
     * At the start of {@code block}, the whole balance each {@code drained} account held after the block before
     * moves to {@code to}. The balances are read from the node (eth_getBalance at block - 1).
     */
    public record IrregularChange(long block, String to, List<String> drained) implements Serializable {
        public IrregularChange {
            if (block < 1) {
                throw new IllegalArgumentException("an irregular change needs a block >= 1, got " + block);
            }
            to = Addresses.normalize(to);
            drained = drained.stream().map(Addresses::normalize).toList();
        }
    }

    public ChainPreset {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a chain preset needs a name");
        }
        if (genesis == null || finality == null || traces == null) {
            throw new IllegalArgumentException("preset " + name + ": genesis, finality and traces are required");
        }
        List<RewardEra> sorted = new ArrayList<>(rewards == null ? List.of() : rewards);
        sorted.sort(Comparator.comparingLong(RewardEra::fromBlock));
        rewards = List.copyOf(sorted);
        irregular = irregular == null ? List.of() : List.copyOf(irregular);
    }

    /** The block reward of {@code block}; zero for the genesis block and from rewardsEnd on. */
    public BigInteger rewardAt(long block) {
        BigInteger out = BigInteger.ZERO;
        if (block < 1 || block >= rewardsEnd) {
            return out;
        }
        for (RewardEra e : rewards) {
            if (e.fromBlock() <= block) {
                out = e.wei();
            }
        }
        return out;
    }

    /** The irregular changes made at the start of {@code block}. */
    public List<IrregularChange> irregularAt(long block) {
        return irregular.stream().filter(c -> c.block() == block).toList();
    }
}
