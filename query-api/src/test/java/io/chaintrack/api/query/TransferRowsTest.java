package io.chaintrack.api.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.chaintrack.proto.v1.TransferView;
import org.junit.jupiter.api.Test;

/** The numeric listing-key order the batched address pages check their rows against. */
class TransferRowsTest {
    static TransferView row(long block, int tx, int log, int batch, String trace) {
        return TransferView.newBuilder().setBlockNumber(block).setTxIndex(tx).setLogIndex(log).setBatchIndex(batch)
                .setTraceAddress(trace).build();
    }

    @Test
    void aRowListsAfterEveryNewerOneAndTiesLeaveTheTraceToTheDatabase() {
        TransferView row = row(10, 3, 5, 1, "0");
        // each key part in turn makes the second row newer, so it would list first: out of order
        assertThat(TransferRows.newerFirst(row, row(11, 0, 0, 0, ""))).isPositive();
        assertThat(TransferRows.newerFirst(row, row(10, 4, 0, 0, ""))).isPositive();
        assertThat(TransferRows.newerFirst(row, row(10, 3, 6, 0, ""))).isPositive();
        assertThat(TransferRows.newerFirst(row, row(10, 3, 5, 2, ""))).isPositive();
        // older in any part: in order, whatever the later parts say
        assertThat(TransferRows.newerFirst(row, row(9, 99, 99, 99, "9"))).isNegative();
        assertThat(TransferRows.newerFirst(row, row(10, 2, 99, 99, ""))).isNegative();
        assertThat(TransferRows.newerFirst(row, row(10, 3, 4, 99, ""))).isNegative();
        assertThat(TransferRows.newerFirst(row, row(10, 3, 5, 0, ""))).isNegative();
        assertThat(TransferRows.newerFirst(row, row(10, 3, 5, 1, "1,2"))).isZero();
    }
}
