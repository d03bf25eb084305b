package io.chaintrack.core.utxo;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.bitcoinj.base.Coin;
import org.bitcoinj.base.Monetary;
import org.bitcoinj.base.Network;

/**
 * One Bitcoin-family network: its chaintrack chain id and the version bytes and human-readable part its addresses
 * carry. Chain ids are 2^32 + 16 * SLIP-44 coin type + (0 main, 1 test, 2 regtest), far from any EIP-155 id in use.
 *
 * <p>Version bytes and prefixes are facts from each project's {@code chainparams.cpp} (Bitcoin Core, Litecoin Core,
 * Dogecoin Core) and SLIP-44; Dogecoin has no segwit, so no bech32 prefix.
 */
public record UtxoNetwork(String name, long chainId, int p2pkhVersion, int p2shVersion, String bech32Prefix,
                          String coinSymbol) implements Network {
    private static final long BASE = 1L << 32;

    public static final UtxoNetwork BITCOIN = new UtxoNetwork("bitcoin", id(0, 0), 0x00, 0x05, "bc", "BTC");
    public static final UtxoNetwork BITCOIN_TESTNET = new UtxoNetwork("bitcoin-testnet", id(0, 1), 0x6f, 0xc4, "tb", "tBTC");
    public static final UtxoNetwork BITCOIN_REGTEST = new UtxoNetwork("bitcoin-regtest", id(0, 2), 0x6f, 0xc4, "bcrt", "rBTC");
    public static final UtxoNetwork LITECOIN = new UtxoNetwork("litecoin", id(2, 0), 0x30, 0x32, "ltc", "LTC");
    public static final UtxoNetwork LITECOIN_TESTNET = new UtxoNetwork("litecoin-testnet", id(2, 1), 0x6f, 0x3a, "tltc", "tLTC");
    public static final UtxoNetwork LITECOIN_REGTEST = new UtxoNetwork("litecoin-regtest", id(2, 2), 0x6f, 0x3a, "rltc", "rLTC");
    public static final UtxoNetwork DOGECOIN = new UtxoNetwork("dogecoin", id(3, 0), 0x1e, 0x16, null, "DOGE");
    public static final UtxoNetwork DOGECOIN_TESTNET = new UtxoNetwork("dogecoin-testnet", id(3, 1), 0x71, 0xc4, null, "tDOGE");
    public static final UtxoNetwork DOGECOIN_REGTEST = new UtxoNetwork("dogecoin-regtest", id(3, 2), 0x6f, 0xc4, null, "rDOGE");

    public static final List<UtxoNetwork> ALL = List.of(BITCOIN, BITCOIN_TESTNET, BITCOIN_REGTEST, LITECOIN,
            LITECOIN_TESTNET, LITECOIN_REGTEST, DOGECOIN, DOGECOIN_TESTNET, DOGECOIN_REGTEST);

    /** Every coin of the family counts in units of 10^-8 (satoshis, litoshis, koinus). */
    public static final int DECIMALS = 8;

    private static long id(int slip44CoinType, int network) {
        return BASE + 16L * slip44CoinType + network;
    }

    public static Optional<UtxoNetwork> byChainId(long chainId) {
        return ALL.stream().filter(n -> n.chainId == chainId).findFirst();
    }

    /** By name ("bitcoin", "litecoin-testnet", ...); an unknown name fails listing the known ones. */
    public static UtxoNetwork byName(String name) {
        String wanted = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        return ALL.stream().filter(n -> n.name.equals(wanted)).findFirst().orElseThrow(() ->
                new IllegalArgumentException("unknown UTXO network '" + name + "'; known: "
                        + ALL.stream().map(UtxoNetwork::name).toList()));
    }

    public static boolean isUtxoChain(long chainId) {
        return byChainId(chainId).isPresent();
    }

    public boolean hasSegwit() {
        return bech32Prefix != null;
    }

    // ---------------------------------------------------------------- bitcoinj's view of the network

    @Override
    public String id() {
        return "io.chaintrack.utxo." + name;
    }

    @Override
    public int legacyAddressHeader() {
        return p2pkhVersion;
    }

    @Override
    public int legacyP2SHHeader() {
        return p2shVersion;
    }

    @Override
    public String segwitAddressHrp() {
        // bitcoinj needs a prefix to build a network; no bech32 address ever parses for a network without segwit
        return bech32Prefix == null ? "-" : bech32Prefix;
    }

    @Override
    public String uriScheme() {
        return name.split("-")[0];
    }

    @Override
    public boolean hasMaxMoney() {
        return false;
    }

    @Override
    public Monetary maxMoney() {
        return Coin.valueOf(Long.MAX_VALUE);
    }

    @Override
    public boolean exceedsMaxMoney(Monetary amount) {
        return false;
    }
}
