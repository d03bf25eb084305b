package io.chaintrack.connectors.evm.source;

import io.chaintrack.connectors.evm.EvmChainConfig;
import io.chaintrack.connectors.evm.EvmMetrics;
import io.chaintrack.connectors.evm.fetch.ChainReader;
import io.chaintrack.connectors.evm.fetch.Fetched;
import io.chaintrack.connectors.evm.reorg.TailFollower;
import io.chaintrack.proto.v1.ChainEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.flink.connector.base.source.reader.RecordsBySplits;
import org.apache.flink.connector.base.source.reader.RecordsWithSplitIds;
import org.apache.flink.connector.base.source.reader.splitreader.SplitReader;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsAddition;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsChange;

/**
 * Runs in the reader's fetcher thread: each {@link #fetch()} advances one assigned split by one batch
 * (round-robin) and hands its events over. Its own progress runs ahead of what is emitted; the checkpointed
 * truth is {@link EvmSplitState}. When every split waits for the chain it sleeps until the earliest poll time,
 * and {@link #wakeUp()} cuts the sleep short. A caught-up tail polls every pollInterval, or every
 * subscribedPollInterval while a newHeads subscription is live: then each notification wakes it at once, and losing
 * the subscription makes it poll at once and on pollInterval again.
 */
public final class EvmSplitReader implements SplitReader<ChainEvent, EvmSplit> {

    private interface Worker {
        TailFollower.Step step();
    }

    private final EvmChainConfig config;
    private final EvmMetrics metrics;
    private final ChainReader chain;
    private final Map<String, Worker> workers = new LinkedHashMap<>();
    private final Map<String, Long> idleUntil = new LinkedHashMap<>();
    private final Object sleeper = new Object();
    private boolean woken;
    private int cursor;
    private final AtomicBoolean newHead = new AtomicBoolean();
    private final AtomicBoolean headsLost = new AtomicBoolean();
    private final Set<String> tails = new HashSet<>();
    private final Set<String> wokenByHead = new HashSet<>();
    private HeadSubscription heads;

    public EvmSplitReader(EvmChainConfig config, ChainReader chain, EvmMetrics metrics) {
        this.config = config;
        this.chain = chain;
        this.metrics = metrics;
    }

    @Override
    public RecordsWithSplitIds<ChainEvent> fetch() {
        List<String> ids = new ArrayList<>(workers.keySet());
        if (ids.isEmpty()) {
            return empty();
        }
        if (heads != null) {
            heads.maintain();
        }
        if (headsLost.getAndSet(false)) {
            idleUntil.clear(); // heads the socket did not deliver may be waiting: poll now, then on pollInterval
            wokenByHead.clear();
        }
        if (newHead.getAndSet(false)) {
            wokenByHead.addAll(idleUntil.keySet()); // a head arrived by subscription: poll now, not at the poll time
            idleUntil.clear();
        }
        long now = System.nanoTime();
        for (int i = 0; i < ids.size(); i++) {
            String id = ids.get((cursor + i) % ids.size());
            Long until = idleUntil.get(id);
            if (until != null && until - now > 0) {
                continue;
            }
            cursor = (cursor + i + 1) % ids.size();
            boolean byHead = wokenByHead.remove(id);
            if (tails.contains(id) && (until != null || byHead)) {
                metrics.headPoll(config.chainName(), byHead);
            }
            idleUntil.remove(id);
            TailFollower.Step step = workers.get(id).step();
            if (step.idle()) {
                // only the tail hears of new heads; a backfill waiting for a lagging endpoint keeps polling
                Duration interval = tails.contains(id) && heads != null && heads.live()
                        ? config.subscribedPollInterval() : config.pollInterval();
                idleUntil.put(id, System.nanoTime() + interval.toNanos());
            }
            if (step.finished()) {
                workers.remove(id);
                tails.remove(id);
                idleUntil.remove(id);
                return new RecordsBySplits<>(Map.of(id, step.events()), Set.of(id));
            }
            if (!step.events().isEmpty()) {
                return new RecordsBySplits<>(Map.of(id, step.events()), Set.of());
            }
        }
        long wake = Long.MAX_VALUE;
        for (long t : idleUntil.values()) {
            wake = Math.min(wake, t);
        }
        sleepUntil(wake);
        return empty();
    }

    private void sleepUntil(long nanoTime) {
        synchronized (sleeper) {
            while (!woken) {
                long wait = nanoTime - System.nanoTime();
                if (wait <= 0) {
                    break;
                }
                try {
                    sleeper.wait(Math.max(1, wait / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            woken = false;
        }
    }

    private static RecordsWithSplitIds<ChainEvent> empty() {
        return new RecordsBySplits<>(Map.of(), Set.of());
    }

    @Override
    public void handleSplitsChanges(SplitsChange<EvmSplit> change) {
        if (!(change instanceof SplitsAddition)) {
            throw new UnsupportedOperationException("EVM splits are never taken away: " + change);
        }
        for (EvmSplit s : change.splits()) {
            workers.put(s.splitId(), s.kind() == EvmSplit.Kind.TAIL ? tail(s) : backfill(s));
            if (s.kind() == EvmSplit.Kind.TAIL) {
                tails.add(s.splitId());
            }
        }
    }

    private Worker tail(EvmSplit s) {
        if (heads == null) {
            heads = HeadSubscription.of(config, metrics, new HeadSubscription.Events() {
                @Override
                public void head() {
                    newHead.set(true);
                    wakeUp();
                }

                @Override
                public void down() {
                    headsLost.set(true);
                    wakeUp();
                }
            });
        }
        TailFollower follower = new TailFollower(chain, config.chainName(), config.reorgDepth(),
                config.blocksPerFetch(), s.endBlock(), s.next(), s.window(), metrics);
        return follower::step;
    }

    private Worker backfill(EvmSplit s) {
        long[] next = {s.next()};
        return () -> {
            if (next[0] > s.to()) {
                return new TailFollower.Step(List.of(), true, false);
            }
            long to = Math.min(s.to(), next[0] + config.blocksPerFetch() - 1);
            Fetched f = chain.fetch(next[0], to);
            if (f.events().isEmpty()) {
                // a lagging endpoint lacks blocks below the planned end: wait for it
                return new TailFollower.Step(List.of(), false, true);
            }
            next[0] += f.events().size();
            return new TailFollower.Step(f.events(), next[0] > s.to(), false);
        };
    }

    @Override
    public void wakeUp() {
        synchronized (sleeper) {
            woken = true;
            sleeper.notifyAll();
        }
    }

    @Override
    public void close() {
        if (heads != null) {
            heads.close();
        }
        chain.close();
    }
}
