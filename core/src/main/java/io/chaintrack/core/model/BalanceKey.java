package io.chaintrack.core.model;

import java.math.BigInteger;
import java.util.Objects;

/**
 * What one balance is kept per: (chain, token, token id, address). The token id is the ERC-1155 id and ZERO for
 * every other standard. hashCode is spelled out from specified hashes because Flink routes keys by it.
 */
public record BalanceKey(long chainId, String token, BigInteger tokenId, String address) {
    public BalanceKey {
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(tokenId, "tokenId");
        Objects.requireNonNull(address, "address");
    }

    @Override
    public int hashCode() {
        int h = Long.hashCode(chainId);
        h = 31 * h + token.hashCode();
        h = 31 * h + tokenId.hashCode();
        return 31 * h + address.hashCode();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BalanceKey other
                && chainId == other.chainId
                && token.equals(other.token)
                && tokenId.equals(other.tokenId)
                && address.equals(other.address);
    }
}
