package io.chaintrack.connectors.kafka;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** Hands every Kafka record on as raw bytes: it cannot fail, so a bad payload can never kill the job. */
public final class KafkaPayloadDeserializationSchema implements KafkaRecordDeserializationSchema<KafkaPayload> {
    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<KafkaPayload> out) {
        out.collect(new KafkaPayload(record.topic(), record.partition(), record.offset(), record.timestamp(),
                record.key(), record.value()));
    }

    @Override
    public TypeInformation<KafkaPayload> getProducedType() {
        return TypeInformation.of(KafkaPayload.class);
    }
}
