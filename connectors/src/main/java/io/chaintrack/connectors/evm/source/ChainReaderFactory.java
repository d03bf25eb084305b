package io.chaintrack.connectors.evm.source;

import io.chaintrack.connectors.evm.EvmChainConfig;
import io.chaintrack.connectors.evm.EvmMetrics;
import io.chaintrack.connectors.evm.fetch.ChainReader;
import io.chaintrack.connectors.evm.fetch.RpcChainReader;
import io.chaintrack.connectors.utxo.BitcoinCoreChainReader;
import io.chaintrack.core.utxo.UtxoNetwork;
import java.io.Serializable;

/** How readers and the enumerator reach the chain; serializable because it ships inside the source. */
@FunctionalInterface
public interface ChainReaderFactory extends Serializable {

    ChainReader open(EvmChainConfig config, EvmMetrics metrics);

    /** JSON-RPC to the configured endpoints: Bitcoin Core's for a UTXO network's chain id, Ethereum's otherwise. */
    static ChainReaderFactory rpc() {
        return (config, metrics) -> UtxoNetwork.isUtxoChain(config.chainId())
                ? new BitcoinCoreChainReader(config, metrics) : new RpcChainReader(config, metrics);
    }
}
