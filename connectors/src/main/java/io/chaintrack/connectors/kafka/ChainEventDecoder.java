package io.chaintrack.connectors.kafka;

import io.chaintrack.proto.v1.ChainEvent;
import io.chaintrack.proto.v1.ChainEventType;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.apache.kafka.common.errors.SerializationException;

/**
 * Decodes Kafka payloads into ChainEvents. A payload that does not parse, or parses into an event
 * without a block or type, goes to {@link #DEAD_LETTERS} and is counted (metric "deadLetters").
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

    /** The structural rules a ChainEvent must meet before the pipeline trusts it; null when it does. */
    static String validate(ChainEvent event) {
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
        return null;
    }
}
