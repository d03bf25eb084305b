package io.chaintrack.connectors.utxo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chaintrack.connectors.evm.EvmChainConfig;
import io.chaintrack.connectors.evm.EvmMetrics;
import io.chaintrack.connectors.evm.FinalityPolicy;
import io.chaintrack.connectors.evm.fetch.ChainIdMismatchException;
import io.chaintrack.connectors.evm.preset.ChainPresets;
import io.chaintrack.connectors.evm.reorg.TailFollower;
import io.chaintrack.connectors.utxo.synthetic.BitcoinRpcServer;
import io.chaintrack.connectors.utxo.synthetic.SyntheticUtxoChain;
import io.chaintrack.core.model.Uint256;
import io.chaintrack.core.utxo.UtxoAddresses;
import io.chaintrack.core.utxo.UtxoNetwork;
import io.chaintrack.proto.v1.ChainEvent;
import io.chaintrack.proto.v1.ChainEventType;
import io.chaintrack.proto.v1.Transfer;
import io.chaintrack.proto.v1.TransferKind;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.math.BigInteger;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The EVM source's follower over Bitcoin Core's JSON-RPC, served by the synthetic UTXO chain: through reorgs,
 * every account's balance after every canonical block equals the chain's UTXO set (the oracle: sum of unspent
 * outputs per address, kept by the chain itself, not derived from transfers).
 */
class BitcoinCoreFollowTest {
    private final EvmMetrics metrics = EvmMetrics.on(new PrometheusRegistry());

    @Test
    void balancesEqualTheUtxoSetAtEveryBlockThroughReorgsWithPrevoutsInBlocks() throws Exception {
        follow(3);
    }

    @Test
    void balancesEqualTheUtxoSetWhenPrevoutsAreReadPerTransaction() throws Exception {
        follow(2);
    }

    private void follow(int maxVerbosity) throws Exception {
        SyntheticUtxoChain chain = new SyntheticUtxoChain(7, UtxoNetwork.BITCOIN_REGTEST, 9, 5);
        for (int i = 0; i < 20; i++) {
            chain.mine();
        }
        try (BitcoinRpcServer node = new BitcoinRpcServer(chain, maxVerbosity);
             BitcoinCoreChainReader reader = new BitcoinCoreChainReader(config(node), metrics)) {
            TailFollower follower = new TailFollower(reader, "btc", 6, 4, null, 0, List.of(), metrics);
            UtxoLedger ledger = new UtxoLedger(chain, true);
            ledger.drain(follower);
            assertThat(ledger.checkedBlocks).isEqualTo(21);

            for (int round = 0; round < 6; round++) {
                chain.reorg(1 + round % 4);
                chain.mine();
                ledger.drain(follower);
                assertThat(ledger.balances()).isEqualTo(chain.balancesAt(chain.height()));
            }
            assertThat(ledger.reverted).isGreaterThanOrEqualTo(1 + 2 + 3 + 4 + 1 + 2);
            assertThat(ledger.kinds).contains(TransferKind.TRANSFER_KIND_CALL, TransferKind.TRANSFER_KIND_FEE,
                    TransferKind.TRANSFER_KIND_BLOCK_REWARD, TransferKind.TRANSFER_KIND_NONSTANDARD_OUTPUT,
                    TransferKind.TRANSFER_KIND_BURN);
        }
    }

    @Test
    void aNodeOfAnotherNetworkIsRefused() throws Exception {
        SyntheticUtxoChain chain = new SyntheticUtxoChain(1, UtxoNetwork.BITCOIN_TESTNET, 3, 1);
        try (BitcoinRpcServer node = new BitcoinRpcServer(chain, 3);
             BitcoinCoreChainReader reader = new BitcoinCoreChainReader(config(node), metrics)) {
            assertThatThrownBy(() -> reader.poll(-1)).isInstanceOf(ChainIdMismatchException.class)
                    .hasMessageContaining("configured as bitcoin-regtest but its endpoint serves the 'testnet' chain");
        }
    }

    @Test
    void finalityByBlockTagIsRefused() {
        EvmChainConfig config = EvmChainConfig.builder(UtxoNetwork.BITCOIN.chainId(), "btc")
                .endpoint("http://127.0.0.1:1/").finality(FinalityPolicy.finalized()).build();
        assertThatThrownBy(() -> new BitcoinCoreChainReader(config, metrics))
                .hasMessageContaining("UTXO chains are final by confirmations only");
    }

    @Test
    void everyNetworkHasAPresetNamingItsChainIdAndConfirmations() {
        for (UtxoNetwork n : UtxoNetwork.ALL) {
            var preset = ChainPresets.resolve(n.name().toUpperCase());
            assertThat(preset.chainId()).isEqualTo(n.chainId());
            assertThat(preset.finality().kind()).isEqualTo(FinalityPolicy.Kind.CONFIRMATIONS);
            assertThat(preset.rewards()).as("the coinbase carries the rewards").isEmpty();
        }
        assertThat(ChainPresets.resolve("bitcoin").finality().confirmations()).isEqualTo(6);
        assertThat(ChainPresets.resolve("dogecoin").finality().confirmations()).isEqualTo(40);
        EvmChainConfig config = EvmChainConfig.builder(UtxoNetwork.DOGECOIN.chainId(), "doge").endpoint("http://127.0.0.1:1/")
                .preset(ChainPresets.resolve("dogecoin")).build();
        assertThat(config.finality()).isEqualTo(FinalityPolicy.confirmations(40));
    }

    private static EvmChainConfig config(BitcoinRpcServer node) {
        return EvmChainConfig.builder(UtxoNetwork.BITCOIN_REGTEST.chainId(), "btc").endpoint(node.url())
                .finality(FinalityPolicy.confirmations(0)).reorgDepth(6).build();
    }
}
