package io.chaintrack.jobs.balances;

import io.chaintrack.core.model.BlockTimes;
import io.chaintrack.proto.v1.ChainEvent;
import io.chaintrack.proto.v1.ChainEventType;
import java.time.Duration;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;

/**
 * Event time is block time (ms). Only APPLIED blocks advance the watermark: a REVERTED event carries an
 * old block time, passes through unchanged (never dropped as late) and must not move time backwards or forwards.
 */
public final class BlockTimeWatermarks {
    private BlockTimeWatermarks() {}

    /** @param idleTimeout a split without events for this long stops holding the watermark back; zero disables */
    public static WatermarkStrategy<ChainEvent> strategy(Duration idleTimeout) {
        WatermarkStrategy<ChainEvent> strategy = WatermarkStrategy
                .<ChainEvent>forGenerator(context -> new AppliedBlockTimeGenerator())
                .withTimestampAssigner((event, previous) -> blockTimeMs(event));
        return idleTimeout.isZero() ? strategy : strategy.withIdleness(idleTimeout);
    }

    public static long blockTimeMs(ChainEvent event) {
        return BlockTimes.millis(event);
    }

    /**
     * Emits on each newer APPLIED block (punctuated): a block is a whole batch of transfers, so one watermark
     * per block is cheap, and windows close as soon as a block past their end is applied.
     */
    static final class AppliedBlockTimeGenerator implements WatermarkGenerator<ChainEvent> {
        private long maxAppliedMs = Long.MIN_VALUE;

        @Override
        public void onEvent(ChainEvent event, long timestamp, WatermarkOutput output) {
            if (event.getType() == ChainEventType.CHAIN_EVENT_TYPE_APPLIED && timestamp > maxAppliedMs) {
                maxAppliedMs = timestamp;
                output.emitWatermark(new Watermark(maxAppliedMs - 1));
            }
        }

        @Override
        public void onPeriodicEmit(WatermarkOutput output) {
            if (maxAppliedMs != Long.MIN_VALUE) {
                output.emitWatermark(new Watermark(maxAppliedMs - 1));
            }
        }
    }
}
