package io.chaintrack.connectors.evm.fetch;

import static org.assertj.core.api.Assertions.assertThat;

import io.chaintrack.connectors.evm.EvmChainConfig;
import io.chaintrack.connectors.evm.EvmMetrics;
import io.chaintrack.connectors.evm.testkit.HardhatChain;
import io.chaintrack.connectors.evm.testkit.HardhatNode;
import io.chaintrack.core.model.Uint256;
import io.chaintrack.proto.v1.Transfer;
import io.chaintrack.proto.v1.TransferKind;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.math.BigInteger;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.web3j.protocol.core.methods.response.EthBlock;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/**
 * Native value transfers and fee transfers switch separately: one ETH transfer mined on a real Hardhat node (EIP-1559
 * fees, so a burnt base fee and a priority fee to the coinbase) is read with each combination, and the amounts are
 * checked against the node's own transaction and receipt.
 */
class FeeTransfersSwitchTest {
    private static final BigInteger VALUE = new BigInteger("1234567890123456789");

    @Test
    void feesAndNativeValueTransfersAreSwitchedSeparately() throws Exception {
        try (HardhatNode node = HardhatNode.start(); HardhatChain chain = new HardhatChain(node.url())) {
            List<String> accounts = chain.accounts();
            String from = accounts.get(3);
            String to = accounts.get(4);
            String tx = chain.send(from, to, VALUE, null);
            TransactionReceipt receipt = chain.receipt(tx);
            long n = receipt.getBlockNumber().longValueExact();
            EthBlock.Block block = chain.block(n);
            BigInteger feePaid = receipt.getGasUsed().multiply(new BigInteger(receipt.getEffectiveGasPrice().substring(2), 16));
            BigInteger burnt = receipt.getGasUsed().multiply(block.getBaseFeePerGas());
            assertThat(burnt.signum()).as("Hardhat burns a base fee").isPositive();
            assertThat(feePaid.subtract(burnt).signum()).as("and pays a priority fee").isPositive();

            // defaults: value transfer and both fee transfers
            List<Transfer> all = read(node, n, b -> b);
            assertThat(kinds(all)).containsExactlyInAnyOrder(TransferKind.TRANSFER_KIND_CALL,
                    TransferKind.TRANSFER_KIND_FEE, TransferKind.TRANSFER_KIND_BURN);
            assertThat(sum(all, TransferKind.TRANSFER_KIND_FEE).add(sum(all, TransferKind.TRANSFER_KIND_BURN))).isEqualTo(feePaid);
            assertThat(sum(all, TransferKind.TRANSFER_KIND_BURN)).isEqualTo(burnt);

            // fees off: the value transfer stays, exactly as the node has it; no fee or burn is emitted
            List<Transfer> noFees = read(node, n, b -> b.fees(false));
            assertThat(noFees).hasSize(1);
            Transfer value = noFees.get(0);
            assertThat(value.getKind()).isEqualTo(TransferKind.TRANSFER_KIND_CALL);
            assertThat(value.getFromAddress()).isEqualTo(from.toLowerCase(Locale.ROOT));
            assertThat(value.getToAddress()).isEqualTo(to.toLowerCase(Locale.ROOT));
            assertThat(Uint256.decode(value.getAmount())).isEqualTo(VALUE);
            assertThat(value.getTxHash()).isEqualTo(tx.toLowerCase(Locale.ROOT));

            // native value transfers off, fees on: only what the sender paid for gas
            List<Transfer> feesOnly = read(node, n, b -> b.nativeTransfers(false).fees(true));
            assertThat(kinds(feesOnly)).containsExactlyInAnyOrder(TransferKind.TRANSFER_KIND_FEE, TransferKind.TRANSFER_KIND_BURN);
            assertThat(sum(feesOnly, TransferKind.TRANSFER_KIND_FEE).add(sum(feesOnly, TransferKind.TRANSFER_KIND_BURN)))
                    .isEqualTo(feePaid);

            // native transfers off alone still means no native coin movement at all (fees follow it)
            assertThat(read(node, n, b -> b.nativeTransfers(false))).isEmpty();
        }
    }

    private static List<Transfer> read(HardhatNode node, long n,
                                       java.util.function.UnaryOperator<EvmChainConfig.Builder> options) {
        EvmChainConfig config = options.apply(EvmChainConfig.builder(31337, "fees").endpoint(node.url())).build();
        try (RpcChainReader reader = new RpcChainReader(config, EvmMetrics.on(new PrometheusRegistry()))) {
            Fetched f = reader.fetch(n, n);
            assertThat(f.events()).hasSize(1);
            return f.events().get(0).getTransfersList();
        }
    }

    private static List<TransferKind> kinds(List<Transfer> transfers) {
        return transfers.stream().map(Transfer::getKind).toList();
    }

    private static BigInteger sum(List<Transfer> transfers, TransferKind kind) {
        return transfers.stream().filter(t -> t.getKind() == kind).map(t -> Uint256.decode(t.getAmount()))
                .reduce(BigInteger.ZERO, BigInteger::add);
    }
}
