package io.chaintrack.jobs.balances;

import io.chaintrack.core.model.BlockTimes;
import io.chaintrack.connectors.kafka.DeadLetter;
import io.chaintrack.connectors.kafka.KafkaPayload;
import io.chaintrack.connectors.kafka.TopicCatalog;
import io.chaintrack.proto.v1.ChainEvent;
import io.chaintrack.proto.v1.TokenStandard;
import io.chaintrack.proto.v1.Transfer;
import java.nio.ByteBuffer;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Admits a ChainEvent to the balance job only if every transfer can become a row and a balance delta;
 * an event that cannot goes whole to {@link #REJECTED} (dead letters), so a block is never half applied.
 */
public final class ChainEventValidator extends ProcessFunction<ChainEvent, ChainEvent> {
    public static final OutputTag<DeadLetter> REJECTED = new OutputTag<>("rejected-chain-events", BalanceTypes.DEAD_LETTER);
    private static final Logger LOG = LoggerFactory.getLogger(ChainEventValidator.class);

    private transient Counter rejected;

    @Override
    public void open(OpenContext openContext) {
        rejected = getRuntimeContext().getMetricGroup().counter("rejectedEvents");
    }

    @Override
    public void processElement(ChainEvent event, Context ctx, Collector<ChainEvent> out) {
        String error = validate(event);
        if (error == null) {
            out.collect(event);
            return;
        }
        if (rejected != null) {
            rejected.inc();
        }
        LOG.error("rejected ChainEvent {} of block {} on chain {}: {}", event.getType(), event.getBlock().getHash(),
                event.getBlock().getChainId(), error);
        byte[] key = ByteBuffer.allocate(Long.BYTES).putLong(event.getBlock().getChainId()).array();
        KafkaPayload payload = new KafkaPayload(TopicCatalog.CHAIN_EVENTS.name(), -1, -1,
                BlockTimes.millis(event), key, event.toByteArray());
        ctx.output(REJECTED, new DeadLetter(payload, error));
    }

    /** Null when the event's transfers meet the rules rows and balances depend on; otherwise what is wrong. */
    public static String validate(ChainEvent event) {
        long chainId = event.getBlock().getChainId();
        String hash = event.getBlock().getHash();
        for (int i = 0; i < event.getTransfersCount(); i++) {
            Transfer t = event.getTransfers(i);
            if (t.getChainId() != chainId) {
                return where(i, hash) + " has chain id " + t.getChainId() + " but the block is on chain " + chainId;
            }
            if (!t.getBlockHash().equals(hash)) {
                return where(i, hash) + " names block hash " + t.getBlockHash();
            }
            if (t.getStandard() == TokenStandard.TOKEN_STANDARD_UNSPECIFIED || t.getStandard() == TokenStandard.UNRECOGNIZED) {
                return where(i, hash) + " has no token standard";
            }
            if (t.getToken().isEmpty() || t.getFromAddress().isEmpty() || t.getToAddress().isEmpty()) {
                return where(i, hash) + " is missing its token, from or to address";
            }
            if (t.getAmount().size() > 32 || t.getTokenId().size() > 32) {
                return where(i, hash) + " has an amount or token id longer than 32 bytes";
            }
        }
        return null;
    }

    private static String where(int i, String hash) {
        return "transfer #" + i + " of block " + hash;
    }
}
