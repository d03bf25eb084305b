package io.chaintrack.connectors.synthetic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chaintrack.connectors.flink.ProtobufTypeInfo;
import io.chaintrack.proto.v1.ChainEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.ReaderInfo;
import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.SourceOutput;
import org.apache.flink.api.connector.source.mocks.MockSplitEnumeratorContext;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.core.io.InputStatus;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class SyntheticChainSourceTest {
    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(2)
            .build());

    static final SyntheticChainConfig CONFIG = SyntheticChainTest.REORGY.withBlockCount(120);

    /** Collects what a reader emits, with the timestamps it attached. */
    static final class Collected implements ReaderOutput<ChainEvent> {
        final List<ChainEvent> events = new ArrayList<>();
        final List<Long> timestamps = new ArrayList<>();

        @Override
        public void collect(ChainEvent record) {
            collect(record, Long.MIN_VALUE);
        }

        @Override
        public void collect(ChainEvent record, long timestamp) {
            events.add(record);
            timestamps.add(timestamp);
        }

        @Override
        public void emitWatermark(Watermark watermark) {}

        @Override
        public void markIdle() {}

        @Override
        public void markActive() {}

        @Override
        public SourceOutput<ChainEvent> createOutputForSplit(String splitId) {
            return this;
        }

        @Override
        public void releaseOutputForSplit(String splitId) {}
    }

    private static List<ChainEvent> expected(SyntheticChainConfig config) {
        SyntheticChain chain = new SyntheticChain(config);
        List<ChainEvent> all = new ArrayList<>();
        while (chain.hasNext()) {
            all.add(chain.next());
        }
        return all;
    }

    /** Polls until {@code n} events were emitted or the input ended, waiting on availability like the mailbox does. */
    private static InputStatus poll(SyntheticChainReader reader, Collected out, int n) throws Exception {
        InputStatus status = InputStatus.MORE_AVAILABLE;
        while (out.events.size() < n) {
            status = reader.pollNext(out);
            if (status == InputStatus.END_OF_INPUT) {
                break;
            }
            if (status == InputStatus.NOTHING_AVAILABLE) {
                reader.isAvailable().get(30, TimeUnit.SECONDS);
            }
        }
        return status;
    }

    @Test
    void splitAndEnumeratorStateSurviveTheirSerializers() throws Exception {
        SyntheticChain chain = new SyntheticChain(CONFIG);
        chain.next(57);
        SyntheticChainSplit split = new SyntheticChainSplit(chain.eventIndex(), chain.snapshot());
        SyntheticChainSplitSerializer s = SyntheticChainSplitSerializer.INSTANCE;
        assertThat(s.deserialize(s.getVersion(), s.serialize(split))).isEqualTo(split);
        assertThat(s.deserialize(s.getVersion(), s.serialize(SyntheticChainSplit.initial()))).isEqualTo(SyntheticChainSplit.initial());

        SyntheticChainEnumStateSerializer e = SyntheticChainEnumStateSerializer.INSTANCE;
        SyntheticChainEnumState state = new SyntheticChainEnumState(List.of(split));
        assertThat(e.deserialize(e.getVersion(), e.serialize(state))).isEqualTo(state);
        assertThat(e.deserialize(e.getVersion(), e.serialize(new SyntheticChainEnumState(List.of())))).isEqualTo(new SyntheticChainEnumState(List.of()));
        assertThatThrownBy(() -> s.deserialize(99, s.serialize(split))).hasMessageContaining("version 99");
    }

    @Test
    void readerRestartedFromItsSnapshotContinuesWithExactlyTheNextEvent() throws Exception {
        List<ChainEvent> expected = expected(CONFIG);
        Collected first = new Collected();
        SyntheticChainReader reader = new SyntheticChainReader(CONFIG);
        reader.start();
        assertThat(reader.pollNext(first)).isEqualTo(InputStatus.NOTHING_AVAILABLE);
        assertThat(reader.isAvailable()).isNotDone();
        assertThat(reader.snapshotState(0)).isEmpty();
        reader.addSplits(List.of(SyntheticChainSplit.initial()));
        assertThat(reader.isAvailable()).isDone();
        poll(reader, first, 73);
        List<SyntheticChainSplit> state = reader.snapshotState(1);
        // the job goes on past the checkpoint, then fails: what it emitted after the checkpoint is replayed
        poll(reader, first, 90);
        reader.close();
        assertThat(first.events).isEqualTo(expected.subList(0, 90));
        assertThat(first.timestamps.get(5)).isEqualTo(first.events.get(5).getBlock().getTimestamp() * 1000);

        byte[] checkpointed = SyntheticChainSplitSerializer.INSTANCE.serialize(state.get(0));
        SyntheticChainSplit restored = SyntheticChainSplitSerializer.INSTANCE.deserialize(1, checkpointed);
        assertThat(restored.eventIndex()).isEqualTo(73);
        Collected second = new Collected();
        SyntheticChainReader again = new SyntheticChainReader(CONFIG);
        again.start();
        again.addSplits(List.of(restored));
        again.notifyNoMoreSplits();
        assertThat(poll(again, second, Integer.MAX_VALUE)).isEqualTo(InputStatus.END_OF_INPUT);
        again.close();
        assertThat(second.events).isEqualTo(expected.subList(73, expected.size()));
        assertThatThrownBy(() -> again.addSplits(List.of(SyntheticChainSplit.initial()))).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void pacedReaderWaitsThroughAvailabilityAndStillEmitsTheSameEvents() throws Exception {
        SyntheticChainConfig paced = CONFIG.withBlocksPerSecond(400).withBlockCount(30);
        SyntheticChainReader reader = new SyntheticChainReader(paced);
        reader.start();
        reader.addSplits(List.of(SyntheticChainSplit.initial()));
        Collected out = new Collected();
        int waits = 0;
        InputStatus status;
        do {
            status = reader.pollNext(out);
            if (status == InputStatus.NOTHING_AVAILABLE) {
                waits++;
                reader.isAvailable().get(30, TimeUnit.SECONDS);
            }
        } while (status != InputStatus.END_OF_INPUT);
        reader.close();
        assertThat(waits).isPositive();
        assertThat(out.events).isEqualTo(expected(paced));
    }

    @Test
    void enumeratorGivesTheOnlySplitToSubtaskZeroAndTakesItBackOnFailure() throws Exception {
        try (MockSplitEnumeratorContext<SyntheticChainSplit> context = new MockSplitEnumeratorContext<>(2)) {
            SyntheticChainSource source = new SyntheticChainSource(CONFIG);
            var enumerator = source.createEnumerator(context);
            enumerator.start();
            context.registerReader(new ReaderInfo(1, "localhost"));
            enumerator.addReader(1);
            assertThat(context.getSplitsAssignmentSequence()).isEmpty();
            assertThat(context.hasNoMoreSplits(1)).isTrue();
            context.registerReader(new ReaderInfo(0, "localhost"));
            enumerator.addReader(0);
            assertThat(context.getSplitsAssignmentSequence()).hasSize(1);
            assertThat(context.getSplitsAssignmentSequence().get(0).assignment().get(0)).containsExactly(SyntheticChainSplit.initial());
            assertThat(enumerator.snapshotState(1).unassigned()).isEmpty();

            SyntheticChainSplit progressed = new SyntheticChainSplit(5, new SyntheticChain(CONFIG).snapshot());
            context.unregisterReader(0);
            enumerator.addSplitsBack(List.of(progressed), 0);
            SyntheticChainEnumState checkpoint = enumerator.snapshotState(2);
            assertThat(checkpoint.unassigned()).containsExactly(progressed);

            var restored = source.restoreEnumerator(context, checkpoint);
            context.registerReader(new ReaderInfo(0, "localhost"));
            restored.addReader(0);
            assertThat(context.getSplitsAssignmentSequence()).hasSize(2);
            assertThat(context.getSplitsAssignmentSequence().get(1).assignment().get(0)).containsExactly(progressed);
        }
        assertThat(new SyntheticChainSource(CONFIG).getBoundedness()).isEqualTo(Boundedness.BOUNDED);
        assertThat(new SyntheticChainSource(CONFIG.withBlockCount(0)).getBoundedness()).isEqualTo(Boundedness.CONTINUOUS_UNBOUNDED);
    }

    @Test
    void boundedSourceOnAMiniClusterEmitsTheWholeChainInOrder() throws Exception {
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false); // protobuf must never fall back to Kryo
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2); // the second reader gets no split and finishes
        List<ChainEvent> events = new ArrayList<>();
        try (CloseableIterator<ChainEvent> it = env
                .fromSource(new SyntheticChainSource(CONFIG), WatermarkStrategy.noWatermarks(), "synthetic-chain")
                .returns(ProtobufTypeInfo.CHAIN_EVENT)
                .executeAndCollect()) {
            it.forEachRemaining(events::add);
        }
        assertThat(events).isEqualTo(expected(CONFIG));
    }
}
