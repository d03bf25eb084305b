package io.chaintrack.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.chaintrack.embedded.EmbeddedPostgresServer;
import io.chaintrack.proto.v1.Direction;
import io.chaintrack.proto.v1.ListAddressTransfersRequest;
import io.chaintrack.proto.v1.ListAddressTransfersResponse;
import io.chaintrack.proto.v1.TransferView;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Keyset paging while the pipeline keeps writing: new blocks land between page requests (on top of the
 * chain, so before the cursor), orphaned rows land in the unseen part, and the walk still returns
 * exactly the rows that were canonical when it started, each once, in order.
 */
class PagingUnderWritesTest {
    static final String WALKER = "0x" + "7".repeat(40);
    static final String OTHER = "0x" + "8".repeat(40);
    static ApiFixture fixture;
    static EmbeddedPostgresServer postgres;
    static Clients clients;

    @BeforeAll
    static void start() throws Exception {
        fixture = ApiFixture.builder()
                .seedConnection(c -> SeedData.execute(c, "INSERT INTO chains (chain_id, name) VALUES (1, 'devnet')")).start();
        postgres = fixture.postgres;
        clients = fixture.clients;
    }

    @AfterAll
    static void stop() throws Exception {
        fixture.close();
    }

    static TransferRow row(long block, int tx, int log, String trace, int batch, String from, String to, boolean canonical) {
        return new TransferRow(1, SeedData.hash(block, canonical ? 'a' : 'e'), block, Instant.parse("2024-01-01T00:00:00Z").plusSeconds(block),
                SeedData.hash(block * 10 + tx, '9'), tx, log, trace, batch, "native", "NATIVE", from, to,
                BigInteger.valueOf(block * 1000 + tx * 10 + batch), null, null, canonical);
    }

    @Test
    void pagesStayExactWhileNewBlocksAndOrphansArrive() throws SQLException {
        List<TransferRow> initial = new ArrayList<>();
        for (long block = 1; block <= 30; block++) {
            initial.add(row(block, 0, -1, "", 0, WALKER, OTHER, true));
            initial.add(row(block, 0, 3, "", 0, OTHER, WALKER, true));
            initial.add(row(block, 0, 3, "", 1, OTHER, WALKER, true));
            if (block % 4 == 0) {
                initial.add(row(block, 2, -1, "0.1", 0, WALKER, WALKER, true));
                initial.add(row(block, 2, -1, "0.2", 0, WALKER, WALKER, true));
            }
        }
        try (Connection c = postgres.dataSource().getConnection()) {
            for (TransferRow r : initial) {
                r.insert(c);
            }
        }
        List<TransferView> expected = initial.stream().sorted(TransferRow.NEWEST_FIRST).map(TransferRow::view).toList();

        List<TransferView> walked = new ArrayList<>();
        String cursor = "";
        long nextBlock = 31;
        int pages = 0;
        do {
            Clients.Response rest = clients.get("/v1/chains/1/addresses/" + WALKER + "/transfers?limit=9"
                    + (cursor.isEmpty() ? "" : "&cursor=" + cursor));
            assertThat(rest.status()).isEqualTo(200);
            ListAddressTransfersResponse page = rest.parse(ListAddressTransfersResponse.newBuilder()).build();
            walked.addAll(page.getTransfersList());
            cursor = page.getNextCursor();
            pages++;
            // the chain moves on between pages: a new canonical block, and an orphan somewhere in the unseen past
            try (Connection c = postgres.dataSource().getConnection()) {
                row(nextBlock, 0, -1, "", 0, WALKER, OTHER, true).insert(c);
                row(nextBlock, 1, 5, "", 0, OTHER, WALKER, true).insert(c);
                row(Math.max(1, 30 - pages * 3), 7, 100 + pages, "", 0, WALKER, OTHER, false).insert(c);
                nextBlock++;
            }
        } while (!cursor.isEmpty());

        assertThat(walked).containsExactlyElementsOf(expected);
        assertThat(pages).isEqualTo((expected.size() + 8) / 9);

        // the same walk over gRPC, incoming only, also sees the rows added meanwhile at the top only once
        List<TransferView> incoming = new ArrayList<>();
        cursor = "";
        do {
            ListAddressTransfersResponse page = clients.transfers.listAddressTransfers(ListAddressTransfersRequest.newBuilder()
                    .setChainId(1).setAddress(WALKER).setDirection(Direction.DIRECTION_INCOMING).setLimit(4).setCursor(cursor).build());
            incoming.addAll(page.getTransfersList());
            cursor = page.getNextCursor();
        } while (!cursor.isEmpty());
        assertThat(incoming).doesNotHaveDuplicates();
        assertThat(incoming).allMatch(t -> t.getToAddress().equals(WALKER) && !t.getBlockHash().startsWith("0xeee"));
        assertThat(incoming).hasSize((int) initial.stream().filter(r -> r.to().equals(WALKER)).count() + (int) (nextBlock - 31));
    }
}
