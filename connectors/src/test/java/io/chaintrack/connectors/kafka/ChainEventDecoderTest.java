package io.chaintrack.connectors.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.chaintrack.proto.v1.BlockHeader;
import io.chaintrack.proto.v1.ChainEvent;
import io.chaintrack.proto.v1.ChainEventType;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.apache.flink.runtime.metrics.groups.InternalOperatorMetricGroup;
import org.apache.flink.runtime.metrics.groups.UnregisteredMetricGroups;
import org.apache.flink.runtime.metrics.util.InterceptingOperatorMetricGroup;
import org.apache.flink.runtime.operators.testutils.MockEnvironment;
import org.apache.flink.runtime.operators.testutils.MockEnvironmentBuilder;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class ChainEventDecoderTest {
    private static final String TOPIC = TopicCatalog.CHAIN_EVENTS.name();

    private static KafkaPayload payload(long offset, byte[] value) {
        return new KafkaPayload(TOPIC, 2, offset, 1_000L + offset, new byte[] {9}, value);
    }

    @Test
    void validEventsPassAndEverythingElseIsADeadLetterCountedWithItsBytesAndReason() throws Exception {
        InterceptingOperatorMetricGroup metrics = new InterceptingOperatorMetricGroup();
        MockEnvironment environment = new MockEnvironmentBuilder()
                .setMetricGroup(new UnregisteredMetricGroups.UnregisteredTaskMetricGroup() {
                    @Override
                    public InternalOperatorMetricGroup getOrAddOperator(OperatorID id, String name, Map<String, String> info) {
                        return metrics;
                    }
                })
                .build();
        ChainEvent valid = ChainEvent.newBuilder()
                .setType(ChainEventType.CHAIN_EVENT_TYPE_APPLIED)
                .setBlock(BlockHeader.newBuilder().setChainId(5).setNumber(1).setHash("0x" + "ab".repeat(32)))
                .build();
        byte[] garbage = {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff};
        byte[] noBlock = ChainEvent.newBuilder().setType(ChainEventType.CHAIN_EVENT_TYPE_APPLIED).build().toByteArray();
        byte[] noType = ChainEvent.newBuilder().setBlock(valid.getBlock()).build().toByteArray();

        try (var harness = new OneInputStreamOperatorTestHarness<>(
                new ProcessOperator<>(new ChainEventDecoder()),
                TypeInformation.of(KafkaPayload.class).createSerializer(new SerializerConfigImpl()),
                environment)) {
            harness.open();
            harness.processElement(payload(10, valid.toByteArray()), 1);
            harness.processElement(payload(11, garbage), 2);
            harness.processElement(payload(12, noBlock), 3);
            harness.processElement(payload(13, noType), 4);
            harness.processElement(payload(14, null), 5);
            harness.processElement(payload(15, valid.toByteArray()), 6);

            assertThat(harness.extractOutputValues()).containsExactly(valid, valid);
            List<DeadLetter> letters = harness.getSideOutput(ChainEventDecoder.DEAD_LETTERS).stream()
                    .map(StreamRecord::getValue).toList();
            assertThat(letters).hasSize(4);
            assertThat(letters.get(0).payload.value).isEqualTo(garbage);
            assertThat(letters.get(0).payload.offset).isEqualTo(11);
            assertThat(letters.get(0).payload.topic).isEqualTo(TOPIC);
            assertThat(letters.get(0).payload.partition).isEqualTo(2);
            assertThat(letters.get(0).payload.key).containsExactly(9);
            assertThat(letters.get(0).error).contains("not a valid protobuf");
            assertThat(letters.get(1).payload.value).isEqualTo(noBlock);
            assertThat(letters.get(1).error).contains("block");
            assertThat(letters.get(2).payload.value).isEqualTo(noType);
            assertThat(letters.get(2).error).contains("type");
            assertThat(letters.get(3).payload.value).isNull();
            assertThat(letters.get(3).error).contains("empty payload");
            assertThat(((Counter) metrics.get("deadLetters")).getCount()).isEqualTo(4);
        }
    }
}
