package io.chaintrack.connectors.synthetic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chaintrack.core.model.Addresses;
import io.chaintrack.core.model.BalanceKey;
import io.chaintrack.core.model.TransferEffects;
import io.chaintrack.core.model.Uint256;
import io.chaintrack.proto.v1.BlockHeader;
import io.chaintrack.proto.v1.ChainEvent;
import io.chaintrack.proto.v1.ChainEventType;
import io.chaintrack.proto.v1.TokenStandard;
import io.chaintrack.proto.v1.Transfer;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SyntheticChainTest {
    /** Small, reorg-heavy chain: many reorgs, also of blocks that replaced earlier ones. */
    static final SyntheticChainConfig REORGY = SyntheticChainConfig.defaults()
            .withSeed(42)
            .withAddresses(200)
            .withTransfersPerBlock(40)
            .withReorgs(0.15, 4)
            .withBlockCount(400);

    private static List<ChainEvent> all(SyntheticChain chain) {
        List<ChainEvent> events = new ArrayList<>();
        while (chain.hasNext()) {
            events.add(chain.next());
        }
        return events;
    }

    @Test
    void sameSeedGivesByteIdenticalEventsAndAnotherSeedDoesNot() {
        List<ChainEvent> a = all(new SyntheticChain(REORGY));
        List<ChainEvent> b = all(new SyntheticChain(REORGY));
        assertThat(b).hasSameSizeAs(a);
        for (int i = 0; i < a.size(); i++) {
            assertThat(b.get(i).toByteArray()).as("event %d", i).isEqualTo(a.get(i).toByteArray());
        }
        List<ChainEvent> other = new SyntheticChain(REORGY.withSeed(43)).next(5);
        assertThat(other.get(0).getBlock().getHash()).isNotEqualTo(a.get(0).getBlock().getHash());
        assertThat(other.get(0).getTransfersList()).isNotEqualTo(a.get(0).getTransfersList());
        // pace and length do not change the sequence
        List<ChainEvent> paced = new SyntheticChain(REORGY.withBlocksPerSecond(5).withBlockCount(0)).next(a.size());
        assertThat(paced).isEqualTo(a);
    }

    @Test
    void followerViewChainsParentsAndRevertsNewestFirstWithTheAppliedTransfers() {
        SyntheticChain chain = new SyntheticChain(REORGY);
        GroundTruth truth = GroundTruth.track(chain);
        Deque<ChainEvent> canonical = new ArrayDeque<>();
        Map<String, ChainEvent> appliedByHash = new HashMap<>();
        Map<Long, Set<String>> hashesByHeight = new HashMap<>();
        String genesis = truth.genesisHash();
        int reverted = 0;
        int maxDepth = 0;
        int depth = 0;
        long lastHeadNumber = 0;
        ChainEventType previous = null;
        while (chain.hasNext()) {
            boolean predictedApplied = chain.nextIsApplied();
            ChainEvent e = chain.next();
            BlockHeader b = e.getBlock();
            assertThat(e.getType() == ChainEventType.CHAIN_EVENT_TYPE_APPLIED).isEqualTo(predictedApplied);
            assertThat(e.getHeadNumber()).isGreaterThanOrEqualTo(lastHeadNumber).isGreaterThanOrEqualTo(b.getNumber());
            lastHeadNumber = e.getHeadNumber();
            if (e.getType() == ChainEventType.CHAIN_EVENT_TYPE_APPLIED) {
                String parent = canonical.isEmpty() ? genesis : canonical.peekLast().getBlock().getHash();
                long number = canonical.isEmpty() ? 1 : canonical.peekLast().getBlock().getNumber() + 1;
                assertThat(b.getParentHash()).isEqualTo(parent);
                assertThat(b.getNumber()).isEqualTo(number);
                assertThat(b.getTimestamp()).isEqualTo(REORGY.genesisTime() + number * REORGY.blockIntervalSeconds());
                assertThat(hashesByHeight.computeIfAbsent(number, n -> new HashSet<>()).add(b.getHash()))
                        .as("a replacement block at height %d has a new hash", number).isTrue();
                assertThat(appliedByHash.put(b.getHash(), e)).isNull();
                canonical.addLast(e);
                depth = 0;
            } else {
                assertThat(e.getType()).isEqualTo(ChainEventType.CHAIN_EVENT_TYPE_REVERTED);
                ChainEvent head = canonical.pollLast();
                assertThat(head).as("REVERTED must be the current head (newest first)").isNotNull();
                assertThat(b).isEqualTo(head.getBlock());
                assertThat(e.getTransfersList()).isEqualTo(appliedByHash.get(b.getHash()).getTransfersList());
                reverted++;
                depth = previous == ChainEventType.CHAIN_EVENT_TYPE_REVERTED ? depth + 1 : 1;
                maxDepth = Math.max(maxDepth, depth);
            }
            previous = e.getType();
        }
        assertThat(canonical.peekLast().getBlock().getNumber()).isEqualTo(400);
        assertThat(reverted).isGreaterThan(20);
        assertThat(maxDepth).isBetween(2, 4);
        assertThat(hashesByHeight.values().stream().filter(s -> s.size() > 1).count()).isGreaterThan(10);
        assertThat(truth.canonicalHeaders()).containsExactlyElementsOf(canonical.stream().map(ChainEvent::getBlock).toList());
        assertThat(truth.orphanedHashes()).hasSize(reverted).doesNotContainAnyElementsOf(
                canonical.stream().map(c -> c.getBlock().getHash()).toList());
    }

    @Test
    void groundTruthEqualsFoldingTheEventStreamAndTheCanonicalTransfers() {
        SyntheticChain chain = new SyntheticChain(REORGY);
        GroundTruth truth = GroundTruth.track(chain);
        Map<BalanceKey, BigInteger> folded = new HashMap<>();
        List<List<Transfer>> canonical = new ArrayList<>();
        while (chain.hasNext()) {
            ChainEvent e = chain.next();
            int sign = e.getType() == ChainEventType.CHAIN_EVENT_TYPE_APPLIED ? 1 : -1;
            for (Transfer t : e.getTransfersList()) {
                BigInteger amount = TransferEffects.amount(t);
                folded.merge(TransferEffects.senderKey(REORGY.chainId(), t), sign > 0 ? amount.negate() : amount, BigInteger::add);
                folded.merge(TransferEffects.receiverKey(REORGY.chainId(), t), sign > 0 ? amount : amount.negate(), BigInteger::add);
            }
            if (sign > 0) {
                canonical.add(e.getTransfersList());
            } else {
                canonical.remove(canonical.size() - 1);
            }
        }
        folded.values().removeIf(v -> v.signum() == 0);
        assertThat(truth.balancesAt(truth.head())).isEqualTo(folded);

        // every key at sampled heights, against an independent fold of the canonical blocks
        Map<BalanceKey, BigInteger> running = new HashMap<>();
        for (int h = 1; h <= canonical.size(); h++) {
            for (Transfer t : canonical.get(h - 1)) {
                running.merge(TransferEffects.senderKey(REORGY.chainId(), t), TransferEffects.amount(t).negate(), BigInteger::add);
                running.merge(TransferEffects.receiverKey(REORGY.chainId(), t), TransferEffects.amount(t), BigInteger::add);
            }
            if (h % 37 == 0 || h == 1 || h == canonical.size()) {
                for (BalanceKey key : truth.keys()) {
                    assertThat(truth.balanceAt(key, h)).as("%s at %d", key, h)
                            .isEqualTo(running.getOrDefault(key, BigInteger.ZERO));
                }
                assertThat(truth.canonicalTransfers(h)).isEqualTo(canonical.get(h - 1));
            }
        }
        assertThat(truth.balancesAt(0)).isEmpty();
        assertThatThrownBy(() -> truth.balanceAt(folded.keySet().iterator().next(), truth.head() + 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not canonical");
    }

    @Test
    void transfersAreValidLikeARealChain() {
        SyntheticChain chain = new SyntheticChain(REORGY);
        GroundTruth truth = GroundTruth.track(chain);
        while (chain.hasNext()) {
            chain.next();
        }
        Map<BalanceKey, BigInteger> balance = new HashMap<>();
        Map<String, String> nftOwner = new HashMap<>();
        Set<TokenStandard> seen = new HashSet<>();
        boolean wideAmount = false;
        boolean batch = false;
        for (long h = 1; h <= truth.head(); h++) {
            BlockHeader header = truth.header(h);
            Set<String> naturalKeys = new HashSet<>();
            for (Transfer t : truth.canonicalTransfers(h)) {
                seen.add(t.getStandard());
                assertThat(t.getChainId()).isEqualTo(REORGY.chainId());
                assertThat(t.getBlockNumber()).isEqualTo(h);
                assertThat(t.getBlockHash()).isEqualTo(header.getHash());
                assertThat(t.getBlockTime()).isEqualTo(header.getTimestamp());
                assertThat(naturalKeys.add(t.getTxIndex() + "/" + t.getLogIndex() + "/" + t.getTraceAddress() + "/" + t.getBatchIndex()))
                        .as("natural key unique in block %d: %s", h, t).isTrue();
                assertThat(Addresses.isAddress(t.getFromAddress()) && Addresses.isAddress(t.getToAddress())).isTrue();
                assertThat(t.getFromAddress()).isEqualTo(t.getFromAddress().toLowerCase()).isNotEqualTo(t.getToAddress());
                assertThat(t.getAmount().size()).isBetween(1, 32);
                assertThat(t.getAmount().byteAt(0)).as("minimal encoding").isNotZero();
                wideAmount |= Uint256.decode(t.getAmount()).bitLength() > 200;
                switch (t.getStandard()) {
                    case TOKEN_STANDARD_NATIVE -> {
                        assertThat(t.getToken()).isEqualTo(Addresses.NATIVE);
                        assertThat(t.getLogIndex()).isEqualTo(-1);
                        if (t.getTraceAddress().equals("withdrawal")) {
                            assertThat(t.getFromAddress()).isEqualTo(Addresses.ZERO);
                            assertThat(t.getTxHash()).isEmpty();
                        } else {
                            assertThat(t.getTraceAddress()).isEmpty();
                            assertThat(Addresses.isHash(t.getTxHash())).isTrue();
                        }
                        assertThat(t.getTokenId()).isEmpty();
                    }
                    case TOKEN_STANDARD_ERC20 -> {
                        assertThat(Addresses.isAddress(t.getToken())).isTrue();
                        assertThat(t.getTokenId()).isEmpty();
                        assertThat(t.getOperator()).isEmpty();
                    }
                    case TOKEN_STANDARD_ERC721 -> {
                        assertThat(t.getAmount().toByteArray()).containsExactly(1);
                        String id = t.getToken() + "#" + Uint256.decode(t.getTokenId());
                        if (t.getFromAddress().equals(Addresses.ZERO)) {
                            assertThat(nftOwner).as("minted twice: %s", id).doesNotContainKey(id);
                        } else {
                            assertThat(nftOwner.get(id)).as("sender owns %s", id).isEqualTo(t.getFromAddress());
                        }
                        nftOwner.put(id, t.getToAddress());
                    }
                    case TOKEN_STANDARD_ERC1155 -> {
                        assertThat(Addresses.isAddress(t.getOperator())).isTrue();
                        assertThat(Uint256.decode(t.getTokenId())).isBetween(BigInteger.ONE, BigInteger.valueOf(8));
                        batch |= t.getBatchIndex() > 0;
                    }
                    default -> throw new AssertionError("unexpected standard " + t);
                }
                assertThat(t.getBatchIndex() == 0 || t.getStandard() == TokenStandard.TOKEN_STANDARD_ERC1155).isTrue();
                assertThat(Addresses.isHash(t.getTxHash()) || t.getTraceAddress().equals("withdrawal")).isTrue();
                // a sender never spends more than it holds at that point in the block
                BigInteger amount = TransferEffects.amount(t);
                BalanceKey from = TransferEffects.senderKey(REORGY.chainId(), t);
                BigInteger after = balance.getOrDefault(from, BigInteger.ZERO).subtract(amount);
                if (!t.getFromAddress().equals(Addresses.ZERO)) {
                    assertThat(after.signum()).as("overspend by %s in %s", from, t).isGreaterThanOrEqualTo(0);
                }
                balance.put(from, after);
                balance.merge(TransferEffects.receiverKey(REORGY.chainId(), t), amount, BigInteger::add);
            }
            assertThat(truth.canonicalTransfers(h)).hasSize(REORGY.transfersPerBlock());
        }
        assertThat(seen).containsExactlyInAnyOrder(TokenStandard.TOKEN_STANDARD_NATIVE, TokenStandard.TOKEN_STANDARD_ERC20,
                TokenStandard.TOKEN_STANDARD_ERC721, TokenStandard.TOKEN_STANDARD_ERC1155);
        assertThat(wideAmount).as("some amount uses more than 200 bits").isTrue();
        assertThat(batch).as("some ERC-1155 TransferBatch has more than one entry").isTrue();
        // and at every canonical height no real address is negative
        for (long h = 0; h <= truth.head(); h += 7) {
            truth.balancesAt(h).forEach((key, v) -> {
                if (!key.address().equals(Addresses.ZERO)) {
                    assertThat(v.signum()).as("%s", key).isPositive();
                }
            });
        }
        assertThat(truth.balancesAt(truth.head()).entrySet().stream()
                .anyMatch(e -> e.getKey().address().equals(Addresses.ZERO) && e.getValue().signum() < 0)).isTrue();
    }

    @Test
    void popularityIsZipfSkewed() {
        SyntheticChainConfig config = REORGY.withReorgs(0, 0).withAddresses(1_000).withBlockCount(200);
        Map<String, Integer> participation = new HashMap<>();
        int total = 0;
        SyntheticChain chain = new SyntheticChain(config);
        while (chain.hasNext()) {
            for (Transfer t : chain.next().getTransfersList()) {
                for (String a : List.of(t.getFromAddress(), t.getToAddress())) {
                    if (!a.equals(Addresses.ZERO)) {
                        participation.merge(a, 1, Integer::sum);
                        total++;
                    }
                }
            }
        }
        int top = participation.values().stream().max(Integer::compare).orElseThrow();
        double uniformShare = 1.0 / config.addresses();
        assertThat((double) top / total).isGreaterThan(20 * uniformShare);

        Map<String, Integer> flat = new HashMap<>();
        int flatTotal = 0;
        SyntheticChain uniform = new SyntheticChain(config.withZipfExponent(0));
        while (uniform.hasNext()) {
            for (Transfer t : uniform.next().getTransfersList()) {
                if (!t.getToAddress().equals(Addresses.ZERO)) {
                    flat.merge(t.getToAddress(), 1, Integer::sum);
                    flatTotal++;
                }
            }
        }
        assertThat((double) flat.values().stream().max(Integer::compare).orElseThrow() / flatTotal).isLessThan(5 * uniformShare);
    }

    @Test
    void snapshotRestoresTheExactContinuationAnywhereIncludingMidReorg() {
        SyntheticChain reference = new SyntheticChain(REORGY);
        List<ChainEvent> expected = all(reference);
        int checkedMidReorg = 0;
        SyntheticChain chain = new SyntheticChain(REORGY);
        for (int i = 0; i < expected.size(); i++) {
            boolean midReorg = i > 0 && expected.get(i).getType() == ChainEventType.CHAIN_EVENT_TYPE_REVERTED
                    && expected.get(i - 1).getType() == ChainEventType.CHAIN_EVENT_TYPE_REVERTED;
            if (i % 97 == 0 || (midReorg && checkedMidReorg++ < 5)) {
                SyntheticChain restored = SyntheticChain.restore(REORGY.withBlocksPerSecond(3), chain.snapshot());
                assertThat(restored.eventIndex()).isEqualTo(i);
                List<ChainEvent> continuation = restored.next(150);
                assertThat(continuation).isEqualTo(expected.subList(i, Math.min(expected.size(), i + 150)));
            }
            assertThat(chain.next()).isEqualTo(expected.get(i));
        }
        assertThat(checkedMidReorg).isPositive();
        assertThatThrownBy(() -> SyntheticChain.restore(REORGY.withSeed(7), chain.snapshot()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("different chain config");
        assertThatThrownBy(() -> SyntheticChain.restore(REORGY, new byte[] {1, 2, 3}))
                .isInstanceOf(IllegalArgumentException.class);
        byte[] truncated = java.util.Arrays.copyOf(chain.snapshot(), 100);
        assertThatThrownBy(() -> SyntheticChain.restore(REORGY, truncated))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("truncated");
        SyntheticChain restored = SyntheticChain.restore(REORGY.withBlockCount(0), chain.snapshot());
        restored.next();
        assertThatThrownBy(() -> GroundTruth.track(restored)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void boundedChainStopsAtItsBlockCount() {
        SyntheticChain chain = new SyntheticChain(REORGY.withBlockCount(25));
        GroundTruth truth = GroundTruth.track(chain);
        List<ChainEvent> events = all(chain);
        assertThat(events.get(events.size() - 1).getBlock().getNumber()).isEqualTo(25);
        assertThat(truth.head()).isEqualTo(25);
        assertThat(chain.hasNext()).isFalse();
        assertThat(chain.nextIsApplied()).isFalse();
        assertThatThrownBy(chain::next).isInstanceOf(NoSuchElementException.class);
        assertThat(chain.eventIndex()).isEqualTo(events.size());
    }

    @Test
    void balanceAtTimeIsTheBalanceAfterTheLastBlockStrictlyBefore() {
        SyntheticChain chain = new SyntheticChain(REORGY.withBlockCount(60));
        GroundTruth truth = GroundTruth.track(chain);
        all(chain);
        BalanceKey key = truth.keys().stream()
                .filter(k -> !k.address().equals(Addresses.ZERO) && truth.balanceAt(k, 30).signum() != 0)
                .findFirst().orElseThrow();
        long t30 = truth.header(30).getTimestamp();
        assertThat(truth.lastBlockBefore(Instant.ofEpochSecond(t30))).isEqualTo(29);
        assertThat(truth.lastBlockBefore(Instant.ofEpochSecond(t30).plusMillis(1))).isEqualTo(30);
        assertThat(truth.lastBlockBefore(Instant.ofEpochSecond(REORGY.genesisTime()))).isZero();
        assertThat(truth.balanceAtTime(key, Instant.ofEpochSecond(t30 + 1))).isEqualTo(truth.balanceAt(key, 30));
        assertThat(truth.balanceAtTime(key, Instant.ofEpochSecond(t30))).isEqualTo(truth.balanceAt(key, 29));
        assertThat(truth.balancesAtTime(Instant.ofEpochSecond(t30 + 1))).isEqualTo(truth.balancesAt(30));
        assertThat(truth.blockTime(30)).isEqualTo(t30);
    }

    @Test
    void configRejectsNonsenseWithAClearMessage() {
        assertThatThrownBy(() -> SyntheticChainConfig.defaults().withReorgs(0.9, 3))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("reorgProbability");
        assertThatThrownBy(() -> SyntheticChainConfig.defaults().withAddresses(1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("addresses");
        assertThatThrownBy(() -> SyntheticChainConfig.defaults().withTokens(0, 0, 0, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no token");
        assertThat(SyntheticChainConfig.defaults().chainId()).isEqualTo(SyntheticChainConfig.DEFAULT_CHAIN_ID);
    }

    @Test
    void onlySomeStandardsStillFillEveryBlock() {
        SyntheticChainConfig nativeOnly = REORGY.withTokens(0, 0, 0, true).withBlockCount(20);
        SyntheticChain chain = new SyntheticChain(nativeOnly);
        GroundTruth truth = GroundTruth.track(chain);
        all(chain);
        assertThat(truth.canonicalTransfers()).hasSize(20 * 40)
                .allMatch(t -> t.getStandard() == TokenStandard.TOKEN_STANDARD_NATIVE);
        SyntheticChain nftOnly = new SyntheticChain(REORGY.withTokens(0, 1, 0, false).withBlockCount(20));
        GroundTruth nftTruth = GroundTruth.track(nftOnly);
        all(nftOnly);
        assertThat(nftTruth.canonicalTransfers()).hasSize(20 * 40)
                .allMatch(t -> t.getStandard() == TokenStandard.TOKEN_STANDARD_ERC721);
    }
}
