package io.chaintrack.connectors.utxo;

import static org.assertj.core.api.Assertions.assertThat;

import io.chaintrack.connectors.evm.reorg.TailFollower;
import io.chaintrack.connectors.utxo.synthetic.SyntheticUtxoChain;
import io.chaintrack.core.model.Uint256;
import io.chaintrack.core.utxo.UtxoAddresses;
import io.chaintrack.proto.v1.ChainEvent;
import io.chaintrack.proto.v1.ChainEventType;
import io.chaintrack.proto.v1.Transfer;
import io.chaintrack.proto.v1.TransferKind;
import java.math.BigInteger;
import java.util.HashMap;
import java.util.Map;

/** Balances from the emitted events; after each canonical block, compared with the chain's UTXO set. */
final class UtxoLedger {
    final SyntheticUtxoChain chain;
    final Map<String, BigInteger> balances = new HashMap<>();
    final java.util.Set<TransferKind> kinds = new java.util.HashSet<>();
    final Map<Long, String> held = new HashMap<>();
    int checkedBlocks;
    int reverted;

    /** Per-block checks need events in chain order, which a source reading splits in parallel does not give. */
    final boolean checkEachBlock;

    UtxoLedger(SyntheticUtxoChain chain, boolean checkEachBlock) {
        this.chain = chain;
        this.checkEachBlock = checkEachBlock;
    }

    void drain(TailFollower follower) {
        for (int i = 0; i < 1_000; i++) {
            TailFollower.Step step = follower.step();
            for (ChainEvent e : step.events()) {
                apply(e);
            }
            if (step.idle() && follower.next() > chain.height()) {
                return;
            }
        }
        throw new AssertionError("the follower did not reach the head " + chain.height());
    }

    synchronized void apply(ChainEvent e) {
        boolean revert = e.getType() == ChainEventType.CHAIN_EVENT_TYPE_REVERTED;
        for (Transfer t : e.getTransfersList()) {
            BigInteger amount = Uint256.decode(t.getAmount());
            if (revert) {
                amount = amount.negate();
            }
            balances.merge(t.getFromAddress(), amount.negate(), BigInteger::add);
            balances.merge(t.getToAddress(), amount, BigInteger::add);
            kinds.add(t.getKind());
        }
        long h = e.getBlock().getNumber();
        if (revert) {
            held.remove(h);
            reverted++;
            return;
        }
        held.put(h, e.getBlock().getHash());
        SyntheticUtxoChain.Block canonical = chain.block(h);
        if (checkEachBlock && canonical != null && e.getBlock().getHash().equals("0x" + canonical.hash())) {
            assertThat(balances()).as("balances after block %d", h).isEqualTo(chain.balancesAt(h));
            checkedBlocks++;
        }
    }

    synchronized Map<String, BigInteger> balances() {
        Map<String, BigInteger> out = new HashMap<>(balances);
        // the mint's pseudo-account is minus everything ever minted; the UTXO set has no such entry
        out.remove(UtxoAddresses.COINBASE);
        out.values().removeIf(v -> v.signum() == 0);
        return out;
    }

    /** Whether the events so far end at the chain's current head block. */
    synchronized boolean atHead() {
        SyntheticUtxoChain.Block head = chain.block(chain.height());
        return ("0x" + head.hash()).equals(held.get(head.height())) && held.keySet().stream().allMatch(n -> n <= head.height());
    }
}
