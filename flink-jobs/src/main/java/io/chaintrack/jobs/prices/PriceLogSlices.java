package io.chaintrack.jobs.prices;

import io.chaintrack.proto.v1.ChainEvent;
import io.chaintrack.proto.v1.PriceLog;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ArrayList;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.util.Collector;

/**
 * Splits a block's event into one slice per price source it touches: the same type, header and finality, with only
 * that source's price logs (a pool creation goes to the created pool, not to its factory). A REVERTED event splits
 * into the same slices as its APPLIED event, so each source undoes exactly what it applied.
 */
public final class PriceLogSlices implements FlatMapFunction<ChainEvent, ChainEvent> {
    private static final long serialVersionUID = 1L;

    /** The key of a slice: "chainId:address" of its source. */
    public static String key(ChainEvent slice) {
        return slice.getBlock().getChainId() + ":" + sourceAddress(slice.getPriceLogs(0));
    }

    static String sourceAddress(PriceLog l) {
        return l.hasPoolCreated() ? l.getPoolCreated().getPool() : l.getAddress();
    }

    @Override
    public void flatMap(ChainEvent e, Collector<ChainEvent> out) {
        if (e.getPriceLogsCount() == 0) {
            return;
        }
        Map<String, List<PriceLog>> bySource = new LinkedHashMap<>();
        for (PriceLog l : e.getPriceLogsList()) {
            bySource.computeIfAbsent(sourceAddress(l), a -> new ArrayList<>()).add(l);
        }
        ChainEvent header = e.toBuilder().clearTransfers().clearPriceLogs().build();
        for (List<PriceLog> logs : bySource.values()) {
            out.collect(header.toBuilder().addAllPriceLogs(logs).build());
        }
    }
}
