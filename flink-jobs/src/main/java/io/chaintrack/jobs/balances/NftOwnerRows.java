package io.chaintrack.jobs.balances;

import io.chaintrack.core.model.BlockTimes;
import io.chaintrack.core.model.Uint256;
import io.chaintrack.connectors.postgres.rows.NftOwnerRow;
import io.chaintrack.proto.v1.ChainEvent;
import io.chaintrack.proto.v1.ChainEventType;
import io.chaintrack.proto.v1.TokenStandard;
import io.chaintrack.proto.v1.Transfer;
import java.util.List;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.util.Collector;

/**
 * ERC-721 ownership rows: an APPLIED transfer makes {@code to} the owner at its block; a REVERTED block gives
 * each token back to {@code from} at block − 1, undoing its transfers last first so the final row is the pre-block owner.
 */
public final class NftOwnerRows implements FlatMapFunction<ChainEvent, NftOwnerRow> {
    @Override
    public void flatMap(ChainEvent event, Collector<NftOwnerRow> out) {
        long chainId = event.getBlock().getChainId();
        long number = event.getBlock().getNumber();
        long timeMs = BlockTimes.millis(event);
        List<Transfer> transfers = event.getTransfersList();
        if (event.getType() == ChainEventType.CHAIN_EVENT_TYPE_APPLIED) {
            for (Transfer t : transfers) {
                if (isErc721(t)) {
                    out.collect(new NftOwnerRow(chainId, t.getToken(), Uint256.decode(t.getTokenId()), t.getToAddress(),
                            number, timeMs));
                }
            }
            return;
        }
        // a token moved twice in the block must end with the first transfer's sender, not the second's
        for (int i = transfers.size() - 1; i >= 0; i--) {
            Transfer t = transfers.get(i);
            if (isErc721(t)) {
                out.collect(new NftOwnerRow(chainId, t.getToken(), Uint256.decode(t.getTokenId()), t.getFromAddress(),
                        number - 1, timeMs));
            }
        }
    }

    private static boolean isErc721(Transfer t) {
        return t.getStandard() == TokenStandard.TOKEN_STANDARD_ERC721;
    }
}
