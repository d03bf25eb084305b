package io.chaintrack.jobs.balances;

import static io.chaintrack.jobs.balances.TestEvents.ERC1155;
import static io.chaintrack.jobs.balances.TestEvents.ERC20;
import static io.chaintrack.jobs.balances.TestEvents.ERC721;
import static io.chaintrack.jobs.balances.TestEvents.T0_MS;
import static io.chaintrack.jobs.balances.TestEvents.address;

import io.chaintrack.core.model.Addresses;
import io.chaintrack.proto.v1.ChainEvent;
import io.chaintrack.proto.v1.TokenStandard;
import io.chaintrack.proto.v1.Transfer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A hand-built event stream of two chains: chain 31337 applies blocks 1..12 (block n at n x 15 min + 1 min),
 * reverts 12 (03:01) and 11 (02:46, in a window already emitted) and applies replacements 11', 12' and 13..20;
 * chain 10 applies 1..3 late (block times behind the watermark), reverts 3 and applies 3'. One more event
 * is invalid and must be rejected whole. Transfers cover ERC-20 (incl. zero amount and self-transfers),
 * ERC-721, ERC-1155 batches, native value, internal and fee transfers, and mints from the zero address.
 * ERC-721 transfers are consistent (sent by the token's owner on the canonical chain at the time), and the
 * reverted block 11 moves token id 99 twice, so undoing it in the wrong order shows in nft_owners.
 */
final class PipelineScenario {
    static final long HARDHAT = 31337;
    static final long OPTIMISM = 10;
    /** Appears only in the reverted block 11 of chain 31337. */
    static final String ORPHAN_TOKEN = address(0xdead);
    static final String ORPHAN_RECEIVER = address(0xe0e0);
    static final String[] PEOPLE = {address(0xa1), address(0xa2), address(0xa3), address(0xa4), Addresses.ZERO};
    private static final long STEP_MS = 15 * 60_000L;

    final List<ChainEvent> events = new ArrayList<>();
    /** The event the validator must reject. */
    ChainEvent invalid;

    private final Random random = new Random(20240101);
    /** Owner of each ERC-721 id ("chain:id") on the chain as built so far; restored to block 10's for the reorg. */
    private Map<String, String> nftOwners = new HashMap<>();
    private Map<String, String> ownersAtBlock10;

    PipelineScenario() {
        List<TestEvents.Block> hardhat = new ArrayList<>();
        String parent = TestEvents.hash("hardhat genesis");
        for (int n = 1; n <= 12; n++) {
            if (n == 11) {
                ownersAtBlock10 = new HashMap<>(nftOwners);
            }
            TestEvents.Block b = fill(TestEvents.block(HARDHAT, n, "b" + n, parent, time(n)), n);
            if (n == 11) {
                b.erc20(ORPHAN_TOKEN, PEOPLE[0], ORPHAN_RECEIVER, 77);
                nftMove(b, ORPHAN_RECEIVER, 99);
                nftMove(b, PEOPLE[2], 99);
            }
            hardhat.add(b);
            events.add(b.applied());
            parent = b.hash;
            if (n == 9) {
                addOptimism();
            }
        }
        // reorg: newest first, then the replacements at the same heights with other times and transfers
        events.add(hardhat.get(11).reverted());
        events.add(hardhat.get(10).reverted());
        parent = hardhat.get(9).hash;
        nftOwners = ownersAtBlock10;
        TestEvents.Block b11 = fill(TestEvents.block(HARDHAT, 11, "b11'", parent, time(11) + 4 * 60_000L), 111);
        events.add(b11.applied());
        TestEvents.Block b12 = fill(TestEvents.block(HARDHAT, 12, "b12'", b11.hash, time(12) + 4 * 60_000L), 112);
        events.add(b12.applied());
        parent = b12.hash;
        for (int n = 13; n <= 20; n++) {
            TestEvents.Block b = fill(TestEvents.block(HARDHAT, n, "b" + n, parent, time(n)), n);
            events.add(b.applied());
            parent = b.hash;
        }
        TestEvents.Block bad = TestEvents.block(HARDHAT, 21, "b21-bad", parent, time(21))
                .erc20(ERC20, PEOPLE[0], PEOPLE[1], 5);
        ChainEvent badEvent = bad.applied();
        Transfer broken = badEvent.getTransfers(0).toBuilder().setStandard(TokenStandard.TOKEN_STANDARD_UNSPECIFIED).build();
        invalid = badEvent.toBuilder().setTransfers(0, broken).build();
        events.add(invalid);
    }

    /**
     * Chain 10's blocks (00:10, 01:10, 01:30) arrive after chain 31337 moved the watermark to 02:16, so their
     * windows are emitted on arrival. Then 3 and 2 revert (landing in the emitted 01:00 window) and the
     * replacement 2' at 00:50 lands in the 00:00 window, changing the balance at the end of the emitted
     * 01:00 window of the accounts it touches.
     */
    private void addOptimism() {
        String parent = TestEvents.hash("optimism genesis");
        long[] minutes = {10, 70, 90};
        List<TestEvents.Block> blocks = new ArrayList<>();
        for (int n = 1; n <= 3; n++) {
            TestEvents.Block b = fill(TestEvents.block(OPTIMISM, n, "o" + n, parent, T0_MS + minutes[n - 1] * 60_000L), 1000 + n);
            if (n == 2) {
                b.erc20(ERC20, PEOPLE[2], PEOPLE[3], 40);
            }
            blocks.add(b);
            events.add(b.applied());
            parent = b.hash;
        }
        events.add(blocks.get(2).reverted());
        events.add(blocks.get(1).reverted());
        TestEvents.Block o2 = fill(TestEvents.block(OPTIMISM, 2, "o2'", blocks.get(0).hash, T0_MS + 50 * 60_000L), 1102)
                .erc20(ERC20, PEOPLE[3], PEOPLE[2], 15);
        events.add(o2.applied());
        TestEvents.Block o3 = fill(TestEvents.block(OPTIMISM, 3, "o3'", o2.hash, T0_MS + 100 * 60_000L), 1103);
        events.add(o3.applied());
    }

    /** Block n of chain 31337 is at n x 15 min + 1 min: 11 at 02:46 and 12 at 03:01 straddle a window end. */
    static long time(int n) {
        return T0_MS + 60_000L + n * STEP_MS;
    }

    private TestEvents.Block fill(TestEvents.Block b, int salt) {
        String a = pick();
        String c = pick();
        b.erc20(ERC20, a, c, 1 + random.nextInt(500));
        b.nativeTransfer(pick(), pick(), 1 + random.nextInt(100), "");
        switch (salt % 4) {
            case 0 -> {
                pick(); // the sender is the owner; the draw stays so the rest of the stream is unchanged
                String to = pick();
                nftMove(b, to, 1 + random.nextInt(3));
            }
            case 1 -> b.erc1155Batch(ERC1155, pick(), pick(), pick(), new long[] {1, 2}, new long[] {random.nextInt(10), 5});
            case 2 -> b.nativeTransfer(pick(), pick(), 1 + random.nextInt(50), "0." + random.nextInt(3)).nativeTransfer(pick(), Addresses.ZERO, 3, "fee");
            default -> b.erc20(ERC20, a, a, 9).erc20(ERC20, c, pick(), 0);
        }
        if (salt == 1 || salt == 1001) {
            b.erc20(ERC20, Addresses.ZERO, PEOPLE[0], 1_000_000);
            nftMove(b, PEOPLE[1], 99);
            for (int id = 1; id <= 3; id++) {
                nftMove(b, PEOPLE[id - 1], id);
            }
        }
        return b;
    }

    /** An ERC-721 transfer of {@code id} from its current owner (the zero address before its mint) to {@code to}. */
    private void nftMove(TestEvents.Block b, String to, long id) {
        String key = b.chainId + ":" + id;
        b.erc721(ERC721, nftOwners.getOrDefault(key, Addresses.ZERO), to, id);
        nftOwners.put(key, to);
    }

    private String pick() {
        return PEOPLE[random.nextInt(PEOPLE.length)];
    }
}
