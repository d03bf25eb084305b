package io.chaintrack.jobs.analytics;

import com.google.protobuf.ByteString;
import io.chaintrack.core.model.Uint256;
import io.chaintrack.proto.v1.BlockHeader;
import io.chaintrack.proto.v1.ChainEvent;
import io.chaintrack.proto.v1.ChainEventType;
import io.chaintrack.proto.v1.TokenStandard;
import io.chaintrack.proto.v1.Transfer;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Hand-made ChainEvents for tests: blocks with hashes derived from (chain, number, variant). */
public final class Chains {
    public static final String ZERO = "0x0000000000000000000000000000000000000000";
    public static final long T0 = 1_700_000_000L; // 2023-11-14T22:13:20Z

    private Chains() {}

    public static String hash(long chain, long number, int variant) {
        return String.format(Locale.ROOT, "0x%016x%016x%016x%016x", chain, number, variant, 0xabcdefL);
    }

    public static String address(int i) {
        return String.format(Locale.ROOT, "0x%040x", i + 1);
    }

    public static String token(int i) {
        return String.format(Locale.ROOT, "0x%040x", 0xee000000L + i);
    }

    public static Transfer erc20(String token, String from, String to, long amount) {
        return transfer(token, TokenStandard.TOKEN_STANDARD_ERC20, from, to, BigInteger.valueOf(amount), BigInteger.ZERO);
    }

    public static Transfer transfer(String token, TokenStandard standard, String from, String to, BigInteger amount, BigInteger tokenId) {
        return Transfer.newBuilder().setToken(token).setStandard(standard).setFromAddress(from).setToAddress(to)
                .setAmount(Uint256.encode(amount)).setTokenId(Uint256.encode(tokenId)).build();
    }

    /** A block event; transfers get their block coordinates and positions filled in. */
    public static ChainEvent block(ChainEventType type, long chain, long number, int variant, int parentVariant, long time,
                                   long gas, List<Transfer> transfers) {
        String hash = hash(chain, number, variant);
        BlockHeader header = BlockHeader.newBuilder().setChainId(chain).setNumber(number).setHash(hash)
                .setParentHash(number == 0 ? hash(chain, 0, 999) : hash(chain, number - 1, parentVariant))
                .setTimestamp(time).setGasUsed(gas).build();
        List<Transfer> located = new ArrayList<>();
        for (int i = 0; i < transfers.size(); i++) {
            located.add(transfers.get(i).toBuilder().setChainId(chain).setBlockNumber(number).setBlockHash(hash)
                    .setBlockTime(time).setTxHash(hash(chain, number, 10_000 + i)).setTxIndex(i).setLogIndex(i).build());
        }
        return ChainEvent.newBuilder().setType(type).setBlock(header).addAllTransfers(located).setHeadNumber(number).build();
    }

    public static ChainEvent applied(long chain, long number, long time, Transfer... transfers) {
        return block(ChainEventType.CHAIN_EVENT_TYPE_APPLIED, chain, number, 0, 0, time, 1000 * number, List.of(transfers));
    }

    public static ChainEvent reverted(ChainEvent applied) {
        return applied.toBuilder().setType(ChainEventType.CHAIN_EVENT_TYPE_REVERTED).build();
    }
}
