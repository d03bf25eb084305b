package io.chaintrack.jobs.balances;

import static io.chaintrack.jobs.balances.TestEvents.ERC20;
import static io.chaintrack.jobs.balances.TestEvents.ERC721;
import static io.chaintrack.jobs.balances.TestEvents.T0_MS;
import static io.chaintrack.jobs.balances.TestEvents.address;
import static io.chaintrack.jobs.balances.TestEvents.big;
import static org.assertj.core.api.Assertions.assertThat;

import io.chaintrack.core.model.Addresses;
import io.chaintrack.connectors.postgres.rows.NftOwnerRow;
import io.chaintrack.proto.v1.ChainEvent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.Test;

/** The ERC-721 ownership rule: APPLIED hands tokens to {@code to}; REVERTED hands them back, last transfer first. */
class NftOwnerRowsTest {
    private static final String ALICE = address(0xa1);
    private static final String BOB = address(0xb0b);
    private static final String CAROL = address(0xca);
    private static final String DAVE = address(0xd0);

    private static List<NftOwnerRow> rows(ChainEvent event) {
        List<NftOwnerRow> out = new ArrayList<>();
        new NftOwnerRows().flatMap(event, new Collector<>() {
            @Override
            public void collect(NftOwnerRow r) {
                out.add(r);
            }

            @Override
            public void close() {}
        });
        return out;
    }

    /** What the upsert sink leaves: the last row per key wins. */
    private static void upsert(Map<String, NftOwnerRow> table, List<NftOwnerRow> rows) {
        rows.forEach(r -> table.put(r.chainId() + ":" + r.token() + ":" + r.tokenId(), r));
    }

    @Test
    void revertOfABlockMovingOneTokenTwiceRestoresTheOwnerBeforeTheBlock() {
        TestEvents.Block mint = TestEvents.block(1, 5, "b5", TestEvents.hash("b4"), T0_MS)
                .erc721(ERC721, Addresses.ZERO, ALICE, 7)
                .erc20(ERC20, ALICE, BOB, 3); // not an NFT: no row
        TestEvents.Block twice = TestEvents.block(1, 6, "b6", mint.hash, T0_MS + 12_000)
                .erc721(ERC721, ALICE, BOB, 7)
                .erc721(ERC721, DAVE, CAROL, 8) // another id in the same block
                .erc721(ERC721, BOB, CAROL, 7);

        Map<String, NftOwnerRow> table = new HashMap<>();
        upsert(table, rows(mint.applied()));
        assertThat(table.values()).containsExactly(new NftOwnerRow(1, ERC721, big(7), ALICE, 5, T0_MS));

        List<NftOwnerRow> applied = rows(twice.applied());
        assertThat(applied).extracting(NftOwnerRow::owner).containsExactly(BOB, CAROL, CAROL);
        upsert(table, applied);
        assertThat(table.get("1:" + ERC721 + ":7")).isEqualTo(new NftOwnerRow(1, ERC721, big(7), CAROL, 6, T0_MS + 12_000));

        List<NftOwnerRow> reverted = rows(twice.reverted());
        // undone in reverse: BOB (undoing BOB -> CAROL) before ALICE (undoing ALICE -> BOB), valid at the parent
        assertThat(reverted).containsExactly(
                new NftOwnerRow(1, ERC721, big(7), BOB, 5, T0_MS + 12_000),
                new NftOwnerRow(1, ERC721, big(8), DAVE, 5, T0_MS + 12_000),
                new NftOwnerRow(1, ERC721, big(7), ALICE, 5, T0_MS + 12_000));
        upsert(table, reverted);
        assertThat(table.get("1:" + ERC721 + ":7").owner()).isEqualTo(ALICE);
        assertThat(table.get("1:" + ERC721 + ":7").blockNumber()).isEqualTo(5);
        assertThat(table.get("1:" + ERC721 + ":8").owner()).isEqualTo(DAVE);
    }

    @Test
    void aBurnKeepsItsRowOwnedByTheZeroAddressAndARevertedMintToo() {
        TestEvents.Block burn = TestEvents.block(1, 9, "b9", TestEvents.hash("b8"), T0_MS)
                .erc721(ERC721, ALICE, Addresses.ZERO, 1)
                .erc721(ERC721, Addresses.ZERO, BOB, 2);
        assertThat(rows(burn.applied())).extracting(NftOwnerRow::owner).containsExactly(Addresses.ZERO, BOB);
        assertThat(rows(burn.reverted())).containsExactly(
                new NftOwnerRow(1, ERC721, big(2), Addresses.ZERO, 8, T0_MS),
                new NftOwnerRow(1, ERC721, big(1), ALICE, 8, T0_MS));
    }
}
