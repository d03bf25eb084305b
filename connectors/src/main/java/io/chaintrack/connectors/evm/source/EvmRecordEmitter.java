package io.chaintrack.connectors.evm.source;

import io.chaintrack.core.model.BlockTimes;
import io.chaintrack.connectors.evm.EvmMetrics;
import io.chaintrack.proto.v1.ChainEvent;
import org.apache.flink.api.connector.source.SourceOutput;
import org.apache.flink.connector.base.source.reader.RecordEmitter;

/** Emits an event with its block time as timestamp and advances its split's state by exactly that event. */
final class EvmRecordEmitter implements RecordEmitter<ChainEvent, ChainEvent, EvmSplitState> {
    private final String chain;
    private final EvmMetrics metrics;

    EvmRecordEmitter(String chain, EvmMetrics metrics) {
        this.chain = chain;
        this.metrics = metrics;
    }

    @Override
    public void emitRecord(ChainEvent event, SourceOutput<ChainEvent> output, EvmSplitState state) {
        output.collect(event, BlockTimes.millis(event));
        state.onEmitted(event);
        if (state.isTail()) {
            metrics.emitted(chain, event.getHeadNumber(), event.getBlock().getNumber(), event.getBlock().getTimestamp());
        }
    }
}
