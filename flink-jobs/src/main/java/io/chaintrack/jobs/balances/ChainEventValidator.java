package io.chaintrack.jobs.balances;

import io.chaintrack.connectors.kafka.ChainEventDecoder;
import io.chaintrack.connectors.kafka.DeadLetter;
import io.chaintrack.proto.v1.ChainEvent;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Admits a ChainEvent only if it meets {@link ChainEventDecoder#validate}, the rules the decoder already applied to
 * events read from Kafka; events fed from memory that break them go whole to {@link #REJECTED}.
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
        String error = ChainEventDecoder.validate(event);
        if (error == null) {
            out.collect(event);
            return;
        }
        if (rejected != null) {
            rejected.inc();
        }
        LOG.error("rejected ChainEvent {} of block {} on chain {}: {}", event.getType(), event.getBlock().getHash(),
                event.getBlock().getChainId(), error);
        ctx.output(REJECTED, DeadLetter.unread(event, error));
    }
}
