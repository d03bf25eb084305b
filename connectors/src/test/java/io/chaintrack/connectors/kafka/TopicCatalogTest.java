package io.chaintrack.connectors.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chaintrack.connectors.synthetic.SyntheticChain;
import io.chaintrack.connectors.synthetic.SyntheticChainConfig;
import io.chaintrack.proto.v1.ChainEvent;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;

class TopicCatalogTest {
    static final List<ChainEvent> EVENTS = new SyntheticChain(
            SyntheticChainConfig.defaults().withTransfersPerBlock(30).withReorgs(0.3, 2)).next(40);

    private static <K, V> void roundTrip(Topic<K, V> topic, K key, V value) {
        byte[] k = topic.keySerializer().serialize(topic.name(), key);
        byte[] v = topic.valueSerializer().serialize(topic.name(), value);
        assertThat(topic.keyDeserializer().deserialize(topic.name(), k)).isEqualTo(key);
        assertThat(topic.valueDeserializer().deserialize(topic.name(), v)).isEqualTo(value);
    }

    @Test
    void everyCatalogTopicRoundTripsItsKeysAndValues() {
        Map<String, Consumer<Topic<?, ?>>> checks = Map.of(
                TopicCatalog.CHAIN_EVENTS.name(), t -> {
                    for (ChainEvent e : EVENTS) {
                        roundTrip(TopicCatalog.CHAIN_EVENTS, e.getBlock().getChainId(), e);
                    }
                    roundTrip(TopicCatalog.CHAIN_EVENTS, Long.MAX_VALUE, ChainEvent.getDefaultInstance());
                },
                TopicCatalog.DEAD_LETTERS.name(), t -> roundTrip(TopicCatalog.DEAD_LETTERS,
                        new byte[] {0, 1, 2}, new byte[] {(byte) 0xff, 0, (byte) 0x80}));
        assertThat(TopicCatalog.all()).isNotEmpty();
        for (Topic<?, ?> topic : TopicCatalog.all()) {
            assertThat(checks).as("round-trip check for topic %s", topic.name()).containsKey(topic.name());
            assertThat(topic.partitions()).isPositive();
            checks.get(topic.name()).accept(topic);
        }
        assertThat(new HashSet<>(TopicCatalog.all().stream().map(Topic::name).toList())).hasSameSizeAs(TopicCatalog.all());
    }

    @Test
    void protobufDeserializerNamesTheTopicOnGarbageAndPassesTombstones() {
        var deserializer = TopicCatalog.CHAIN_EVENTS.valueDeserializer();
        assertThatThrownBy(() -> deserializer.deserialize("t1", new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff}))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("t1").hasMessageContaining("not a valid protobuf");
        assertThat(deserializer.deserialize("t1", null)).isNull();
        assertThat(TopicCatalog.CHAIN_EVENTS.valueSerializer().serialize("t1", null)).isNull();
    }

    @Test
    void chainEventRecordsAreKeyedByChainIdAndStampedWithBlockTime() {
        ChainEvent e = EVENTS.get(3);
        ProducerRecord<byte[], byte[]> r = new ChainEventSerializationSchema().serialize(e, null, null);
        assertThat(r.topic()).isEqualTo(TopicCatalog.CHAIN_EVENTS.name());
        assertThat(r.partition()).isNull();
        assertThat(TopicCatalog.CHAIN_EVENTS.keyDeserializer().deserialize(r.topic(), r.key())).isEqualTo(e.getBlock().getChainId());
        assertThat(r.value()).isEqualTo(e.toByteArray());
        assertThat(r.timestamp()).isEqualTo(e.getBlock().getTimestamp() * 1000L);
    }

    @Test
    void deadLettersKeepThePayloadByteForByteWithHeaders() {
        byte[] value = {(byte) 0xde, (byte) 0xad};
        DeadLetter letter = new DeadLetter(new KafkaPayload("src", 3, 42L, 7L, new byte[] {1}, value), "broken: reason");
        ProducerRecord<byte[], byte[]> r = new DeadLetterSerializationSchema().serialize(letter, null, null);
        assertThat(r.topic()).isEqualTo(TopicCatalog.DEAD_LETTERS.name());
        assertThat(r.key()).containsExactly(1);
        assertThat(r.value()).isEqualTo(value);
        assertThat(header(r, DeadLetterSerializationSchema.HEADER_SOURCE_TOPIC)).isEqualTo("src");
        assertThat(header(r, DeadLetterSerializationSchema.HEADER_SOURCE_PARTITION)).isEqualTo("3");
        assertThat(header(r, DeadLetterSerializationSchema.HEADER_SOURCE_OFFSET)).isEqualTo("42");
        assertThat(header(r, DeadLetterSerializationSchema.HEADER_ERROR)).isEqualTo("broken: reason");
    }

    static String header(ProducerRecord<?, ?> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
