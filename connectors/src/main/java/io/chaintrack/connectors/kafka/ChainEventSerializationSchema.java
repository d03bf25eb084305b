package io.chaintrack.connectors.kafka;

import io.chaintrack.core.model.BlockTimes;
import io.chaintrack.proto.v1.ChainEvent;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Writes ChainEvents to the chain-events topic keyed by chain id, so a chain's blocks stay in one partition, in order. */
public final class ChainEventSerializationSchema implements KafkaRecordSerializationSchema<ChainEvent> {
    @Override
    public ProducerRecord<byte[], byte[]> serialize(ChainEvent event, KafkaSinkContext context, Long timestamp) {
        Topic<Long, ChainEvent> topic = TopicCatalog.CHAIN_EVENTS;
        long chainId = event.getBlock().getChainId();
        return new ProducerRecord<>(topic.name(), null, BlockTimes.millis(event),
                topic.keySerializer().serialize(topic.name(), chainId),
                topic.valueSerializer().serialize(topic.name(), event));
    }
}
