package io.chaintrack.connectors.reconcile;

import static io.chaintrack.connectors.evm.rpc.BalanceCalls.hex;
import static io.chaintrack.connectors.evm.rpc.BalanceCalls.word;

import com.fasterxml.jackson.databind.JsonNode;
import io.chaintrack.connectors.evm.rpc.BalanceCalls;
import io.chaintrack.connectors.evm.rpc.RpcClient;
import io.chaintrack.connectors.evm.rpc.RpcRequest;
import io.chaintrack.connectors.evm.rpc.RpcResult;
import io.chaintrack.core.model.Addresses;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compares what chaintrack stored in PostgreSQL with what the node answers, through the chain's one rate-limited
 * {@link RpcClient}. At block B, chaintrack's latest canonical block when the run starts, it checks:
 * <ul>
 * <li>balances (current_balances) of every (account, token, id) a canonical transfer of the recent blocks touched, and
 * of the parties of every transfer in seeded random older blocks: native with eth_getBalance, ERC-20 and ERC-721
 * counts with balanceOf, ERC-1155 with balanceOf(account, id); owners (nft_owners) of the ERC-721 ids among them with
 * ownerOf. A row last changed after B is compared at its own block. The zero address is skipped: it is the ledger's
 * source of mints, genesis allocations and withdrawals and the sink of burns, so its stored balance is not a node balance.
 * On a chain followed from a start block S (watch-only), the balance compared is the one the API serves, current plus
 * the opening balance at S - 1, and only where the account's history below S is known (its wallet history sync is
 * done, and either its history reaches S - 1 for that kind of token or the opening balance was read from the node
 * at S - 1); any other balance is counted as without history, neither proven nor a mismatch;</li>
 * <li>that no stored balance of any other account is negative;</li>
 * <li>completeness: no gap and no broken parent link among the chain's canonical blocks, the node's hash at every
 * checked block equal to chaintrack's, and the transfer rows of every checked block equal to the count its block row
 * says the pipeline received. chaintrack stores no transaction or log rows, so those counts are not compared.</li>
 * </ul>
 * Reads only; its one write is the run's report ({@link ReconciliationStore}).
 */
public final class Reconciler {
    private static final Logger LOG = LoggerFactory.getLogger(Reconciler.class);
    private static final String OWNER_OF = "0x6352211e";

    private final ReconciliationStore store;
    private final RpcClient rpc;
    private final ReconcileOptions options;
    private final Clock clock;

    /** One balance: an account's holding of a token (id 0 unless ERC-1155). */
    record BalanceKey(String address, String token, String standard, BigInteger tokenId) {}

    /** One ERC-721 token id. */
    record NftKey(String token, BigInteger tokenId) {}

    /** What chaintrack holds for a key: the value and the block it is valid from (-1: no row). */
    record Stored(String value, long block) {}

    record Block(long number, String hash, String parentHash, int transferCount) {}

    public Reconciler(ReconciliationStore store, RpcClient rpc, ReconcileOptions options) {
        this(store, rpc, options, Clock.systemUTC());
    }

    Reconciler(ReconciliationStore store, RpcClient rpc, ReconcileOptions options, Clock clock) {
        this.store = store;
        this.rpc = rpc;
        this.options = options;
        this.clock = clock;
    }

