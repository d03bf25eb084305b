package io.chaintrack.connectors.evm.preset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chaintrack.connectors.evm.EvmChainConfig.TraceMode;
import io.chaintrack.connectors.evm.FinalityPolicy;
import io.chaintrack.connectors.evm.preset.ChainPreset.GenesisSource;
import io.chaintrack.connectors.evm.preset.ChainPreset.IrregularChange;
import io.chaintrack.connectors.evm.preset.ChainPreset.RewardEra;
import io.chaintrack.core.utxo.UtxoNetwork;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The built-in presets and preset files. Fork blocks come from @ethereumjs/common 10.1.3 (src/chains.ts: mainnet
 * byzantium 4,370,000, constantinople 7,280,000, paris 15,537,394; sepolia paris 1,450,409 with every earlier fork
 * at 0); rewards are the protocol's (Frontier 5 ETH, EIP-649 3 ETH, EIP-1234 2 ETH); genesis allocations come from
 * @ethereumjs/genesis 10.1.3 through scripts/genesis-presets.mjs; the DAO drain list from go-ethereum (see
 * presets/mainnet-dao-drain.txt).
 */
public final class ChainPresets {
    private ChainPresets() {}

    private static final BigInteger ETH = BigInteger.TEN.pow(18);
    public static final String DAO_REFUND_CONTRACT = "0xbf4ed7b27f1d666546e30d74d50d173d20bca754";
    public static final long DAO_FORK_BLOCK = 1_920_000;

    /** Today's behaviour: transactions, fees and withdrawals only; what a chain without a preset gets. */
    public static final ChainPreset CUSTOM = new ChainPreset("custom", null, GenesisSource.none(), List.of(),
            0, List.of(), FinalityPolicy.confirmations(0), TraceMode.NONE);

    public static final ChainPreset MAINNET = new ChainPreset("mainnet", 1L,
            GenesisSource.allocation("classpath:presets/mainnet-genesis.txt.gz"),
            List.of(new RewardEra(0, eth(5)), new RewardEra(4_370_000, eth(3)), new RewardEra(7_280_000, eth(2))),
            15_537_394,
            List.of(new IrregularChange(DAO_FORK_BLOCK, DAO_REFUND_CONTRACT,
                    GenesisAllocations.addressList("classpath:presets/mainnet-dao-drain.txt"))),
            FinalityPolicy.finalized(), TraceMode.CALL_TRACER);

    public static final ChainPreset SEPOLIA = new ChainPreset("sepolia", 11_155_111L,
            GenesisSource.allocation("classpath:presets/sepolia-genesis.txt"),
            List.of(new RewardEra(0, eth(2))), 1_450_409, List.of(),
            FinalityPolicy.finalized(), TraceMode.CALL_TRACER);

    /** Hardhat 2 runs a post-Merge hardfork by default: no rewards; its prefunded accounts are read at block 0. */
    public static final ChainPreset HARDHAT = new ChainPreset("hardhat", 31_337L, GenesisSource.nodeBalances(List.of()),
            List.of(), 0, List.of(), FinalityPolicy.confirmations(0), TraceMode.NONE);

    /** Anvil serves trace_block; like Hardhat it starts post-Merge with prefunded accounts. */
    public static final ChainPreset ANVIL = new ChainPreset("anvil", 31_337L, GenesisSource.nodeBalances(List.of()),
            List.of(), 0, List.of(), FinalityPolicy.confirmations(0), TraceMode.TRACE_BLOCK);

    /**
     * Bitcoin-family chains, read through Bitcoin Core's JSON-RPC (the chain id selects that reader): the coinbase
     * carries every reward, so no reward schedule; final after the confirmations exchanges commonly wait for.
     */
    public static final List<ChainPreset> UTXO = UtxoNetwork.ALL.stream().map(n -> new ChainPreset(n.name(),
            n.chainId(), GenesisSource.none(), List.of(), 0, List.of(),
            FinalityPolicy.confirmations(n.name().startsWith("dogecoin") ? 40 : n.name().startsWith("litecoin") ? 12 : 6),
            TraceMode.NONE)).toList();

    public static final List<ChainPreset> BUILT_IN = Stream.concat(Stream.of(CUSTOM, MAINNET, SEPOLIA, HARDHAT, ANVIL),
            UTXO.stream()).toList();

    private static BigInteger eth(long n) {
        return ETH.multiply(BigInteger.valueOf(n));
    }

    /** A built-in preset by name, or a preset file (JSON, see docs/ingestion.md) by path. */
    public static ChainPreset resolve(String nameOrPath) {
        for (ChainPreset p : BUILT_IN) {
            if (p.name().equalsIgnoreCase(nameOrPath)) {
                return p;
            }
        }
        Path file = Path.of(nameOrPath);
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("chain preset '" + nameOrPath + "' is neither a built-in ("
                    + BUILT_IN.stream().map(ChainPreset::name).toList() + ") nor a preset file");
        }
        return fromFile(file);
    }

    /**
     * A preset file: {"name", "chainId", "genesis": {geth genesis with "alloc"} | "path/to/genesis.json" | "node",
     * "genesisAddresses": [...], "blockRewards": [{"fromBlock", "wei"}], "rewardsEndBlock",
     * "irregular": [{"block", "to", "drained": [...]}], "finality": "12" | "safe" | "finalized",
     * "traces": "NONE" | "CALL_TRACER" | "TRACE_BLOCK"}. The genesis is referenced by path, never copied into the
     * preset, so the job graph stays small; task managers must see the same file.
     */
    public static ChainPreset fromFile(Path file) {
        JsonNode p;
        try {
            p = new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read chain preset " + file, e);
        }
        String where = "chain preset " + file + ": ";
        String name = p.path("name").asText(file.getFileName().toString());
        Long chainId = p.hasNonNull("chainId") ? p.get("chainId").asLong() : null;
        List<String> extra = strings(p.path("genesisAddresses"));
        JsonNode g = p.path("genesis");
        GenesisSource genesis;
        if (g.isMissingNode() || g.isNull()) {
            genesis = GenesisSource.none();
        } else if (g.isObject()) {
            genesis = GenesisSource.allocation(file.toAbsolutePath() + "#genesis");
        } else if ("node".equals(g.asText())) {
            genesis = GenesisSource.nodeBalances(extra);
        } else {
            genesis = GenesisSource.allocation(file.toAbsolutePath().getParent().resolve(g.asText()).toString());
        }
        List<RewardEra> rewards = new ArrayList<>();
        for (JsonNode r : p.path("blockRewards")) {
            rewards.add(new RewardEra(r.path("fromBlock").asLong(), new BigInteger(r.path("wei").asText())));
        }
        List<IrregularChange> irregular = new ArrayList<>();
        for (JsonNode c : p.path("irregular")) {
            irregular.add(new IrregularChange(c.path("block").asLong(), c.path("to").asText(), strings(c.path("drained"))));
        }
        try {
            return new ChainPreset(name, chainId, genesis, rewards, p.path("rewardsEndBlock").asLong(Long.MAX_VALUE),
                    irregular, FinalityPolicy.parse(p.path("finality").asText("0")),
                    TraceMode.valueOf(p.path("traces").asText("NONE").toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + e.getMessage(), e);
        }
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    /** The preset named after a well-known dev chain id, else CUSTOM (Hardhat and Anvil share 31337). */
    public static ChainPreset forDevChain(long chainId) {
        return chainId == HARDHAT.chainId() ? HARDHAT : CUSTOM;
    }
}
