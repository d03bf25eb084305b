package io.chaintrack.api.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors;
import com.google.protobuf.Message;
import io.chaintrack.api.config.CacheConfig;
import io.chaintrack.api.context.Deadlines;
import io.chaintrack.api.metrics.ApiMetrics;
import io.chaintrack.api.query.Store;
import io.chaintrack.proto.v1.QueryProto;
import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.context.event.StartupEvent;
import io.prometheus.metrics.core.metrics.Counter;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers of unary methods kept in memory for their method's TTL, keyed by the method and the exact request
 * (both transports share it, so a REST and a gRPC call of the same request hit the same entry). Failures are
 * never cached, and neither are answers holding data that can still change: a row not finalized (a reorg may still
 * remove or change it) or a provisional window (it changes with every block), so a cached answer is always one the
 * chain can no longer contradict (finality=finalized answers are cacheable). TTLs are re-read from api_cache_ttls
 * every refresh interval; when a method's TTL changes, its entries are dropped so the new TTL holds from that moment.
 */
@Singleton
public final class ResponseCache implements ApplicationEventListener<StartupEvent> {
    private static final Logger LOG = LoggerFactory.getLogger(ResponseCache.class);

    private record Key(String method, ByteString request) {}

    private record Entry(Message response, long ttlNanos) {}

    private final CacheConfig config;
    private final Store store;
    /** normalised name -> RPC name, for every unary method of the API. */
    private final Map<String, String> methods = new HashMap<>();
    private final Map<String, Duration> configured = new HashMap<>();
    private final Map<String, Duration> effective = new ConcurrentHashMap<>();
    private final Cache<Key, Entry> cache;
    private final Counter requests;
    private final ScheduledExecutorService refresher;
    private final Set<String> warned = ConcurrentHashMap.newKeySet();

