package io.chaintrack.jobs.balances;

import java.math.BigInteger;
import java.util.Objects;

/**
 * What one balance is kept for: (chain, token, token id, address), the key of {@link WindowedBalanceFunction}.
 * hashCode is spelled out from specified hashes (Long, String, BigInteger) because Flink routes keys by it.
 */
public record BalanceAccount(long chainId, String token, BigInteger tokenId, String address) {
    public BalanceAccount {
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
        return o instanceof BalanceAccount other
                && chainId == other.chainId
                && token.equals(other.token)
                && tokenId.equals(other.tokenId)
                && address.equals(other.address);
    }
}
