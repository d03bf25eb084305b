package io.chaintrack.connectors.kafka;

import io.chaintrack.proto.v1.ChainEvent;
import io.chaintrack.proto.v1.ChainEventType;
import io.chaintrack.proto.v1.TokenStandard;
import io.chaintrack.proto.v1.Transfer;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.apache.kafka.common.errors.SerializationException;

/**
 * Decodes Kafka payloads into ChainEvents. A payload that does not parse, or parses into an event that breaks
 * {@link #validate}, goes to {@link #DEAD_LETTERS} and is counted (metric "deadLetters").
 */
public final class ChainEventDecoder extends ProcessFunction<KafkaPayload, ChainEvent> {
    public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("dead-letters") {};

    private transient Counter deadLetters;

    @Override
    public void open(org.apache.flink.api.common.functions.OpenContext openContext) {
        deadLetters = getRuntimeContext().getMetricGroup().counter("deadLetters");
    }

    @Override
    public void processElement(KafkaPayload payload, Context ctx, Collector<ChainEvent> out) {
        String error;
        try {
            ChainEvent event = TopicCatalog.CHAIN_EVENTS.valueDeserializer().deserialize(payload.topic, payload.value);
            error = validate(event);
            if (error == null) {
                out.collect(event);
                return;
            }
        } catch (SerializationException e) {
            error = e.getMessage();
        }
        if (deadLetters != null) {
            deadLetters.inc();
        }
        ctx.output(DEAD_LETTERS, new DeadLetter(payload, error));
    }

    /**
     * The one set of rules a ChainEvent must meet before any job trusts it: a type and a block, and transfers that
     * can each become a row and a balance delta (an event breaking them is rejected whole, so a block is never half
     * applied). Null when it does, otherwise what is wrong.
     */
    public static String validate(ChainEvent event) {
        if (event == null) {
            return "empty payload";
        }
        if (event.getType() != ChainEventType.CHAIN_EVENT_TYPE_APPLIED
                && event.getType() != ChainEventType.CHAIN_EVENT_TYPE_REVERTED) {
            return "ChainEvent.type is " + event.getType() + ", expected APPLIED or REVERTED";
        }
        if (!event.hasBlock() || event.getBlock().getChainId() == 0 || event.getBlock().getHash().isEmpty()) {
            return "ChainEvent.block is missing its chain id or hash";
        }
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