    public ResponseCache(CacheConfig config, Store store, ApiMetrics metrics) {
        this.config = config;
        this.store = store;
        QueryProto.getDescriptor().getServices().forEach(s -> s.getMethods().stream().filter(m -> !m.isServerStreaming())
                .forEach(m -> methods.put(normalise(m.getName()), m.getName())));
        config.ttls().forEach((name, ttl) -> {
            String method = methods.get(normalise(name));
            if (method == null) {
                throw new IllegalArgumentException("chaintrack.api.cache.ttls." + name + ": no such method (one of "
                        + new TreeSet<>(methods.values()) + ")");
            }
            configured.put(method, ttl);
        });
        methods.values().forEach(m -> effective.put(m, configuredTtl(m)));
        this.cache = Caffeine.newBuilder()
                .maximumSize(config.maxEntries())
                .expireAfter(new Expiry<Key, Entry>() {
                    @Override
                    public long expireAfterCreate(Key key, Entry value, long currentTime) {
                        return value.ttlNanos();
                    }

                    @Override
                    public long expireAfterUpdate(Key key, Entry value, long currentTime, long currentDuration) {
                        return value.ttlNanos();
                    }

                    @Override
                    public long expireAfterRead(Key key, Entry value, long currentTime, long currentDuration) {
                        return currentDuration;
                    }
                })
                .build();
        this.requests = Counter.builder().name("chaintrack_api_cache_requests_total")
                .help("Answers looked up in the response cache, by method and result (hit, miss; bypass when the TTL is 0)")
                .labelNames("method", "result").register(metrics.registry());
        this.refresher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "cache-ttls");
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public void onApplicationEvent(StartupEvent event) {
        if (config.enabled()) {
            refresher.scheduleWithFixedDelay(this::refresh, 0, config.refreshInterval().toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    static String normalise(String name) {
        return name.replaceAll("[-_.]", "").toLowerCase(Locale.ROOT);
    }

    private Duration configuredTtl(String method) {
        return config.enabled() ? configured.getOrDefault(method, config.defaultTtl()) : Duration.ZERO;
    }

    /** The TTL in force for an RPC name (ListChains). */
    public Duration ttl(String method) {
        return effective.getOrDefault(method, Duration.ZERO);
    }

    /** The answer for {@code request}: from memory while its method's TTL allows, else computed (and kept). */
    @SuppressWarnings("unchecked")
    public <R extends Message> R get(Message request, Supplier<R> compute) {
        // compute answers synchronously (or throws), so the future is already complete
        return getAsync(request, () -> CompletableFuture.completedFuture(compute.get())).join();
    }

    /** As {@link #get}, for a method answered asynchronously; only a successful answer is kept. */
    @SuppressWarnings("unchecked")
    public <R extends Message> CompletableFuture<R> getAsync(Message request, Supplier<CompletableFuture<R>> compute) {
        Deadlines.remainingNanos(); // a request already past its deadline is answered 504, cached or not
        String name = request.getDescriptorForType().getName();
        String method = name.endsWith("Request") ? name.substring(0, name.length() - "Request".length()) : name;
        Duration ttl = ttl(method);
        if (ttl.isZero()) {
            requests.labelValues(method, "bypass").inc();
            return compute.get();
        }
        Key key = new Key(method, request.toByteString());
        Entry cached = cache.getIfPresent(key);
        if (cached != null) {
            requests.labelValues(method, "hit").inc();
            return CompletableFuture.completedFuture((R) cached.response());
        }
        requests.labelValues(method, "miss").inc();
        return compute.get().thenApply(response -> {
            if (settled(response)) {
                cache.put(key, new Entry(response, ttl.toNanos()));
            }
            return response;
        });
    }

    /**
     * Whether nothing in the answer can still change: no message in it has a {@code finalized} field that is false or
     * a {@code provisional} field that is true (rows, balances and windows carry them; other answers have none).
     */
    static boolean settled(Message message) {
        for (Descriptors.FieldDescriptor field : message.getDescriptorForType().getFields()) {
            if (field.getJavaType() == Descriptors.FieldDescriptor.JavaType.BOOLEAN && !field.isRepeated()) {
                boolean value = (Boolean) message.getField(field);
                if (field.getName().equals("finalized") && !value || field.getName().equals("provisional") && value) {
                    return false;
                }
            } else if (field.getJavaType() == Descriptors.FieldDescriptor.JavaType.MESSAGE) {
                if (field.isRepeated()) {
                    for (int i = 0, n = message.getRepeatedFieldCount(field); i < n; i++) {
                        if (!settled((Message) message.getRepeatedField(field, i))) {
                            return false;
                        }
                    }
                } else if (message.hasField(field) && !settled((Message) message.getField(field))) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Re-reads api_cache_ttls; a method whose TTL changed loses its entries. Keeps the last TTLs when the store is down. */
    void refresh() {
        Map<String, Duration> rows = new HashMap<>();
        try {
            store.read(c -> {
                try (PreparedStatement st = store.prepare(c, "SELECT method, ttl_ms FROM api_cache_ttls");
                     ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        String method = methods.get(normalise(rs.getString(1)));
                        if (method == null) {
                            if (warned.add(rs.getString(1))) {
                                LOG.warn("api_cache_ttls names no method of the API: '{}' (ignored)", rs.getString(1));
                            }
                            continue;
                        }
                        rows.put(method, Duration.ofMillis(rs.getLong(2)));
                    }
                }
                return null;
            });
        } catch (RuntimeException e) {
            LOG.warn("cache TTLs not refreshed: {}", e.getMessage());
            return;
        }
        for (String method : methods.values()) {
            Duration next = rows.getOrDefault(method, configuredTtl(method));
            Duration previous = effective.put(method, next);
            if (!next.equals(previous)) {
                cache.asMap().keySet().removeIf(k -> k.method().equals(method));
                LOG.info("cache TTL of {} is now {} (was {})", method, next, previous);
            }
        }
    }

    @PreDestroy
    void stop() {
        refresher.shutdownNow();
    }
}