    /** Runs once and stores the report; a failure is a FAILED report, never an exception. */
    public ReconciliationReport run() {
        Instant started = clock.instant();
        long runId = -1;
        Run run = new Run();
        try (Connection c = store.connect()) {
            runId = store.start(c, options.chainId(), started, options.seed());
            Block head = latest(c);
            if (head == null) {
                throw new IllegalStateException("chain " + options.chainId() + " has no canonical block stored yet");
            }
            run.block = head;
            completeness(c, run);
            balances(c, run);
            negativeBalances(c, run);
            ReconciliationReport report = report(runId, started, run, null);
            store.finish(c, report, options.maxMismatchesStored());
            return report;
        } catch (Exception e) {
            LOG.warn("reconciliation of chain {} failed: {}", options.chainId(), e.toString());
            ReconciliationReport report = report(runId, started, run, e.getMessage() == null ? e.toString() : e.getMessage());
            try (Connection c = store.connect()) {
                if (runId < 0) {
                    runId = store.start(c, options.chainId(), started, options.seed());
                    report = report(runId, started, run, report.error());
                }
                store.finish(c, report, options.maxMismatchesStored());
            } catch (Exception stored) {
                LOG.warn("could not store the failed reconciliation run: {}", stored.toString());
            }
            return report;
        }
    }

    private static final class Run {
        Block block;
        List<Long> sampled = List.of();
        final Set<String> accounts = new HashSet<>();
        long balances;
        long withoutHistory;
        long owners;
        final Set<Long> blocksChecked = new TreeSet<>();
        final List<Mismatch> mismatches = new ArrayList<>();
    }

    private ReconciliationReport report(long runId, Instant started, Run run, String error) {
        BigInteger largest = BigInteger.ZERO;
        for (Mismatch m : run.mismatches) {
            if (m.difference() != null && (Mismatch.BALANCE.equals(m.check()) || Mismatch.NEGATIVE_BALANCE.equals(m.check()))) {
                largest = largest.max(m.difference().abs());
            }
        }
        String status = error != null ? ReconciliationReport.FAILED
                : run.mismatches.isEmpty() ? ReconciliationReport.OK : ReconciliationReport.MISMATCH;
        return new ReconciliationReport(runId, options.chainId(), started, clock.instant(),
                run.block == null ? null : run.block.number(), run.block == null ? null : run.block.hash(), status, error,
                run.accounts.size(), run.balances, run.withoutHistory, run.owners, run.blocksChecked.size(), run.mismatches.size(), largest,
                options.seed(), List.copyOf(run.mismatches));
    }

