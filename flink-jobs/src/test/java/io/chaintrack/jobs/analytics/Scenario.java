package io.chaintrack.jobs.analytics;

import io.chaintrack.core.model.TransferEffects;
import io.chaintrack.proto.v1.ChainEvent;
import io.chaintrack.proto.v1.ChainEventType;
import io.chaintrack.proto.v1.TokenStandard;
import io.chaintrack.proto.v1.Transfer;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * A deterministic multi-chain history with reorgs (reverts newest first, then replacement blocks), in the
 * order a follower would emit it, plus the canonical chain it ends on (the ground truth for totals).
 */
public final class Scenario {
    public final List<ChainEvent> events = new ArrayList<>();
    public final Map<Long, List<ChainEvent>> canonical = new HashMap<>();

    public static Scenario generate(long seed, long[] chains, int blocksPerChain, long blockSeconds, int addresses, int maxTransfers) {
        Scenario s = new Scenario();
        Random r = new Random(seed);
        Map<Long, List<ChainEvent>> applied = new HashMap<>();
        Map<Long, Integer> variants = new HashMap<>();
        for (long c : chains) {
            applied.put(c, new ArrayList<>());
            variants.put(c, 0);
        }
        for (int n = 0; n < blocksPerChain; n++) {
            for (long c : chains) {
                List<ChainEvent> chain = applied.get(c);
                if (chain.size() > 3 && r.nextInt(25) == 0) {
                    int depth = 1 + r.nextInt(3);
                    for (int i = 0; i < depth; i++) {
                        ChainEvent top = chain.remove(chain.size() - 1);
                        s.events.add(Chains.reverted(top));
                    }
                    variants.put(c, variants.get(c) + 1);
                    for (int i = 0; i < depth; i++) {
                        s.events.add(next(s, c, chain, variants.get(c), blockSeconds, addresses, maxTransfers, r));
                    }
                }
                s.events.add(next(s, c, chain, variants.get(c), blockSeconds, addresses, maxTransfers, r));
            }
        }
        s.canonical.putAll(applied);
        return s;
    }

    private static ChainEvent next(Scenario s, long chain, List<ChainEvent> applied, int variant, long blockSeconds,
                                   int addresses, int maxTransfers, Random r) {
        long number = applied.size();
        int parentVariant = number == 0 ? 0 : variantOf(applied.get(applied.size() - 1));
        long time = Chains.T0 + number * blockSeconds;
        List<Transfer> transfers = new ArrayList<>();
        int n = r.nextInt(maxTransfers + 1);
        for (int i = 0; i < n; i++) {
            int kind = r.nextInt(10);
            String from = r.nextInt(15) == 0 ? Chains.ZERO : Chains.address(r.nextInt(addresses));
            String to = Chains.address(r.nextInt(addresses));
            if (kind < 6) {
                // now and then a whale: the p99 detector has something to find
                long amount = (1 + r.nextInt(1_000_000)) * (r.nextInt(300) == 0 ? 1000L : 1L);
                transfers.add(Chains.erc20(Chains.token(r.nextInt(3)), from, to, amount));
            } else if (kind < 8) {
                transfers.add(Chains.transfer("native", TokenStandard.TOKEN_STANDARD_NATIVE, from, to,
                        BigInteger.valueOf(1 + r.nextInt(1000)).multiply(BigInteger.TEN.pow(18)), BigInteger.ZERO));
            } else if (kind < 9) {
                transfers.add(Chains.transfer(Chains.token(10), TokenStandard.TOKEN_STANDARD_ERC721, from, to,
                        BigInteger.ONE, BigInteger.valueOf(r.nextInt(50))));
            } else {
                transfers.add(Chains.transfer(Chains.token(11), TokenStandard.TOKEN_STANDARD_ERC1155, from, to,
                        BigInteger.valueOf(1 + r.nextInt(5)), BigInteger.valueOf(r.nextInt(4))));
            }
        }
        ChainEvent e = Chains.block(ChainEventType.CHAIN_EVENT_TYPE_APPLIED, chain, number, variant, parentVariant, time,
                21_000L * (1 + n), transfers);
        applied.add(e);
        return e;
    }

    private static int variantOf(ChainEvent e) {
        return (int) Long.parseLong(e.getBlock().getHash().substring(2 + 32, 2 + 48), 16);
    }

    /** Ground truth per (chain, token) over the canonical chain: transfers, volume, senders, receivers, holders. */
    public record TokenTruth(long transfers, BigInteger volume, long senders, long receivers, long holders) {}

    public Map<String, TokenTruth> tokenTruth(long chain) {
        Map<String, long[]> counts = new HashMap<>();
        Map<String, BigInteger> volumes = new HashMap<>();
        Map<String, Set<String>> senders = new HashMap<>();
        Map<String, Set<String>> receivers = new HashMap<>();
        Map<String, BigInteger> balances = new HashMap<>();
        for (ChainEvent e : canonical.get(chain)) {
            for (Transfer t : e.getTransfersList()) {
                counts.computeIfAbsent(t.getToken(), k -> new long[1])[0]++;
                volumes.merge(t.getToken(), TransferEffects.amount(t), BigInteger::add);
                senders.computeIfAbsent(t.getToken(), k -> new HashSet<>()).add(t.getFromAddress());
                receivers.computeIfAbsent(t.getToken(), k -> new HashSet<>()).add(t.getToAddress());
                String id = TransferEffects.balanceTokenId(t).toString();
                balances.merge(t.getToken() + "|" + id + "|" + t.getFromAddress(), TransferEffects.amount(t).negate(), BigInteger::add);
                balances.merge(t.getToken() + "|" + id + "|" + t.getToAddress(), TransferEffects.amount(t), BigInteger::add);
            }
        }
        Map<String, Set<String>> holders = new HashMap<>();
        balances.forEach((k, v) -> {
            if (v.signum() > 0) {
                String[] p = k.split("\\|");
                holders.computeIfAbsent(p[0], x -> new HashSet<>()).add(p[2]);
            }
        });
        Map<String, TokenTruth> out = new HashMap<>();
        for (String token : counts.keySet()) {
            out.put(token, new TokenTruth(counts.get(token)[0], volumes.get(token), senders.get(token).size(),
                    receivers.get(token).size(), holders.getOrDefault(token, Set.of()).size()));
        }
        return out;
    }
}
