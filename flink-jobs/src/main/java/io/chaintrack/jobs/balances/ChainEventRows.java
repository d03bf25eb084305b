package io.chaintrack.jobs.balances;

import io.chaintrack.core.model.TokenStandards;
import io.chaintrack.core.model.BlockTimes;
import io.chaintrack.core.model.TransferEffects;
import io.chaintrack.core.model.TransferKinds;
import io.chaintrack.core.model.Uint256;
import io.chaintrack.connectors.postgres.rows.BlockRow;
import io.chaintrack.connectors.postgres.rows.TransferRow;
import io.chaintrack.proto.v1.BlockHeader;
import io.chaintrack.proto.v1.ChainEvent;
import io.chaintrack.proto.v1.ChainEventType;
import io.chaintrack.proto.v1.TokenStandard;
import io.chaintrack.proto.v1.Transfer;
import java.math.BigInteger;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * A ChainEvent as table rows: its block (main output) and its transfers ({@link #TRANSFERS}), all with
 * canonical = (type == APPLIED), so a REVERTED event rewrites the same keys with canonical = false.
 */
public final class ChainEventRows extends ProcessFunction<ChainEvent, BlockRow> {
    public static final OutputTag<TransferRow> TRANSFERS = new OutputTag<>("transfer-rows", BalanceTypes.TRANSFER_ROW);

    @Override
    public void processElement(ChainEvent event, Context ctx, Collector<BlockRow> out) {
        out.collect(blockRow(event));
        boolean canonical = event.getType() == ChainEventType.CHAIN_EVENT_TYPE_APPLIED;
        for (Transfer t : event.getTransfersList()) {
            ctx.output(TRANSFERS, transferRow(event.getBlock(), t, canonical));
        }
    }

    public static BlockRow blockRow(ChainEvent event) {
        BlockHeader b = event.getBlock();
        return new BlockRow(b.getChainId(), b.getHash(), b.getNumber(), b.getParentHash(), BlockTimes.millis(b),
                event.getTransfersCount(), event.getType() == ChainEventType.CHAIN_EVENT_TYPE_APPLIED);
    }

    public static TransferRow transferRow(BlockHeader block, Transfer t, boolean canonical) {
        boolean hasTokenId = t.getStandard() == TokenStandard.TOKEN_STANDARD_ERC721
                || t.getStandard() == TokenStandard.TOKEN_STANDARD_ERC1155;
        BigInteger tokenId = hasTokenId ? Uint256.decode(t.getTokenId()) : null;
        return new TransferRow(block.getChainId(), block.getHash(), t.getTxIndex(), t.getLogIndex(),
                t.getTraceAddress(), t.getBatchIndex(), block.getNumber(), BlockTimes.millis(block),
                t.getTxHash(), t.getToken(), TokenStandards.name(t.getStandard()), t.getFromAddress(), t.getToAddress(),
                TransferEffects.amount(t), tokenId, t.getOperator().isEmpty() ? null : t.getOperator(), canonical,
                TransferKinds.name(t.getKind()));
    }
}
