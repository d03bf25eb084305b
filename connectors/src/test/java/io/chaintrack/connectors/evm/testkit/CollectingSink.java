package io.chaintrack.connectors.evm.testkit;

import io.chaintrack.proto.v1.ChainEvent;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/** A MiniCluster test sink: every event goes into a JVM-wide list named by the test. */
public final class CollectingSink implements Sink<ChainEvent> {
    private static final Map<String, List<ChainEvent>> RECEIVED = new ConcurrentHashMap<>();
    private final String name;

    public CollectingSink(String name) {
        this.name = name;
        RECEIVED.computeIfAbsent(name, k -> new CopyOnWriteArrayList<>());
    }

    public static List<ChainEvent> received(String name) {
        return RECEIVED.getOrDefault(name, List.of());
    }

    @Override
    public SinkWriter<ChainEvent> createWriter(WriterInitContext context) {
        List<ChainEvent> target = RECEIVED.computeIfAbsent(name, k -> new CopyOnWriteArrayList<>());
        return new SinkWriter<>() {
            @Override
            public void write(ChainEvent element, Context ctx) {
                target.add(element);
            }

            @Override
            public void flush(boolean endOfInput) {}

            @Override
            public void close() {}
        };
    }
}
