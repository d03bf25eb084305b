package io.chaintrack.jobs.analytics;

import io.chaintrack.jobs.analytics.model.FinalBlock;
import io.chaintrack.jobs.analytics.model.LedgerBlock;
import io.chaintrack.jobs.analytics.model.TransferFact;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;

/** Final blocks and ledger blocks made by hand for harness tests of the functions behind the finalizer. */
public final class Blocks {
    private Blocks() {}

    public static TransferFact fact(String token, String from, String to, long amount) {
        return new TransferFact(token, 2, from, to, BigInteger.valueOf(amount), BigInteger.ZERO, 0, 0, "", 0, "0xtx");
    }

    public static TransferFact fact1155(String token, String from, String to, long amount, long id) {
        return new TransferFact(token, 4, from, to, BigInteger.valueOf(amount), BigInteger.valueOf(id), 0, 0, "", 0, "0xtx");
    }

    public static FinalBlock block(long chain, long number, long time, TransferFact... transfers) {
        return new FinalBlock(chain, number, Chains.hash(chain, number, 0), time, 100 * number, number == 0 ? -1 : 12,
                number + 1, 0, true, List.of(transfers));
    }

    public static LedgerBlock ledger(FinalBlock b, int newWindowActive, int newDayActive, int newAddresses) {
        return new LedgerBlock(b, newAddresses, 0, 0, 0, newDayActive, newWindowActive, Map.of());
    }
}
