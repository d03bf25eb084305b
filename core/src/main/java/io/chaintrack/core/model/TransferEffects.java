package io.chaintrack.core.model;

import io.chaintrack.proto.v1.TokenStandard;
import io.chaintrack.proto.v1.Transfer;
import java.math.BigInteger;

/**
 * The one rule for what a transfer does to balances, shared by the pipeline and by ground truth:
 * the sender loses {@link #amount}, the receiver gains it, both under {@link #balanceTokenId}.
 */
public final class TransferEffects {
    private TransferEffects() {}

    /** ERC-721 moves one token whatever the amount field says; every other standard moves its amount. */
    public static BigInteger amount(Transfer t) {
        return t.getStandard() == TokenStandard.TOKEN_STANDARD_ERC721 ? BigInteger.ONE : Uint256.decode(t.getAmount());
    }

    /** Balances of ERC-1155 are per token id; all other standards keep one balance per token. */
    public static BigInteger balanceTokenId(Transfer t) {
        return t.getStandard() == TokenStandard.TOKEN_STANDARD_ERC1155 ? Uint256.decode(t.getTokenId()) : BigInteger.ZERO;
    }

    public static BalanceKey senderKey(long chainId, Transfer t) {
        return new BalanceKey(chainId, t.getToken(), balanceTokenId(t), t.getFromAddress());
    }

    public static BalanceKey receiverKey(long chainId, Transfer t) {
        return new BalanceKey(chainId, t.getToken(), balanceTokenId(t), t.getToAddress());
    }
}
