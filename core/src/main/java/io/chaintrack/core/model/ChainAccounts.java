package io.chaintrack.core.model;

import io.chaintrack.core.utxo.UtxoAddresses;
import io.chaintrack.core.utxo.UtxoNetwork;
import java.util.Optional;

/**
 * What an account and a token are on a given chain, the one check every entry point (query routes, wallets) uses:
 * on a UTXO network an address of that network (or a script-hash key) and only the native coin; elsewhere a
 * 0x-prefixed 20-byte address and a contract address or "native", a mixed-case one passing its EIP-55 checksum.
 * Failures name the value and what was expected.
 */
public final class ChainAccounts {
    private ChainAccounts() {}

    public static String normalizeAccount(long chainId, String value) {
        Optional<UtxoNetwork> utxo = UtxoNetwork.byChainId(chainId);
        if (utxo.isPresent()) {
            return UtxoAddresses.normalizeAccount(utxo.get(), value);
        }
        if (!Addresses.isAddress(value)) {
            throw new IllegalArgumentException("not a 0x-prefixed 20-byte hex address: '" + clip(value) + "'");
        }
        return Addresses.normalizeChecked(value);
    }

    public static String normalizeToken(long chainId, String value) {
        Optional<UtxoNetwork> utxo = UtxoNetwork.byChainId(chainId);
        if (utxo.isPresent()) {
            if (!Addresses.NATIVE.equalsIgnoreCase(value)) {
                throw new IllegalArgumentException(utxo.get().name() + " has only its native coin: use \"native\", not '"
                        + clip(value) + "'");
            }
            return Addresses.NATIVE;
        }
        if (!Addresses.isToken(value)) {
            throw new IllegalArgumentException("not a contract address or \"native\": '" + clip(value) + "'");
        }
        return Addresses.NATIVE.equalsIgnoreCase(value) ? Addresses.NATIVE : Addresses.normalizeChecked(value);
    }

    private static String clip(String value) {
        return value.length() <= 80 ? value : value.substring(0, 80) + "...";
    }
}
