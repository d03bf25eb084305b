package io.chaintrack.connectors.synthetic;

import io.chaintrack.connectors.flink.ProtobufTypeInfo;
import io.chaintrack.proto.v1.ChainEvent;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * A {@link SyntheticChain} as a Flink source: one split read by subtask 0 (run it with parallelism 1),
 * bounded when the config has a block count, resuming after a restore with exactly the next event.
 * Records carry their block time (ms) as timestamp; watermarks are the job's choice.
 *
 * <p>Why not DataGeneratorSource: it checkpoints only a record index, so a restore would replay the whole
 * chain up to that index, and its rate limiter counts records, not blocks.
 */
public final class SyntheticChainSource
        implements Source<ChainEvent, SyntheticChainSplit, SyntheticChainEnumState>, ResultTypeQueryable<ChainEvent> {
    private static final long serialVersionUID = 1L;

    private final SyntheticChainConfig config;

    public SyntheticChainSource(SyntheticChainConfig config) {
        this.config = config;
    }

    public SyntheticChainConfig config() {
        return config;
    }

    @Override
    public Boundedness getBoundedness() {
        return config.bounded() ? Boundedness.BOUNDED : Boundedness.CONTINUOUS_UNBOUNDED;
    }

    @Override
    public SourceReader<ChainEvent, SyntheticChainSplit> createReader(SourceReaderContext readerContext) {
        return new SyntheticChainReader(config);
    }

    @Override
    public SplitEnumerator<SyntheticChainSplit, SyntheticChainEnumState> createEnumerator(
            SplitEnumeratorContext<SyntheticChainSplit> enumContext) {
        return new SyntheticChainEnumerator(enumContext, java.util.List.of(SyntheticChainSplit.initial()));
    }

    @Override
    public SplitEnumerator<SyntheticChainSplit, SyntheticChainEnumState> restoreEnumerator(
            SplitEnumeratorContext<SyntheticChainSplit> enumContext, SyntheticChainEnumState checkpoint) {
        return new SyntheticChainEnumerator(enumContext, checkpoint.unassigned());
    }

    @Override
    public SimpleVersionedSerializer<SyntheticChainSplit> getSplitSerializer() {
        return SyntheticChainSplitSerializer.INSTANCE;
    }

    @Override
    public SimpleVersionedSerializer<SyntheticChainEnumState> getEnumeratorCheckpointSerializer() {
        return SyntheticChainEnumStateSerializer.INSTANCE;
    }

    @Override
    public TypeInformation<ChainEvent> getProducedType() {
        return ProtobufTypeInfo.CHAIN_EVENT;
    }
}
