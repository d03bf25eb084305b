package io.chaintrack.connectors.evm.testkit;

import static io.chaintrack.connectors.evm.testkit.HardhatChain.addr;
import static io.chaintrack.connectors.evm.testkit.HardhatChain.call;
import static io.chaintrack.connectors.evm.testkit.HardhatChain.u;

import io.chaintrack.core.model.Addresses;
import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Compares a {@link BalanceFold} with the node's own answers at every block of a range: ERC-20 balanceOf and
 * totalSupply, ERC-721 balanceOf and ownerOf, ERC-1155 balanceOf per id, and eth_getBalance (fees included),
 * either relative to a baseline block before the first folded one or, with {@link #ABSOLUTE}, as folded from
 * block 0's genesis transfers on.
 */
public final class NodeBalances {
    private NodeBalances() {}

    /** No baseline: the fold holds every native balance change since genesis. */
    public static final long ABSOLUTE = -1;

    private record Check(HardhatChain.Read read, Supplier<BigInteger> expected, String what) {}

    public static List<String> mismatches(HardhatChain chain, BalanceFold fold, ChainScenario s, List<String> ethHolders,
                                          long baseline, long fromBlock, long toBlock) throws IOException {
        List<Check> checks = new ArrayList<>();
        List<HardhatChain.Read> baseReads = new ArrayList<>();
        for (String h : ethHolders) {
            baseReads.add(new HardhatChain.Read(h, null, Math.max(0, baseline)));
        }
        List<BigInteger> base = baseline == ABSOLUTE
                ? java.util.Collections.nCopies(ethHolders.size(), BigInteger.ZERO) : chain.readAll(baseReads);
        for (long b = fromBlock; b <= toBlock; b++) {
            final long block = b;
            for (String h : s.holders()) {
                checks.add(new Check(new HardhatChain.Read(s.erc20(), call("balanceOf", addr(h)), b),
                        () -> fold.balance(s.erc20(), h, block), "ERC-20 balanceOf(" + h + ")"));
                checks.add(new Check(new HardhatChain.Read(s.erc721(), call("balanceOf", addr(h)), b),
                        () -> fold.balance(s.erc721(), h, block), "ERC-721 balanceOf(" + h + ")"));
                for (BigInteger id : s.multiIds()) {
                    checks.add(new Check(new HardhatChain.Read(s.erc1155(), call("balanceOf", addr(h), u(id)), b),
                            () -> fold.balance(s.erc1155(), h, id, block), "ERC-1155 balanceOf(" + h + ", " + id + ")"));
                }
            }
            checks.add(new Check(new HardhatChain.Read(s.erc20(), call("totalSupply"), b),
                    () -> fold.minted(s.erc20(), block), "ERC-20 totalSupply"));
            for (long id = 1; id <= s.nftIdsMinted(); id++) {
                BigInteger tokenId = BigInteger.valueOf(id);
                checks.add(new Check(new HardhatChain.Read(s.erc721(), call("ownerOf", u(tokenId)), b),
                        () -> ownerFromFold(fold, s, tokenId, block), "ERC-721 ownerOf(" + id + ")"));
            }
            for (int i = 0; i < ethHolders.size(); i++) {
                String h = ethHolders.get(i);
                BigInteger start = base.get(i);
                checks.add(new Check(new HardhatChain.Read(h, null, b),
                        () -> start.add(fold.balance(Addresses.NATIVE, h, block)), "eth_getBalance(" + h + ")"));
            }
        }
        List<HardhatChain.Read> reads = new ArrayList<>();
        for (Check c : checks) {
            reads.add(c.read());
        }
        List<BigInteger> actual = chain.readAll(reads);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < checks.size(); i++) {
            BigInteger a = actual.get(i) == null ? BigInteger.ZERO : actual.get(i);
            BigInteger e = checks.get(i).expected().get();
            if (!a.equals(e)) {
                out.add("block " + checks.get(i).read().block() + " " + checks.get(i).what() + ": node " + a
                        + ", folded events " + e);
            }
        }
        return out;
    }

    /** ownerOf answers the address as a number; 0 (or a revert, read as 0) when nobody owns the id. */
    private static BigInteger ownerFromFold(BalanceFold fold, ChainScenario s, BigInteger id, long block) {
        for (String h : s.holders()) {
            if (fold.balance(s.erc721(), h, id, block).equals(BigInteger.ONE)) {
                return new BigInteger(h.substring(2), 16);
            }
        }
        return BigInteger.ZERO;
    }
}
