package io.chaintrack.connectors.kafka;

import io.chaintrack.connectors.flink.ProtobufTypeInfo;
import io.chaintrack.proto.v1.ChainEvent;
import java.util.Properties;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/**
 * Kafka plumbing for the ChainEvent topic: sources read committed data only (which a non-transactional, at-least-once
 * producer's records are as soon as they are written) and resume from the checkpointed offsets; decoding happens in one named operator that diverts bad payloads to the dead letters.
 */
public final class ChainEventKafka {
    /** How long an exactly-once transaction may stay open; a recovery older than this may have lost output. */
    public static final java.time.Duration TRANSACTION_TIMEOUT = java.time.Duration.ofMinutes(10);

    public static final String SOURCE_UID = "chain-events-kafka-source";
    public static final String DECODE_UID = "decode-chain-events";
    public static final String DEAD_LETTER_SINK_UID = "dead-letter-sink";

    private ChainEventKafka() {}

    /**
     * @param bounded stop at the offsets that are latest when the job starts (backfill and tests);
     *                otherwise follow the topic forever
     */
    public static KafkaSource<KafkaPayload> source(String bootstrapServers, String groupId, boolean bounded) {
        var builder = KafkaSource.<KafkaPayload>builder()
                .setBootstrapServers(bootstrapServers)
                .setTopics(TopicCatalog.CHAIN_EVENTS.name())
                .setGroupId(groupId)
                .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
                .setDeserializer(new KafkaPayloadDeserializationSchema())
                .setProperty("isolation.level", "read_committed")
                .setProperty("commit.offsets.on.checkpoint", "true");
        if (bounded) {
            builder.setBounded(OffsetsInitializer.latest());
        }
        return builder.build();
    }

    /** A sink for ChainEvents; EXACTLY_ONCE needs checkpointing and a transactional id prefix unique per job. */
    public static KafkaSink<ChainEvent> sink(String bootstrapServers, DeliveryGuarantee guarantee, String transactionalIdPrefix) {
        Properties producer = new Properties();
        producer.setProperty("transaction.timeout.ms", Long.toString(TRANSACTION_TIMEOUT.toMillis()));
        producer.setProperty("compression.type", "lz4");
        // at head a block is one small batch: waiting longer for more records only adds latency
        producer.setProperty("linger.ms", "5");
        // one block is one record: mainnet's block 0 (8,891 genesis credits) is above the 1 MiB default; the topic
        // accepts 8 MiB (k8s/base/kafka/topics/chain-events.yaml)
        producer.setProperty("max.request.size", Integer.toString(8 * 1024 * 1024));
        return KafkaSink.<ChainEvent>builder()
                .setBootstrapServers(bootstrapServers)
                .setKafkaProducerConfig(producer)
                .setRecordSerializer(new ChainEventSerializationSchema())
                .setDeliveryGuarantee(guarantee)
                .setTransactionalIdPrefix(transactionalIdPrefix)
                .build();
    }

    public static KafkaSink<DeadLetter> deadLetterSink(String bootstrapServers) {
        return KafkaSink.<DeadLetter>builder()
                .setBootstrapServers(bootstrapServers)
                .setRecordSerializer(new DeadLetterSerializationSchema())
                .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
                .build();
    }

    /**
     * Reads the topic and decodes it; payloads that do not decode or break {@link ChainEventDecoder#validate} go to
     * {@code deadLetters}, counted, and never stop the job. Watermarks are the consuming job's concern.
     *
     * @param uidPrefix prepended to the three operators' names and uids, so two jobs can share one environment;
     *                  savepoints depend on the uids, so a job's prefix never changes
     */
    public static DataStream<ChainEvent> read(StreamExecutionEnvironment env, String uidPrefix,
                                              KafkaSource<KafkaPayload> source, Sink<DeadLetter> deadLetters) {
        SingleOutputStreamOperator<ChainEvent> events = env
                .fromSource(source, WatermarkStrategy.noWatermarks(), uidPrefix + "chain-events-kafka")
                .uid(uidPrefix + SOURCE_UID)
                .process(new ChainEventDecoder(), ProtobufTypeInfo.CHAIN_EVENT)
                .name(uidPrefix + DECODE_UID)
                .uid(uidPrefix + DECODE_UID);
        events.getSideOutput(ChainEventDecoder.DEAD_LETTERS)
                .sinkTo(deadLetters)
                .name(uidPrefix + DEAD_LETTER_SINK_UID)
                .uid(uidPrefix + DEAD_LETTER_SINK_UID);
        return events;
    }
}
