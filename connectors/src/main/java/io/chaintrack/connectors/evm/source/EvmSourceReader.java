package io.chaintrack.connectors.evm.source;

import io.chaintrack.connectors.evm.EvmChainConfig;
import io.chaintrack.connectors.evm.EvmMetrics;
import io.chaintrack.proto.v1.ChainEvent;
import java.util.Map;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.source.reader.SingleThreadMultiplexSourceReaderBase;

/** One reader per subtask; asks the enumerator for a new split whenever it holds none. */
public final class EvmSourceReader
        extends SingleThreadMultiplexSourceReaderBase<ChainEvent, ChainEvent, EvmSplit, EvmSplitState> {
    private final EvmChainConfig config;
    private final SharedChainReader chain;

    public EvmSourceReader(EvmChainConfig config, ChainReaderFactory readers, EvmMetrics metrics,
                           SourceReaderContext context) {
        this(config, new SharedChainReader(readers, config, metrics), metrics, context);
    }

    private EvmSourceReader(EvmChainConfig config, SharedChainReader chain, EvmMetrics metrics,
                            SourceReaderContext context) {
        super(() -> new EvmSplitReader(config, chain.lease(), metrics),
                new EvmRecordEmitter(config.chainName(), metrics), context.getConfiguration(), context);
        this.config = config;
        this.chain = chain;
    }

    @Override
    public void close() throws Exception {
        try {
            super.close();
        } finally {
            chain.close();
        }
    }

    @Override
    public void start() {
        super.start();
        if (getNumberOfCurrentlyAssignedSplits() == 0) {
            context.sendSplitRequest();
        }
    }

    @Override
    protected void onSplitFinished(Map<String, EvmSplitState> finished) {
        if (getNumberOfCurrentlyAssignedSplits() == 0) {
            context.sendSplitRequest();
        }
    }

    @Override
    protected EvmSplitState initializedState(EvmSplit split) {
        return new EvmSplitState(split, config.reorgDepth());
    }

    @Override
    protected EvmSplit toSplitType(String splitId, EvmSplitState state) {
        return state.toSplit();
    }
}
