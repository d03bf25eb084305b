package io.chaintrack.connectors.kafka;

import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;

/** A Kafka topic bound to the serdes of its key and value; see {@link TopicCatalog} for the instances. */
public record Topic<K, V>(
        String name,
        int partitions,
        Serializer<K> keySerializer,
        Deserializer<K> keyDeserializer,
        Serializer<V> valueSerializer,
        Deserializer<V> valueDeserializer) {}
