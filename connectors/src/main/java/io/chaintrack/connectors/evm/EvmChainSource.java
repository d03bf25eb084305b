package io.chaintrack.connectors.evm;

import io.chaintrack.connectors.flink.ProtobufTypeInfo;
import io.chaintrack.connectors.evm.source.ChainReaderFactory;
import io.chaintrack.connectors.evm.source.EvmEnumeratorState;
import io.chaintrack.connectors.evm.source.EvmEnumeratorStateSerializer;
import io.chaintrack.connectors.evm.source.EvmSourceReader;
import io.chaintrack.connectors.evm.source.EvmSplit;
import io.chaintrack.connectors.evm.source.EvmSplitEnumerator;
import io.chaintrack.connectors.evm.source.EvmSplitSerializer;
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
 * Flink source of one EVM chain's {@link ChainEvent}s: parallel backfill of final blocks, then one ordered
 * head follower that emits REVERTED events on reorgs. Use {@code env.fromSource(EvmChainSource.create(config),
 * WatermarkStrategy.noWatermarks(), "evm-" + name).uid("evm-source-" + name)}; bounded when an end block is set.
 */
public final class EvmChainSource
        implements Source<ChainEvent, EvmSplit, EvmEnumeratorState>, ResultTypeQueryable<ChainEvent> {

    private final EvmChainConfig config;
    private final ChainReaderFactory readers;
    private final EvmMetrics.RegistrySupplier registry;

    public EvmChainSource(EvmChainConfig config, ChainReaderFactory readers, EvmMetrics.RegistrySupplier registry) {
        this.config = config;
        this.readers = readers;
        this.registry = registry;
    }

    /** JSON-RPC source whose metrics go to the default Prometheus registry. */
    public static EvmChainSource create(EvmChainConfig config) {
        return new EvmChainSource(config, ChainReaderFactory.rpc(), EvmMetrics.DEFAULT_REGISTRY);
    }

    /** JSON-RPC source whose metrics go to the registry {@code registry} supplies on each task manager. */
    public static EvmChainSource create(EvmChainConfig config, EvmMetrics.RegistrySupplier registry) {
        return new EvmChainSource(config, ChainReaderFactory.rpc(), registry);
    }

    public EvmChainConfig config() {
        return config;
    }

    @Override
    public Boundedness getBoundedness() {
        return config.bounded() ? Boundedness.BOUNDED : Boundedness.CONTINUOUS_UNBOUNDED;
    }

    @Override
    public SourceReader<ChainEvent, EvmSplit> createReader(SourceReaderContext context) {
        return new EvmSourceReader(config, readers, EvmMetrics.on(registry.get()), context);
    }

    @Override
    public SplitEnumerator<EvmSplit, EvmEnumeratorState> createEnumerator(SplitEnumeratorContext<EvmSplit> context) {
        return new EvmSplitEnumerator(context, config, readers, registry, EvmEnumeratorState.fresh());
    }

    @Override
    public SplitEnumerator<EvmSplit, EvmEnumeratorState> restoreEnumerator(
            SplitEnumeratorContext<EvmSplit> context, EvmEnumeratorState checkpoint) {
        return new EvmSplitEnumerator(context, config, readers, registry, checkpoint);
    }

    @Override
    public SimpleVersionedSerializer<EvmSplit> getSplitSerializer() {
        return EvmSplitSerializer.INSTANCE;
    }

    @Override
    public SimpleVersionedSerializer<EvmEnumeratorState> getEnumeratorCheckpointSerializer() {
        return EvmEnumeratorStateSerializer.INSTANCE;
    }

    @Override
    public TypeInformation<ChainEvent> getProducedType() {
        return ProtobufTypeInfo.CHAIN_EVENT;
    }
}
