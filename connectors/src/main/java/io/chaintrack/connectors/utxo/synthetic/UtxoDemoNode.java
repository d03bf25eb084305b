package io.chaintrack.connectors.utxo.synthetic;

import io.chaintrack.core.utxo.UtxoNetwork;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A synthetic UTXO chain that grows with the clock, served in Bitcoin Core's formats: one block per interval since
 * {@code genesisMillis}, and every {@code reorgEvery}-th step a depth-2 reorg. Each step depends only on the height,
 * so a restart with the same seed and genesis time rebuilds the very chain a follower already holds.
 */
public final class UtxoDemoNode implements AutoCloseable {
    private final SyntheticUtxoChain chain;
    private final BitcoinRpcServer server;
    private final long genesisMillis;
    private final long intervalMillis;
    private final int reorgEvery;
    private final ScheduledExecutorService clock;

    public UtxoDemoNode(long seed, UtxoNetwork network, long genesisMillis, Duration interval, int reorgEvery)
            throws IOException {
        this.chain = new SyntheticUtxoChain(seed, network, 40, 6);
        this.genesisMillis = genesisMillis;
        this.intervalMillis = interval.toMillis();
        this.reorgEvery = reorgEvery;
        advanceTo(System.currentTimeMillis());
        this.server = new BitcoinRpcServer(chain, 3);
        this.clock = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "utxo-demo-miner");
            t.setDaemon(true);
            return t;
        });
        clock.scheduleWithFixedDelay(() -> advanceTo(System.currentTimeMillis()), intervalMillis, intervalMillis / 4 + 1,
                TimeUnit.MILLISECONDS);
    }

    /** Grows the chain to the height the clock says, one step at a time. */
    synchronized void advanceTo(long nowMillis) {
        long target = Math.max(0, (nowMillis - genesisMillis) / intervalMillis);
        while (chain.height() < target) {
            long next = chain.height() + 1;
            if (reorgEvery > 0 && next % reorgEvery == 0 && chain.height() > 3) {
                chain.reorg(2);
            } else {
                chain.mine();
            }
        }
    }

    public String url() {
        return server.url();
    }

    public SyntheticUtxoChain chain() {
        return chain;
    }

    @Override
    public void close() {
        clock.shutdownNow();
        server.close();
    }
}
