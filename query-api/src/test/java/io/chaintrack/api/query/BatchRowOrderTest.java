package io.chaintrack.api.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Timestamp;
import io.chaintrack.proto.v1.TransferView;
import org.junit.jupiter.api.Test;

/** The orders the batched statements check their rows against: an address page's listing key, a history's window start. */
class BatchRowOrderTest {
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

    @Test
    void aWindowStartIsBeforeOnlyAStrictlyLaterOne() {
        Timestamp t = Timestamp.newBuilder().setSeconds(3600).setNanos(5).build();
        assertThat(Rows.before(t, Timestamp.newBuilder().setSeconds(3601).build())).isTrue();
        assertThat(Rows.before(t, Timestamp.newBuilder().setSeconds(3600).setNanos(6).build())).isTrue();
        assertThat(Rows.before(t, t)).as("the same window twice is out of order").isFalse();
        assertThat(Rows.before(t, Timestamp.newBuilder().setSeconds(3600).setNanos(4).build())).isFalse();
        assertThat(Rows.before(t, Timestamp.newBuilder().setSeconds(3599).setNanos(999_999_999).build())).isFalse();
    }
}
