package io.chaintrack.api.query;

import io.chaintrack.api.config.StreamConfig;
import io.chaintrack.api.context.Caller;
import io.chaintrack.api.context.Callers;
import io.chaintrack.api.error.ApiException;
import io.chaintrack.api.error.ErrorKind;
import io.chaintrack.api.error.RateLimitedException;
import io.chaintrack.api.metrics.ApiMetrics;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs every live stream of this replica on one small scheduler: at most max-streams at once and at most
 * max-streams-per-client of one client (a slot is taken before a stream starts and given back exactly once when it
 * ends), each polled at a fixed delay so one stream's polls never overlap.
 */
@Singleton
public final class LiveStreams {
    /** One poll of a stream; returns false when the stream has ended. */
    @FunctionalInterface
    public interface Poll {
        boolean run();
    }

    /** A started stream. */
    public interface Subscription {
        void cancel();
    }

    /**
     * A validated stream holding its slot, with its starting point already taken: what is indexed after
     * {@code prepare} returned is what it delivers. Transports validate first (errors are then plain 4xx
     * answers), then start it with their sink.
     */
    public interface Prepared<T> {
        Subscription start(StreamSink<T> sink);
    }

    /** A reserved slot, released exactly once. */
    public final class Slot implements AutoCloseable {
        private final AtomicBoolean released = new AtomicBoolean();
        private final String client;

        private Slot(String client) {
            this.client = client;
        }

        @Override
        public void close() {
            if (released.compareAndSet(false, true)) {
                releaseClient(client);
                slots.release();
            }
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(LiveStreams.class);
    /** Retry-After of a refused stream: streams are long-lived, a slot frees when a client goes away. */
    static final long STREAM_RETRY_AFTER_SECONDS = 10;

    private final StreamConfig config;
    private final Semaphore slots;
    private final ConcurrentHashMap<String, Integer> perClient = new ConcurrentHashMap<>();
    private final AtomicInteger running = new AtomicInteger();
    private final ScheduledExecutorService scheduler;

    public LiveStreams(StreamConfig config, ApiMetrics metrics) {
        this.config = config;
        this.slots = new Semaphore(config.maxStreams());
        AtomicInteger n = new AtomicInteger();
        this.scheduler = Executors.newScheduledThreadPool(config.threads(), r -> {
            Thread t = new Thread(r, "live-stream-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        GaugeWithCallback.builder().name("chaintrack_api_live_streams")
                .help("Live streams (gRPC server streams and SSE) open on this replica")
                .callback(callback -> callback.call(running.get()))
                .register(metrics.registry());
    }

    public StreamConfig config() {
        return config;
    }

    /** Streams started and not yet ended (the chaintrack_api_live_streams gauge). */
    public int running() {
        return running.get();
    }

    /**
     * A slot for one more stream of the current caller ({@link Callers}), or RESOURCE_EXHAUSTED when the caller holds
     * max-streams-per-client already or this replica serves max-streams.
     */
    public Slot reserve() {
        String client = Callers.current().map(Caller::clientId).orElse("peer:unknown");
        int held = perClient.merge(client, 1, Integer::sum);
        if (held > config.maxStreamsPerClient()) {
            releaseClient(client);
            throw new RateLimitedException("this client already holds " + config.maxStreamsPerClient()
                    + " live streams on this server (chaintrack.api.streams.max-streams-per-client); close one or retry later",
                    STREAM_RETRY_AFTER_SECONDS);
        }
        if (!slots.tryAcquire()) {
            releaseClient(client);
            throw new RateLimitedException("this server already serves "
                    + config.maxStreams() + " live streams; retry later or on another replica", STREAM_RETRY_AFTER_SECONDS);
        }
        return new Slot(client);
    }

    /** Streams the client holds now (0 when none). */
    public int heldBy(String client) {
        return perClient.getOrDefault(client, 0);
    }

    private void releaseClient(String client) {
        // removing at zero keeps the map as small as the set of clients streaming now
        perClient.computeIfPresent(client, (k, n) -> n <= 1 ? null : n - 1);
    }

    /** Polls until {@code poll} returns false or the subscription is cancelled, then releases the slot. */
    public Subscription start(Slot slot, Poll poll) {
        Running running = new Running(slot, poll, this.running);
        running.future = scheduler.scheduleWithFixedDelay(running, config.pollInterval().toMillis(),
                config.pollInterval().toMillis(), TimeUnit.MILLISECONDS);
        if (running.over.get()) {
            running.future.cancel(false); // cancelled before the future existed
        }
        return running;
    }

    private static final class Running implements Subscription, Runnable {
        private final Slot slot;
        private final Poll poll;
        private final AtomicInteger count;
        private final AtomicBoolean over = new AtomicBoolean();
        private volatile ScheduledFuture<?> future;

        Running(Slot slot, Poll poll, AtomicInteger count) {
            this.slot = slot;
            this.poll = poll;
            this.count = count;
            count.incrementAndGet();
        }

        @Override
        public void run() {
            if (over.get()) {
                return;
            }
            boolean more;
            try {
                more = poll.run();
            } catch (RuntimeException e) {
                LOG.error("live stream poll failed", e);
                more = false;
            }
            if (!more) {
                cancel();
            }
        }

        @Override
        public void cancel() {
            if (over.compareAndSet(false, true)) {
                slot.close();
                count.decrementAndGet();
                ScheduledFuture<?> f = future;
                if (f != null) {
                    f.cancel(false);
                }
            }
        }
    }

    @PreDestroy
    void stop() {
        scheduler.shutdownNow();
    }
}
