package io.chaintrack.connectors.evm.source;

import io.chaintrack.connectors.evm.EvmChainConfig;
import io.chaintrack.connectors.evm.EvmMetrics;
import io.chaintrack.connectors.evm.fetch.ChainReader;
import io.chaintrack.connectors.evm.fetch.RpcChainReader;
import java.io.Serializable;

/** How readers and the enumerator reach the chain; serializable because it ships inside the source. */
@FunctionalInterface
public interface ChainReaderFactory extends Serializable {

    ChainReader open(EvmChainConfig config, EvmMetrics metrics);

    /** JSON-RPC to the configured endpoints. */
    static ChainReaderFactory rpc() {
        return RpcChainReader::new;
    }
}
