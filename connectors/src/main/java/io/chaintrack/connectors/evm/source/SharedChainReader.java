package io.chaintrack.connectors.evm.source;

import io.chaintrack.connectors.evm.EvmChainConfig;
import io.chaintrack.connectors.evm.EvmMetrics;
import io.chaintrack.connectors.evm.fetch.BlockRef;
import io.chaintrack.connectors.evm.fetch.ChainReader;
import io.chaintrack.connectors.evm.fetch.Fetched;
import io.chaintrack.connectors.evm.fetch.HeadPoll;
import java.util.List;

/**
 * One chain connection per source reader, kept across the split readers Flink creates and closes as splits
 * come and go (so the chain id check, learned log range and receipt method survive a split change). Closing a
 * split reader does not close it; closing the source reader does.
 */
final class SharedChainReader implements AutoCloseable {
    private final ChainReaderFactory factory;
    private final EvmChainConfig config;
    private final EvmMetrics metrics;
    private ChainReader delegate;

    SharedChainReader(ChainReaderFactory factory, EvmChainConfig config, EvmMetrics metrics) {
        this.factory = factory;
        this.config = config;
        this.metrics = metrics;
    }

    private synchronized ChainReader delegate() {
        if (delegate == null) {
            delegate = factory.open(config, metrics);
        }
        return delegate;
    }

    /** A view for one split reader: its close() leaves the connection open. */
    ChainReader lease() {
        return new ChainReader() {
            @Override
            public HeadPoll poll(long checkNumber) {
                return delegate().poll(checkNumber);
            }

            @Override
            public Fetched fetch(long from, long to) {
                return delegate().fetch(from, to);
            }

            @Override
            public List<BlockRef> headers(long from, long to) {
                return delegate().headers(from, to);
            }

            @Override
            public void close() {}
        };
    }

    @Override
    public synchronized void close() {
        if (delegate != null) {
            delegate.close();
            delegate = null;
        }
    }
}
