package io.chaintrack.jobs.analytics;

import static io.chaintrack.jobs.analytics.Blocks.block;
import static io.chaintrack.jobs.analytics.Blocks.fact;
import static io.chaintrack.jobs.analytics.Blocks.fact1155;
import static io.chaintrack.jobs.analytics.Chains.T0;
import static io.chaintrack.jobs.analytics.Chains.address;
import static org.assertj.core.api.Assertions.assertThat;

import io.chaintrack.jobs.analytics.functions.AddressLedger;
import io.chaintrack.jobs.analytics.model.AddressEvent;
import io.chaintrack.jobs.analytics.model.FinalBlock;
import io.chaintrack.jobs.analytics.model.LedgerBlock;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class AddressLedgerTest {
    static final String TOKEN = Chains.token(0);
    static final String MULTI = Chains.token(11);

    private static KeyedOneInputStreamOperatorTestHarness<Long, FinalBlock, LedgerBlock> harness() throws Exception {
        return Harnesses.open(new AddressLedger(AnalyticsConfig.defaults()), FinalBlock::chainId, Types.LONG);
    }

    @Test
    void countsFirstsAndHoldersAndForgetsZeroBalances() throws Exception {
        var h = harness();
        String a = address(1), b = address(2), c = address(3);
        h.processElement(block(1, 0, T0, fact(TOKEN, Chains.ZERO, a, 10), fact(TOKEN, a, b, 4)), 0);
        LedgerBlock first = Harnesses.drain(h).get(0);
        assertThat(first.newAddresses()).isEqualTo(3);
        assertThat(first.newSenders()).isEqualTo(2); // zero address and a
        assertThat(first.newReceivers()).isEqualTo(2); // a and b
        assertThat(first.holdersDelta()).isEqualTo(2); // a (6) and b (4); the zero address is negative
        assertThat(first.tokenHolderDeltas()).isEqualTo(Map.of(TOKEN, 2));
        assertThat(first.newDayActive()).isEqualTo(3);

        // a sends everything away: it stops holding, its balance entry is removed; c is new
        h.processElement(block(1, 1, T0 + 12, fact(TOKEN, a, c, 6)), 1);
        LedgerBlock second = Harnesses.drain(h).get(0);
        assertThat(second.holdersDelta()).isZero(); // a off, c on
        assertThat(second.tokenHolderDeltas()).isEmpty();
        assertThat(second.newAddresses()).isEqualTo(1);
        assertThat(second.newDayActive()).as("a was active today already").isEqualTo(1);
        List<AddressEvent.Kind> kinds = h.getSideOutput(AddressLedger.ADDRESS_EVENTS).stream()
                .map(StreamRecord::getValue).filter(e -> e.address().equals(a)).map(AddressEvent::kind).toList();
        assertThat(kinds).containsExactly(AddressEvent.Kind.SEEN, AddressEvent.Kind.ACTIVE, AddressEvent.Kind.RECEIVED,
                AddressEvent.Kind.HOLDER_ON, AddressEvent.Kind.SENT, AddressEvent.Kind.HOLDER_OFF);

        // the next day: a is active again and counted once for that day
        h.processElement(block(1, 2, T0 + 86_400, fact(TOKEN, b, a, 1), fact(TOKEN, b, a, 1)), 2);
        LedgerBlock third = Harnesses.drain(h).get(0);
        assertThat(third.newDayActive()).isEqualTo(2);
        assertThat(third.holdersDelta()).isEqualTo(1);
    }

    @Test
    void anErc1155HolderHoldsWhileAnyIdIsPositive() throws Exception {
        var h = harness();
        String a = address(1), b = address(2);
        h.processElement(block(1, 0, T0, fact1155(MULTI, Chains.ZERO, a, 2, 7), fact1155(MULTI, Chains.ZERO, a, 1, 8)), 0);
        assertThat(Harnesses.drain(h).get(0).tokenHolderDeltas()).isEqualTo(Map.of(MULTI, 1));
        h.processElement(block(1, 1, T0 + 12, fact1155(MULTI, a, b, 2, 7)), 1);
        LedgerBlock b1 = Harnesses.drain(h).get(0);
        assertThat(b1.tokenHolderDeltas()).as("a still holds id 8; b now holds id 7").isEqualTo(Map.of(MULTI, 1));
        h.processElement(block(1, 2, T0 + 24, fact1155(MULTI, a, b, 1, 8)), 2);
        assertThat(Harnesses.drain(h).get(0).tokenHolderDeltas()).isEqualTo(Map.of(MULTI, -1));
    }
}
