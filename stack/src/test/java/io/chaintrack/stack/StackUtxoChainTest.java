package io.chaintrack.stack;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.util.JsonFormat;
import io.chaintrack.connectors.evm.testkit.Await;
import io.chaintrack.connectors.utxo.synthetic.SyntheticUtxoChain;
import io.chaintrack.core.config.ConfiguredCommandLine;
import io.chaintrack.proto.v1.BalanceView;
import io.chaintrack.proto.v1.GetBalancesAtResponse;
import io.chaintrack.proto.v1.ListChainsResponse;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The one-command stack with --utxo-chain follows the synthetic Bitcoin-regtest chain next to its synthetic EVM
 * chain: both are listed, and every account's balance at an indexed block of the UTXO chain equals the chain's own
 * UTXO set there.
 */
class StackUtxoChainTest {
    @TempDir
    Path dir;

    @Test
    void theStackFollowsAUtxoChainNextToTheEvmChain() throws Exception {
        CommandLine cli = ChaintrackCli.commandLine();
        ConfiguredCommandLine.parse(cli, Map.of(), "stack", "--state-dir", dir.toString(), "--http-port", "0",
                "--grpc-port", "0", "--postgres-port", "0", "--blocks-per-second", "2", "--transfers-per-block", "5",
                "--utxo-chain");
        StackCommand command = cli.getSubcommands().get("stack").getCommand();
        StateDirectory state = StateDirectory.open(dir);
        StackCommand.Stack stack = command.new Stack();
        try {
            stack.start(state);
            long utxo = StackCommand.UTXO_NETWORK.chainId();
            ApiProbe api = new ApiProbe(stack.api);
            SyntheticUtxoChain chain = stack.utxoNode.chain();
            long[] indexed = {-1};
            Await.until(() -> {
                ListChainsResponse.Builder chains = ListChainsResponse.newBuilder();
                JsonFormat.parser().merge(api.get("/v1/chains"), chains);
                boolean evm = chains.getChainsList().stream().anyMatch(c -> c.getChainId() == command.chainId() && c.getLatestBlock() > 0);
                chains.getChainsList().stream().filter(c -> c.getChainId() == utxo).forEach(c -> indexed[0] = c.getLatestBlock());
                return evm && indexed[0] >= 5;
            }, 120_000, () -> "both chains indexed; UTXO chain at " + indexed[0]);
            // a block at least the demo's reorg depth below the indexed head is settled on both sides
            long h = indexed[0] - 3;
            List<String> mismatches = new ArrayList<>();
            Await.until(() -> {
                mismatches.clear();
                for (Map.Entry<String, BigInteger> e : chain.balancesAt(h).entrySet()) {
                    GetBalancesAtResponse.Builder r = GetBalancesAtResponse.newBuilder();
                    JsonFormat.parser().merge(api.get("/v1/chains/" + utxo + "/addresses/" + e.getKey() + "/balances/at?block_number=" + h), r);
                    BigInteger served = r.getBalancesList().stream().filter(b -> b.getToken().equals("native"))
                            .map(BalanceView::getBalance).map(BigInteger::new).findFirst().orElse(BigInteger.ZERO);
                    if (!served.equals(e.getValue())) {
                        mismatches.add(e.getKey() + ": UTXO set " + e.getValue() + ", API " + served);
                    }
                }
                return mismatches.isEmpty();
            }, 30_000, () -> "balances at block " + h + ": " + mismatches);
            assertThat(chain.balancesAt(h)).hasSizeGreaterThan(3);
        } finally {
            stack.stop(state);
        }
    }
}
