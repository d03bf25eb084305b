package io.chaintrack.connectors.synthetic;

import com.google.protobuf.ByteString;
import io.chaintrack.core.model.Addresses;
import io.chaintrack.proto.v1.TokenStandard;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Everything about a synthetic chain that follows from its config alone and never changes: addresses,
 * token contracts, Zipf popularity. Computed once so generating a transfer never formats or hashes an address.
 */
final class ChainUniverse {
    private static final long SALT_ADDRESS = 0x41444452L;
    private static final long SALT_TOKEN = 0x544f4b4eL;
    private static final long SALT_GENESIS = 0x47454e53L;

    /** Amount scale of a fungible token: units * scale * 256^shiftBytes is the on-chain amount. */
    record Fungible(String token, TokenStandard standard, long scale, int shiftBytes) {}

    /** Where a token string points: the fungible slot, or the ERC-721 / ERC-1155 contract index. */
    record TokenRef(TokenStandard standard, int index) {}

    final String[] addresses;
    final Map<String, Integer> addressIndex;
    final double[] zipfCdf;
    final Fungible[] fungible;
    final int nativeSlot;
    final int firstErc20Slot;
    final String[] erc721;
    final String[] erc1155;
    final ByteString[] erc1155Ids;
    final Map<String, TokenRef> tokens;
    final String genesisHash;
    /** Chance that a transaction is a native value transfer, among all transactions. */
    final double nativeShare;
    /** Cumulative shares of ERC-20, ERC-721 (ERC-1155 takes the rest) among token logs. */
    final double erc20Cut;
    final double erc721Cut;

    ChainUniverse(SyntheticChainConfig config) {
        int n = config.addresses();
        Set<String> taken = new HashSet<>();
        taken.add(Addresses.ZERO);
        addresses = new String[n];
        addressIndex = new HashMap<>(n * 2);
        for (int i = 0; i < n; i++) {
            addresses[i] = unique(config.seed(), SALT_ADDRESS, i, taken);
            addressIndex.put(addresses[i], i);
        }

        zipfCdf = new double[n];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += 1.0 / Math.pow(i + 1, config.zipfExponent());
            zipfCdf[i] = sum;
        }
        for (int i = 0; i < n; i++) {
            zipfCdf[i] /= sum;
        }
        zipfCdf[n - 1] = 1.0;

        tokens = new HashMap<>();
        int slots = (config.nativeTransfers() ? 1 : 0) + config.erc20Tokens();
        fungible = new Fungible[slots];
        int slot = 0;
        if (config.nativeTransfers()) {
            // units of 10^12 wei: whole balances stay in a long while amounts look like real wei values
            fungible[slot] = new Fungible(Addresses.NATIVE, TokenStandard.TOKEN_STANDARD_NATIVE, 1_000_000_000_000L, 0);
            tokens.put(Addresses.NATIVE, new TokenRef(TokenStandard.TOKEN_STANDARD_NATIVE, slot));
            nativeSlot = slot++;
        } else {
            nativeSlot = -1;
        }
        firstErc20Slot = slot;
        long tokenSalt = 0;
        for (int i = 0; i < config.erc20Tokens(); i++, slot++) {
            String address = unique(config.seed(), SALT_TOKEN, tokenSalt++, taken);
            boolean wide = i == config.erc20Tokens() - 1 && config.erc20Tokens() > 1;
            long scale = switch (i % 3) {
                case 0 -> 1_000_000_000_000L; // 18 decimals, units of 10^-6
                case 1 -> 1L;                 // raw units
                default -> 1_000_000L;        // units of 10^-6 of a 12-decimal token
            };
            // the last token's amounts reach ~2^250, so the full uint256 width is exercised end to end
            fungible[slot] = new Fungible(address, TokenStandard.TOKEN_STANDARD_ERC20, scale, wide ? 18 : 0);
            tokens.put(address, new TokenRef(TokenStandard.TOKEN_STANDARD_ERC20, slot));
        }
        erc721 = new String[config.erc721Tokens()];
        for (int i = 0; i < erc721.length; i++) {
            erc721[i] = unique(config.seed(), SALT_TOKEN, tokenSalt++, taken);
            tokens.put(erc721[i], new TokenRef(TokenStandard.TOKEN_STANDARD_ERC721, i));
        }
        erc1155 = new String[config.erc1155Tokens()];
        for (int i = 0; i < erc1155.length; i++) {
            erc1155[i] = unique(config.seed(), SALT_TOKEN, tokenSalt++, taken);
            tokens.put(erc1155[i], new TokenRef(TokenStandard.TOKEN_STANDARD_ERC1155, i));
        }
        erc1155Ids = new ByteString[config.erc1155IdsPerToken()];
        for (int i = 0; i < erc1155Ids.length; i++) {
            erc1155Ids[i] = SyntheticChain.unsignedBytes(i + 1);
        }

        long g = Mix64.hash(config.seed(), config.chainId(), SALT_GENESIS, 0);
        genesisHash = Hex.hash(g, Mix64.mix(g + 1), Mix64.mix(g + 2), Mix64.mix(g + 3));

        double w20 = config.erc20Tokens() > 0 ? 0.45 : 0;
        double w721 = config.erc721Tokens() > 0 ? 0.15 : 0;
        double w1155 = config.erc1155Tokens() > 0 ? 0.15 : 0;
        double wNative = config.nativeTransfers() ? 0.25 : 0;
        double tokenTotal = w20 + w721 + w1155;
        nativeShare = tokenTotal == 0 ? 1.0 : wNative / (wNative + tokenTotal);
        erc20Cut = tokenTotal == 0 ? 0 : w20 / tokenTotal;
        erc721Cut = tokenTotal == 0 ? 0 : (w20 + w721) / tokenTotal;
    }

    private static String unique(long seed, long salt, long i, Set<String> taken) {
        for (long attempt = 0; ; attempt++) {
            long a = Mix64.hash(seed, salt, i, attempt);
            String address = Hex.address(a, Mix64.mix(a + 1), Mix64.mix(a + 2));
            if (taken.add(address)) {
                return address;
            }
        }
    }

    /** Index of a popular-first Zipf draw. */
    int zipf(Mix64 rng) {
        double u = rng.nextDouble();
        int lo = 0;
        int hi = zipfCdf.length - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (zipfCdf[mid] > u) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo;
    }

    /** A Zipf draw that is not {@code other}. */
    int zipfOther(Mix64 rng, int other) {
        int i = zipf(rng);
        if (i == other) {
            i = (i + 1 + rng.nextInt(addresses.length - 1)) % addresses.length;
        }
        return i;
    }

    /** Address index, -1 for the zero address; throws for an address this chain never generated. */
    int index(String address) {
        if (Addresses.ZERO.equals(address)) {
            return -1;
        }
        Integer i = addressIndex.get(address);
        if (i == null) {
            throw new IllegalStateException("address " + address + " is not part of this synthetic chain");
        }
        return i;
    }

    String address(int index) {
        return index < 0 ? Addresses.ZERO : addresses[index];
    }
}
