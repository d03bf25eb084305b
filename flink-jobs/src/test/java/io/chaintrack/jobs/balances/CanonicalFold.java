package io.chaintrack.jobs.balances;

import io.chaintrack.core.model.TokenStandards;
import io.chaintrack.core.model.BalanceKey;
import io.chaintrack.core.model.TransferEffects;
import io.chaintrack.core.model.Uint256;
import io.chaintrack.proto.v1.ChainEvent;
import io.chaintrack.proto.v1.ChainEventType;
import io.chaintrack.proto.v1.TokenStandard;
import io.chaintrack.proto.v1.Transfer;
import java.math.BigInteger;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The expected tables, computed without Flink: replay the events onto a stack per chain to find the
 * canonical chain, then fold its transfers in block order into balances, windows, totals and NFT owners.
 */
final class CanonicalFold {
    record Account(long chainId, String address, String token, BigInteger tokenId) {}

    record WindowKey(Account account, int seconds, long startMs) {}

    record Window(BigInteger delta, BigInteger balance, long in, long out, BigInteger volumeIn, BigInteger volumeOut) {}

    record TokenKey(long chainId, String token) {}

    record TokenTotals(String standard, long transfers, BigInteger volume) {}

    record ChainTotals(long blocks, long transfers, long firstBlock, long lastBlock, long lastBlockTimeMs) {}

    record Delta(long timeMs, long blockNumber, BigInteger amount) {}

    record NftKey(long chainId, String token, BigInteger tokenId) {}

    record NftOwner(String owner, long lastMoveBlock) {}

    /** Every block seen (canonical or not), by hash. */
    final Map<String, ChainEvent> blocks = new LinkedHashMap<>();
    final Set<String> canonicalHashes = new HashSet<>();
    final Map<Long, List<ChainEvent>> canonical = new HashMap<>();
    final Map<Account, List<Delta>> history = new HashMap<>();
    final Map<Account, BigInteger> balances = new HashMap<>();
    final Map<WindowKey, Window> windows = new HashMap<>();
    final Map<TokenKey, TokenTotals> tokens = new HashMap<>();
    final Map<Long, ChainTotals> chains = new HashMap<>();
    /** Owner of every ERC-721 id moved on the canonical chain: the receiver of its last canonical transfer. */
    final Map<NftKey, NftOwner> nftOwners = new HashMap<>();

    CanonicalFold(List<ChainEvent> events, List<Integer> windowSeconds) {
        Map<Long, Deque<ChainEvent>> stacks = new HashMap<>();
        for (ChainEvent e : events) {
            long chain = e.getBlock().getChainId();
            Deque<ChainEvent> stack = stacks.computeIfAbsent(chain, c -> new ArrayDeque<>());
            blocks.putIfAbsent(e.getBlock().getHash(), e);
            if (e.getType() == ChainEventType.CHAIN_EVENT_TYPE_APPLIED) {
                stack.push(e);
            } else {
                ChainEvent top = stack.pop();
                if (!top.getBlock().getHash().equals(e.getBlock().getHash())) {
                    throw new IllegalStateException("scenario reverts a block that is not the head: " + e.getBlock().getHash());
                }
            }
        }
        stacks.forEach((chain, stack) -> {
            List<ChainEvent> list = new ArrayList<>(stack);
            list.sort(Comparator.comparingLong(e -> e.getBlock().getNumber()));
            canonical.put(chain, list);
            list.forEach(e -> canonicalHashes.add(e.getBlock().getHash()));
        });

        for (var entry : canonical.entrySet()) {
            long chain = entry.getKey();
            List<ChainEvent> list = entry.getValue();
            long transfers = 0;
            for (ChainEvent e : list) {
                long timeMs = e.getBlock().getTimestamp() * 1000L;
                for (Transfer t : e.getTransfersList()) {
                    transfers++;
                    BigInteger amount = TransferEffects.amount(t);
                    apply(chain, TransferEffects.senderKey(chain, t), timeMs, e.getBlock().getNumber(), amount.negate(), false, amount, windowSeconds);
                    apply(chain, TransferEffects.receiverKey(chain, t), timeMs, e.getBlock().getNumber(), amount, true, amount, windowSeconds);
                    if (t.getStandard() == TokenStandard.TOKEN_STANDARD_ERC721) {
                        nftOwners.put(new NftKey(chain, t.getToken(), Uint256.decode(t.getTokenId())),
                                new NftOwner(t.getToAddress(), e.getBlock().getNumber()));
                    }
                    tokens.merge(new TokenKey(chain, t.getToken()),
                            new TokenTotals(TokenStandards.name(t.getStandard()), 1, amount),
                            (a, b) -> new TokenTotals(a.standard(), a.transfers() + 1, a.volume().add(b.volume())));
                }
            }
            ChainEvent last = list.get(list.size() - 1);
            chains.put(chain, new ChainTotals(list.size(), transfers, list.get(0).getBlock().getNumber(),
                    last.getBlock().getNumber(), last.getBlock().getTimestamp() * 1000L));
        }
        // balance at each window's end, from the whole canonical history of the account
        windows.replaceAll((key, w) -> new Window(w.delta(),
                balanceBefore(key.account(), key.startMs() + key.seconds() * 1000L),
                w.in(), w.out(), w.volumeIn(), w.volumeOut()));
    }

    private void apply(long chain, BalanceKey key, long timeMs, long blockNumber, BigInteger signed, boolean incoming,
                       BigInteger amount, List<Integer> windowSeconds) {
        Account account = new Account(chain, key.address(), key.token(), key.tokenId());
        history.computeIfAbsent(account, a -> new ArrayList<>()).add(new Delta(timeMs, blockNumber, signed));
        balances.merge(account, signed, BigInteger::add);
        for (int seconds : windowSeconds) {
            long size = seconds * 1000L;
            long start = Math.floorDiv(timeMs, size) * size;
            Window add = new Window(signed, BigInteger.ZERO, incoming ? 1 : 0, incoming ? 0 : 1,
                    incoming ? amount : BigInteger.ZERO, incoming ? BigInteger.ZERO : amount);
            windows.merge(new WindowKey(account, seconds, start), add, (a, b) -> new Window(a.delta().add(b.delta()),
                    BigInteger.ZERO, a.in() + b.in(), a.out() + b.out(), a.volumeIn().add(b.volumeIn()),
                    a.volumeOut().add(b.volumeOut())));
        }
    }

    /** The account's balance after every canonical block with a time before {@code endMs}. */
    BigInteger balanceBefore(Account account, long endMs) {
        BigInteger sum = BigInteger.ZERO;
        for (Delta d : history.getOrDefault(account, List.of())) {
            if (d.timeMs() < endMs) {
                sum = sum.add(d.amount());
            }
        }
        return sum;
    }

    /** The highest canonical block that moved the account's balance. */
    long lastCanonicalBlock(Account account) {
        return history.getOrDefault(account, List.of()).stream().mapToLong(Delta::blockNumber).max().orElse(-1);
    }

    long head(long chain) {
        return chains.get(chain).lastBlock();
    }
}