    private Block latest(Connection c) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("SELECT block_number, block_hash, parent_hash, transfer_count"
                + " FROM blocks WHERE chain_id = ? AND canonical ORDER BY block_number DESC LIMIT 1")) {
            st.setLong(1, options.chainId());
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() ? new Block(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getInt(4)) : null;
            }
        }
    }

    // ---------------------------------------------------------------- completeness

    private void completeness(Connection c, Run run) throws SQLException {
        long b = run.block.number();
        // gaps and broken links over every canonical block stored for the chain (one ordered index scan)
        try (PreparedStatement st = c.prepareStatement("SELECT block_number, block_hash, parent_hash, prev_number, prev_hash FROM ("
                + " SELECT block_number, block_hash, parent_hash, lag(block_number) OVER w AS prev_number,"
                + " lag(block_hash) OVER w AS prev_hash FROM blocks WHERE chain_id = ? AND canonical AND block_number <= ?"
                + " WINDOW w AS (ORDER BY block_number)) s"
                + " WHERE prev_number IS NOT NULL AND (block_number <> prev_number + 1 OR parent_hash <> prev_hash)"
                + " ORDER BY block_number LIMIT ?")) {
            st.setLong(1, options.chainId());
            st.setLong(2, b);
            st.setInt(3, options.maxMismatchesStored());
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    long n = rs.getLong(1);
                    long prev = rs.getLong(4);
                    if (n == prev) {
                        run.mismatches.add(new Mismatch(Mismatch.BLOCK_LINK, null, null, null, "one canonical block",
                                "two canonical blocks (" + rs.getString(5) + ", " + rs.getString(2) + ")", null, n,
                                "two canonical blocks at one height"));
                    } else if (n != prev + 1) {
                        run.mismatches.add(new Mismatch(Mismatch.BLOCK_GAP, null, null, null, Long.toString(prev + 1),
                                Long.toString(n), null, prev + 1, "canonical blocks " + (prev + 1) + ".." + (n - 1)
                                + " are missing"));
                    } else {
                        run.mismatches.add(new Mismatch(Mismatch.BLOCK_LINK, null, null, null, rs.getString(5),
                                rs.getString(3), null, n, "parent_hash is not the hash of canonical block " + prev));
                    }
                }
            }
        }
        // recent blocks and the seeded history sample: hash against the node, transfer rows against the block row
        List<Long> numbers = new ArrayList<>();
        for (long n = Math.max(first(c), b - options.recentBlocks() + 1); n <= b; n++) {
            numbers.add(n);
        }
        run.sampled = sampleBlocks(c, b - options.recentBlocks());
        numbers.addAll(run.sampled);
        Map<Long, Block> stored = storedBlocks(c, numbers);
        List<RpcRequest> requests = new ArrayList<>();
        for (long n : numbers) {
            requests.add(RpcRequest.of("eth_getBlockByNumber", hex(n), false));
        }
        List<RpcResult> answers = rpc.batch(requests);
        for (int i = 0; i < numbers.size(); i++) {
            long n = numbers.get(i);
            Block mine = stored.get(n);
            if (mine == null) {
                continue; // a gap, reported above
            }
            run.blocksChecked.add(n);
            JsonNode node = answers.get(i).orThrow();
            String nodeHash = node == null || node.isNull() ? "none" : node.path("hash").asText();
            if (!nodeHash.equalsIgnoreCase(mine.hash())) {
                run.mismatches.add(new Mismatch(Mismatch.BLOCK_HASH, null, null, null, nodeHash, mine.hash(), null, n,
                        "chaintrack's canonical block is not the node's (a reorg it missed, or one in progress)"));
            }
        }
        Map<String, Long> rows = transferRows(c, stored.values().stream().map(Block::hash).toList());
        for (Block blk : stored.values()) {
            long count = rows.getOrDefault(blk.hash(), 0L);
            if (count != blk.transferCount()) {
                run.mismatches.add(Mismatch.numeric(Mismatch.TRANSFER_COUNT, null, null, null,
                        BigInteger.valueOf(blk.transferCount()), BigInteger.valueOf(count), blk.number(),
                        "transfer rows of block " + blk.hash() + " against the count its block row was written with"));
            }
        }
    }

    private long first(Connection c) throws SQLException {
        try (PreparedStatement st = c.prepareStatement(
                "SELECT block_number FROM blocks WHERE chain_id = ? AND canonical ORDER BY block_number LIMIT 1")) {
            st.setLong(1, options.chainId());
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        }
    }

    /** {@code sampleBlocks} distinct block numbers in [first, below], drawn by the run's seed. */
    private List<Long> sampleBlocks(Connection c, long below) throws SQLException {
        long lo = first(c);
        if (below < lo || options.sampleBlocks() == 0) {
            return List.of();
        }
        long span = below - lo + 1;
        Random random = new Random(options.seed());
        Set<Long> out = new LinkedHashSet<>();
        int wanted = (int) Math.min(options.sampleBlocks(), span);
        while (out.size() < wanted) {
            out.add(lo + Math.floorMod(random.nextLong(), span));
        }
        return new ArrayList<>(out);
    }

    private Map<Long, Block> storedBlocks(Connection c, List<Long> numbers) throws SQLException {
        Map<Long, Block> out = new LinkedHashMap<>();
        try (PreparedStatement st = c.prepareStatement("SELECT block_number, block_hash, parent_hash, transfer_count"
                + " FROM blocks WHERE chain_id = ? AND canonical AND block_number = ANY (?)")) {
            st.setLong(1, options.chainId());
            st.setArray(2, c.createArrayOf("bigint", numbers.toArray()));
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getLong(1), new Block(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getInt(4)));
                }
            }
        }
        return out;
    }

    private Map<String, Long> transferRows(Connection c, List<String> hashes) throws SQLException {
        Map<String, Long> out = new HashMap<>();
        try (PreparedStatement st = c.prepareStatement("SELECT block_hash, count(*) FROM transfers"
                + " WHERE chain_id = ? AND block_hash = ANY (?) GROUP BY block_hash")) {
            st.setLong(1, options.chainId());
            st.setArray(2, c.createArrayOf("text", hashes.toArray()));
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getLong(2));
                }
            }
        }
        return out;
    }

    // ---------------------------------------------------------------- balances

    private void balances(Connection c, Run run) throws Exception {
        long b = run.block.number();
        long firstIndexed = firstIndexed(c);
        Set<BalanceKey> keys = new LinkedHashSet<>();
        Set<NftKey> nfts = new LinkedHashSet<>();
        try (PreparedStatement st = c.prepareStatement("SELECT from_address, to_address, token, standard, token_id"
                + " FROM transfers WHERE chain_id = ? AND canonical AND (block_number BETWEEN ? AND ? OR block_number = ANY (?))")) {
            st.setLong(1, options.chainId());
            // from the first indexed block: rows below it are a wallet's synced history, not blocks the pipeline followed
            st.setLong(2, Math.max(firstIndexed, b - options.recentBlocks() + 1));
            st.setLong(3, b);
            st.setArray(4, c.createArrayOf("bigint", run.sampled.toArray()));
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    String standard = rs.getString(4);
                    String token = rs.getString(3);
                    BigDecimal id = rs.getBigDecimal(5);
                    BigInteger balanceId = "ERC1155".equals(standard) ? id.toBigIntegerExact() : BigInteger.ZERO;
                    for (String address : List.of(rs.getString(1), rs.getString(2))) {
                        if (!Addresses.ZERO.equals(address)) {
                            keys.add(new BalanceKey(address, token, standard, balanceId));
                        }
                    }
                    if ("ERC721".equals(standard) && id != null) {
                        nfts.add(new NftKey(token, id.toBigIntegerExact()));
                    }
                }
            }
        }
        History history = history(c, firstIndexed, keys);
        List<BalanceKey> balanceKeys = new ArrayList<>();
        for (BalanceKey k : keys) {
            if (history.known(k)) {
                balanceKeys.add(k);
            } else {
                run.withoutHistory++;
            }
        }
        List<NftKey> nftKeys = new ArrayList<>(nfts);
        Map<BalanceKey, Stored> storedBalances = storedBalances(c, balanceKeys);
        Map<NftKey, Stored> storedOwners = storedOwners(c, nftKeys);
        List<Mismatch> suspects = new ArrayList<>();
        Set<BalanceKey> suspectKeys = new LinkedHashSet<>();
        Set<NftKey> suspectNfts = new LinkedHashSet<>();
        compare(b, balanceKeys, storedBalances, nftKeys, storedOwners, run, suspects, suspectKeys, suspectNfts, true);
        if (suspects.isEmpty()) {
            return;
        }
        // the tables are written by separate sinks: a row may trail the block row by a flush. Read the suspects again
        // after the settle time; a row that moved is compared again at its new block, one that did not stays a mismatch
        Thread.sleep(options.settle().toMillis());
        List<BalanceKey> again = new ArrayList<>(suspectKeys);
        List<NftKey> againNfts = new ArrayList<>(suspectNfts);
        Map<BalanceKey, Stored> reread = storedBalances(c, again);
        Map<NftKey, Stored> rereadOwners = storedOwners(c, againNfts);
        List<BalanceKey> moved = new ArrayList<>();
        List<NftKey> movedNfts = new ArrayList<>();
        for (Mismatch m : suspects) {
            if (m.check().equals(Mismatch.NFT_OWNER)) {
                NftKey k = new NftKey(m.token(), m.tokenId());
                if (rereadOwners.get(k).equals(storedOwners.get(k))) {
                    run.mismatches.add(m);
                } else {
                    movedNfts.add(k);
                }
            } else {
                BalanceKey k = suspectKey(m, balanceKeys);
                if (reread.get(k).equals(storedBalances.get(k))) {
                    run.mismatches.add(m);
                } else {
                    moved.add(k);
                }
            }
        }
        if (!moved.isEmpty() || !movedNfts.isEmpty()) {
            List<Mismatch> still = new ArrayList<>();
            compare(b, moved, reread, movedNfts, rereadOwners, run, still, new HashSet<>(), new HashSet<>(), false);
            run.mismatches.addAll(still);
        }
    }

    private static BalanceKey suspectKey(Mismatch m, List<BalanceKey> keys) {
        for (BalanceKey k : keys) {
            if (k.address().equals(m.address()) && k.token().equals(m.token())
                    && k.tokenId().equals(m.tokenId() == null ? BigInteger.ZERO : m.tokenId())) {
                return k;
            }
        }
        throw new IllegalStateException("no key for " + m);
    }

    /** Asks the node for every key at max(B, the row's block) and adds each disagreement to {@code out}. */
    private void compare(long b, List<BalanceKey> keys, Map<BalanceKey, Stored> stored, List<NftKey> nfts,
                         Map<NftKey, Stored> owners, Run run, List<Mismatch> out, Set<BalanceKey> outKeys,
                         Set<NftKey> outNfts, boolean count) {
        List<RpcRequest> requests = new ArrayList<>();
        List<Long> at = new ArrayList<>();
        for (BalanceKey k : keys) {
            long block = Math.max(b, stored.get(k).block());
            at.add(block);
            requests.add(BalanceCalls.request(k.address(), k.token(), k.standard(), k.tokenId(), block));
        }
        for (NftKey k : nfts) {
            long block = Math.max(b, owners.get(k).block());
            at.add(block);
            requests.add(RpcRequest.of("eth_call", Map.of("to", k.token(), "data", OWNER_OF + word(k.tokenId())), hex(block)));
        }
        List<RpcResult> answers = rpc.batch(requests);
        for (int i = 0; i < keys.size(); i++) {
            BalanceKey k = keys.get(i);
            RpcResult r = answers.get(i);
            BigInteger node = BalanceCalls.quantity(r);
            if (node == null) {
                LOG.debug("reconciliation: {} not verifiable ({})", k, r.error());
                continue;
            }
            if (count) {
                run.balances++;
                run.accounts.add(k.address());
            }
            BigInteger mine = new BigInteger(stored.get(k).value());
            if (!node.equals(mine)) {
                out.add(Mismatch.numeric(Mismatch.BALANCE, k.address(), k.token(),
                        "ERC1155".equals(k.standard()) ? k.tokenId() : null, node, mine, at.get(i),
                        stored.get(k).block() < 0 ? "no current_balances row" : k.standard()));
                outKeys.add(k);
            }
        }
        for (int j = 0; j < nfts.size(); j++) {
            NftKey k = nfts.get(j);
            RpcResult r = answers.get(keys.size() + j);
            // ownerOf reverts for a burnt or never-minted id: chaintrack then holds the zero address as owner
            String node = r.ok() && r.result() != null && r.result().asText().length() >= 42
                    ? "0x" + r.result().asText().substring(r.result().asText().length() - 40).toLowerCase() : Addresses.ZERO;
            if (count) {
                run.owners++;
            }
            String mine = owners.get(k).value();
            if (!node.equals(mine)) {
                out.add(new Mismatch(Mismatch.NFT_OWNER, mine, k.token(), k.tokenId(), node, mine, null,
                        at.get(keys.size() + j), owners.get(k).block() < 0 ? "no nft_owners row" : null));
                outNfts.add(k);
            }
        }
    }

    /**
     * Whose history below the chain's first indexed block is known: everyone's on a chain indexed from block 0;
     * otherwise, once an account's wallet history sync is done, its tokens when the sync's node logs reach S − 1, its
     * native balance when the explorer passes (transactions and internal transfers) do too, and any balance whose
     * opening row the sync read from the node itself at S − 1 (source 'node': exact whatever no explorer lists).
     */
    private record History(long firstBlock, Map<String, long[]> synced, Set<List<Object>> fromNode) {
        boolean known(BalanceKey k) {
            if (firstBlock <= 0) {
                return true;
            }
            long[] through = synced.get(k.address());
            return through != null && (("NATIVE".equals(k.standard()) ? through[1] : through[0]) >= firstBlock - 1
                    || fromNode.contains(List.of(k.address(), k.token(), k.tokenId())));
        }
    }

    /** The chain's start block as the pipeline counts it (chain_totals), the wallet history sync's S. */
    private long firstIndexed(Connection c) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("SELECT first_block FROM chain_totals WHERE chain_id = ?")) {
            st.setLong(1, options.chainId());
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() ? rs.getLong(1) : first(c);
            }
        }
    }

    private History history(Connection c, long firstBlock, Set<BalanceKey> keys) throws SQLException {
        Map<String, long[]> synced = new HashMap<>();
        if (firstBlock > 0 && !keys.isEmpty()) {
            try (PreparedStatement st = c.prepareStatement("SELECT address, logs_through, LEAST(native_through, internal_through)"
                    + " FROM wallet_syncs WHERE chain_id = ? AND state = 'done' AND address = ANY (?)")) {
                st.setLong(1, options.chainId());
                st.setArray(2, c.createArrayOf("text", keys.stream().map(BalanceKey::address).distinct().toArray()));
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        synced.put(rs.getString(1), new long[] {rs.getLong(2), rs.getLong(3)});
                    }
                }
            }
        }
        Set<List<Object>> fromNode = new HashSet<>();
        if (!synced.isEmpty()) {
            try (PreparedStatement st = c.prepareStatement("SELECT address, token, token_id FROM opening_balances"
                    + " WHERE chain_id = ? AND source = 'node' AND address = ANY (?)")) {
                st.setLong(1, options.chainId());
                st.setArray(2, c.createArrayOf("text", synced.keySet().toArray()));
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        fromNode.add(List.of(rs.getString(1), rs.getString(2), rs.getBigDecimal(3).toBigIntegerExact()));
                    }
                }
            }
        }
        return new History(firstBlock, synced, fromNode);
    }

    /** The balance the API serves for each key (current plus opening), and the block its current row is valid from. */
    private Map<BalanceKey, Stored> storedBalances(Connection c, List<BalanceKey> keys) throws SQLException {
        Map<BalanceKey, Stored> out = new HashMap<>();
        for (BalanceKey k : keys) {
            out.put(k, new Stored("0", -1));
        }
        if (keys.isEmpty()) {
            return out;
        }
        try (PreparedStatement st = c.prepareStatement("SELECT k.address, k.token, k.token_id,"
                + " COALESCE(cb.balance, 0) + COALESCE(ob.balance, 0), COALESCE(cb.block_number, -1)"
                + " FROM unnest(?::text[], ?::text[], ?::numeric[]) AS k(address, token, token_id)"
                + " LEFT JOIN current_balances cb ON cb.chain_id = ? AND cb.address = k.address AND cb.token = k.token"
                + " AND cb.token_id = k.token_id"
                + " LEFT JOIN opening_balances ob ON ob.chain_id = ? AND ob.address = k.address AND ob.token = k.token"
                + " AND ob.token_id = k.token_id WHERE cb.balance IS NOT NULL OR ob.balance IS NOT NULL")) {
            st.setArray(1, c.createArrayOf("text", keys.stream().map(BalanceKey::address).toArray()));
            st.setArray(2, c.createArrayOf("text", keys.stream().map(BalanceKey::token).toArray()));
            st.setArray(3, c.createArrayOf("numeric", keys.stream().map(k -> new BigDecimal(k.tokenId())).toArray()));
            st.setLong(4, options.chainId());
            st.setLong(5, options.chainId());
            Map<List<Object>, BalanceKey> byId = new HashMap<>();
            for (BalanceKey k : keys) {
                byId.put(List.of(k.address(), k.token(), k.tokenId()), k);
            }
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    BalanceKey k = byId.get(List.of(rs.getString(1), rs.getString(2), rs.getBigDecimal(3).toBigIntegerExact()));
                    if (k != null) {
                        out.put(k, new Stored(rs.getBigDecimal(4).toBigIntegerExact().toString(), rs.getLong(5)));
                    }
                }
            }
        }
        return out;
    }

    private Map<NftKey, Stored> storedOwners(Connection c, List<NftKey> keys) throws SQLException {
        Map<NftKey, Stored> out = new HashMap<>();
        for (NftKey k : keys) {
            out.put(k, new Stored(Addresses.ZERO, -1));
        }
        if (keys.isEmpty()) {
            return out;
        }
        try (PreparedStatement st = c.prepareStatement("SELECT o.token, o.token_id, o.owner, o.block_number"
                + " FROM unnest(?::text[], ?::numeric[]) AS k(token, token_id)"
                + " JOIN nft_owners o ON o.chain_id = ? AND o.token = k.token AND o.token_id = k.token_id")) {
            st.setArray(1, c.createArrayOf("text", keys.stream().map(NftKey::token).toArray()));
            st.setArray(2, c.createArrayOf("numeric", keys.stream().map(k -> new BigDecimal(k.tokenId())).toArray()));
            st.setLong(3, options.chainId());
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    out.put(new NftKey(rs.getString(1), rs.getBigDecimal(2).toBigIntegerExact()),
                            new Stored(rs.getString(3), rs.getLong(4)));
                }
            }
        }
        return out;
    }

    /**
     * Every served balance below zero, the zero address's excepted (negative by construction). On a watch-only chain a
     * current row is a change since the start block, negative for an account that spent older funds: only balances
     * whose history is known (as in {@link History}) are held to zero or more.
     */
    private void negativeBalances(Connection c, Run run) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("SELECT cb.address, cb.token, cb.token_id, cb.standard,"
                + " cb.balance + COALESCE(ob.balance, 0) AS served, cb.block_number FROM current_balances cb"
                + " LEFT JOIN opening_balances ob ON ob.chain_id = cb.chain_id AND ob.address = cb.address"
                + " AND ob.token = cb.token AND ob.token_id = cb.token_id"
                + " LEFT JOIN chain_totals ct ON ct.chain_id = cb.chain_id"
                + " WHERE cb.chain_id = ? AND cb.balance + COALESCE(ob.balance, 0) < 0 AND cb.address <> ?"
                + " AND (COALESCE(ct.first_block, 0) <= 0 OR EXISTS (SELECT 1 FROM wallet_syncs s"
                + " WHERE s.chain_id = cb.chain_id AND s.address = cb.address AND s.state = 'done'"
                + " AND (ob.source = 'node' OR CASE WHEN cb.standard = 'NATIVE' THEN LEAST(s.native_through, s.internal_through)"
                + " ELSE s.logs_through END >= ct.first_block - 1)))"
                + " ORDER BY served LIMIT ?")) {
            st.setLong(1, options.chainId());
            st.setString(2, Addresses.ZERO);
            st.setInt(3, options.maxMismatchesStored());
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    BigInteger balance = rs.getBigDecimal(5).toBigIntegerExact();
                    run.mismatches.add(Mismatch.numeric(Mismatch.NEGATIVE_BALANCE, rs.getString(1), rs.getString(2),
                            "ERC1155".equals(rs.getString(4)) ? rs.getBigDecimal(3).toBigIntegerExact() : null,
                            BigInteger.ZERO, balance, rs.getLong(6), "a stored balance below zero (no chain allows one)"));
                }
            }
        }
    }
}
