package io.chaintrack.embedded;

import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.channels.ServerSocketChannel;
import java.util.Map;
import org.apache.kafka.common.test.KafkaClusterTestKit;

/**
 * KafkaClusterTestKit binds the controller listener's port ahead of start-up (to write it into
 * controller.quorum.voters) on the wildcard address, so the controller would accept connections from every
 * interface although its listener says localhost. Closing that pre-bound socket before start-up makes the test
 * kit's socket factory open the port again on the listener's own host (it does so for a closed pre-bound socket).
 * The test kit has no option for this, hence reflection; if its fields change, the broker still starts (on the
 * wildcard address) and StackBindAddressTest says so.
 */
final class LoopbackControllerSocket {
    private LoopbackControllerSocket() {}

    static void release(KafkaClusterTestKit cluster) {
        try {
            Object manager = field(cluster, "socketFactoryManager");
            Map<?, ?> sockets = (Map<?, ?>) field(manager, "sockets");
            synchronized (manager) {
                for (Object perNode : sockets.values()) {
                    for (Object channel : ((Map<?, ?>) perNode).values()) {
                        ((ServerSocketChannel) channel).close();
                    }
                }
            }
        } catch (ReflectiveOperationException | ClassCastException | IOException e) {
            org.slf4j.LoggerFactory.getLogger(LoopbackControllerSocket.class)
                    .warn("the embedded Kafka controller listens on every interface: {}", e.toString());
        }
    }

    private static Object field(Object owner, String name) throws ReflectiveOperationException {
        Field f = owner.getClass().getDeclaredField(name);
        f.setAccessible(true);
        return f.get(owner);
    }
}
