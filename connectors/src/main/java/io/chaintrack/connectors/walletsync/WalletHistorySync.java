package io.chaintrack.connectors.walletsync;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chaintrack.connectors.evm.EvmChainConfig;
import io.chaintrack.connectors.evm.decode.EvmTransferMapper;
import io.chaintrack.connectors.evm.rpc.BalanceCalls;
import io.chaintrack.connectors.evm.rpc.RpcClient;
import io.chaintrack.connectors.evm.rpc.RpcRequest;
import io.chaintrack.connectors.evm.rpc.RpcResult;
import io.chaintrack.connectors.postgres.PostgresSinks;
import io.chaintrack.connectors.postgres.copy.CollapsingUpsertSink;
import io.chaintrack.connectors.postgres.rows.TransferRow;
import io.chaintrack.core.model.Addresses;
import io.chaintrack.core.model.TokenStandards;
import io.chaintrack.core.model.TransferEffects;
import io.chaintrack.core.model.TransferKinds;
import io.chaintrack.core.model.Uint256;
import io.chaintrack.proto.v1.TokenStandard;
import io.chaintrack.proto.v1.Transfer;
import io.chaintrack.proto.v1.TransferKind;
import java.io.IOException;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import org.web3j.protocol.core.methods.response.Log;

/**
 * Backfills one account's history below its chain's first indexed block S, which the pipeline never saw: token
 * transfers through the node ({@code eth_getLogs} with the address in a from or to topic, range by range) and native
 * value, fees and internal value through an Etherscan-compatible explorer (txlist, txlistinternal, paged by block
 * ranges under the explorer's result window). Each record becomes the {@link Transfer} of the event model the
 * follower would have emitted (same natural key, kind and amount; fees split into FEE and BURN with the block's base
 * fee) and is written through the one upsert sink into {@code transfers}; the cursors are saved after each chunk is
 * committed, so a killed sync resumes after the last chunk and rewrites at most that chunk, idempotently.
 *
 * <p>Exactness: history rows all lie below S and the pipeline's all at or above it, so none is counted by both; when
 * every phase is through S − 1 the opening balance (the balance at S − 1) is the node's own answer at S − 1 where it
 * serves that state (an archive node), else the sum of the account's distinct history rows, and is stored in the same
 * transaction that marks the sync done. The API serves current balance = opening balance + the pipeline's running
 * balance since S, which is the node's balance. A history sum misses native income no explorer lists (block
 * production, withdrawals, genesis allocations); the node's answer does not, and the sync's reason names any difference.
 */
public final class WalletHistorySync {
    private static final ObjectMapper JSON = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    static final String TXLIST = "txlist";
    static final String TXLIST_INTERNAL = "txlistinternal";

    private final EvmChainConfig chain;
    private final RpcClient rpc;
    private final ExplorerClient explorer;
    private final WalletSyncStore store;
    private final EvmTransferMapper mapper;
    private final int logRange;

    /** @param explorer null: native history is not synced (token transfers only), which the sync's reason says */
    public WalletHistorySync(EvmChainConfig chain, RpcClient rpc, ExplorerClient explorer, WalletSyncStore store,
                             EvmTransferMapper mapper) {
        this.chain = chain;
        this.rpc = rpc;
        this.explorer = explorer;
        this.store = store;
        this.mapper = mapper;
        this.logRange = Math.max(1, chain.maxLogRange());
    }

    /** Whether native history is synced (an explorer is configured); token history always is. */
    public boolean syncsNative() {
        return explorer != null;
    }

    /** Outcome of {@link #run}: finished (done), stopped on request, or waiting for the chain's first indexed block. */
    public enum Outcome { DONE, STOPPED, WAITING }

    /**
     * Runs {@code job} from its persisted cursors until done or {@code stop} says so (checked between chunks). Errors
     * propagate; the caller decides whether they fail the job.
     */
    public Outcome run(WalletSyncStore.Job job, BooleanSupplier stop) throws IOException {
        Long first = store.firstIndexedBlock(job.chainId()).orElse(null);
        if (first == null) {
            return Outcome.WAITING;
        }
        long target = first - 1;
        WalletSyncStore.Job j = with(job, target, job.logsThrough(), job.nativeThrough(), job.internalThrough(),
                job.nativePage(), job.internalPage(), job.recordsDone());
        if (job.targetBlock() == null || job.targetBlock() != target) {
            store.save(j);
        }
        try (CollapsingUpsertSink.Writer<TransferRow> writer = CollapsingUpsertSink.standaloneWriter(PostgresSinks.TRANSFERS, store.db())) {
            while (j.logsThrough() < target) {
                if (stop.getAsBoolean()) {
                    return Outcome.STOPPED;
                }
                long from = j.logsThrough() + 1;
                long to = Math.min(target, from + logRange - 1);
                int n = write(writer, logTransfers(j.address(), from, to));
                j = with(j, target, to, j.nativeThrough(), j.internalThrough(), j.nativePage(), j.internalPage(), j.recordsDone() + n);
                store.save(j);
            }
            if (explorer != null) {
                while (j.nativeThrough() < target) {
                    if (stop.getAsBoolean()) {
                        return Outcome.STOPPED;
                    }
                    j = explorerStep(writer, j, TXLIST);
                    store.save(j);
                }
                while (j.internalThrough() < target) {
                    if (stop.getAsBoolean()) {
                        return Outcome.STOPPED;
                    }
                    j = explorerStep(writer, j, TXLIST_INTERNAL);
                    store.save(j);
                }
            }
        } catch (Exception e) {
            if (e instanceof IOException io) {
                throw io;
            }
            if (e instanceof RuntimeException r) {
                throw r;
            }
            throw new IOException(e);
        }
        Instant openingTime = target < 0 ? Instant.EPOCH : Instant.ofEpochSecond(hex(block(target).path("timestamp")).longValueExact());
        Openings openings = openings(j.address(), first, store.historySums(j, first, explorer != null));
        store.finish(j, first, openingTime, openings.rows(), openings.note(), webhookBody(j, "done", openings.note()));
        return Outcome.DONE;
    }

    /** The opening balances to store and the sync's reason, which says where they differ from history or fell back to it. */
    record Openings(List<WalletSyncStore.Opening> rows, String note) {}

    private static final int NOTED_DIFFERENCES = 3;

    /**
     * The account's balances at S − 1 as the node holds them (native always, even without an explorer or when 0, and
     * every (token, id) of its history below S), read through the one RPC client before the finishing transaction.
     * A balance the node does not answer (a JSON-RPC error: pruned state on a non-archive node; a revert; not 32 bytes)
     * is the history sum instead, and native without an explorer then has no opening balance at all.
     */
    Openings openings(String address, long first, List<WalletSyncStore.Opening> history) {
        long target = first - 1;
        List<WalletSyncStore.Opening> keys = new ArrayList<>();
        WalletSyncStore.Opening nativeHistory = null;
        for (WalletSyncStore.Opening h : history) {
            if (h.token().equals(Addresses.NATIVE)) {
                nativeHistory = h;
            } else {
                keys.add(h);
            }
        }
        keys.add(0, nativeHistory != null ? nativeHistory
                : new WalletSyncStore.Opening(Addresses.NATIVE, BigInteger.ZERO, "NATIVE", explorer != null ? BigInteger.ZERO : null,
                        WalletSyncStore.Opening.HISTORY));
        List<RpcResult> answers;
        if (target < 0) {
            answers = null; // S = 0: there is no state below it, and no history either
        } else {
            List<RpcRequest> requests = new ArrayList<>();
            for (WalletSyncStore.Opening k : keys) {
                requests.add(BalanceCalls.request(address, k.token(), k.standard(), k.tokenId(), target));
            }
            answers = rpc.batch(requests);
        }
        List<WalletSyncStore.Opening> rows = new ArrayList<>();
        List<String> differences = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        String refusal = null;
        boolean nativeFromNode = false;
        for (int i = 0; i < keys.size(); i++) {
            WalletSyncStore.Opening k = keys.get(i);
            boolean isNative = i == 0;
            BigInteger node = answers == null ? null : BalanceCalls.quantity(answers.get(i));
            if (node != null) {
                rows.add(k.withNode(node));
                nativeFromNode |= isNative;
                if (k.balance() != null && !k.balance().equals(node)) {
                    differences.add((isNative ? "native" : "token " + k.token() + ("ERC1155".equals(k.standard()) ? " id " + k.tokenId() : ""))
                            + ": history below block " + first + " sums to " + k.balance() + ", the node holds " + node
                            + " at " + target + (isNative ? " (income the explorer does not list: block production,"
                            + " withdrawals, genesis)" : ""));
                }
                continue;
            }
            if (answers != null && refusal == null) {
                RpcResult r = answers.get(i);
                refusal = r.ok() ? "not a 32-byte answer" : r.error().toString();
                refusal = refusal.length() > 120 ? refusal.substring(0, 120) + "..." : refusal;
            }
            if (k.balance() != null) {
                rows.add(k);
                if (answers != null) {
                    refused.add(isNative ? "native" : k.token());
                }
            }
        }
        List<String> parts = new ArrayList<>();
        if (explorer == null) {
            parts.add(nativeFromNode
                    ? "no explorer is configured (chaintrack.wallet-sync.explorer-url): native history below block " + first
                    + " is not listed, the native opening balance is the node's at " + target
                    : "token history only: no explorer is configured (chaintrack.wallet-sync.explorer-url)"
                    + (answers == null ? "" : " and the node has no state at block " + target + " (" + refusal + ")")
                    + ", so the native balance counts only blocks from " + first);
        }
        for (int i = 0; i < Math.min(NOTED_DIFFERENCES, differences.size()); i++) {
            parts.add(differences.get(i));
        }
        if (differences.size() > NOTED_DIFFERENCES) {
            parts.add((differences.size() - NOTED_DIFFERENCES) + " more tokens differ likewise");
        }
        if (!refused.isEmpty()) {
            parts.add("the node does not answer balances at block " + target + " (" + refusal + "; state pruned on a non-archive"
                    + " node?) for " + (refused.size() == 1 ? refused.get(0) : refused.get(0) + " and " + (refused.size() - 1) + " more")
                    + ": their opening balances are summed from history");
        }
        return new Openings(rows, String.join("; ", parts));
    }

    /** The JSON body delivered to a wallet's webhook when its sync ends ({wallet_id} is filled per wallet). */
    static String webhookBody(WalletSyncStore.Job j, String state, String reason) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("event", "wallet.sync." + state);
        body.put("wallet_id", "{wallet_id}");
        body.put("chain_id", j.chainId());
        body.put("address", j.address());
        body.put("state", state);
        body.put("reason", reason);
        body.put("generation", j.generation());
        body.put("target_block", j.targetBlock());
        body.put("records_done", j.recordsDone());
        body.put("finished_at", Instant.now().toString());
        try {
            return JSON.writeValueAsString(body);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static WalletSyncStore.Job with(WalletSyncStore.Job j, long target, long logs, long nat, long internal,
                                            int nativePage, int internalPage, long records) {
        return new WalletSyncStore.Job(j.chainId(), j.address(), j.generation(), j.state(), target, logs, nat, internal,
                nativePage, internalPage, records);
    }

    private static int write(CollapsingUpsertSink.Writer<TransferRow> writer, List<TransferRow> rows) throws IOException {
        for (TransferRow r : rows) {
            writer.write(r, null);
        }
        writer.flush(true);
        return rows.size();
    }

    // ---------------------------------------------------------------- token transfers through the node

    private List<TransferRow> logTransfers(String address, long from, long to) {
        String topic = "0x" + BalanceCalls.word(address);
        String fromHex = BalanceCalls.hex(from);
        String toHex = BalanceCalls.hex(to);
        List<String> multi = List.of(EvmTransferMapper.TRANSFER_SINGLE_TOPIC, EvmTransferMapper.TRANSFER_BATCH_TOPIC);
        List<List<Object>> filters = new ArrayList<>();
        filters.add(java.util.Arrays.asList(EvmTransferMapper.TRANSFER_TOPIC, topic));
        filters.add(java.util.Arrays.asList(EvmTransferMapper.TRANSFER_TOPIC, null, topic));
        filters.add(java.util.Arrays.asList(multi, null, topic));
        filters.add(java.util.Arrays.asList(multi, null, null, topic));
        List<RpcRequest> requests = new ArrayList<>();
        for (List<Object> topics : filters) {
            Map<String, Object> filter = new LinkedHashMap<>();
            filter.put("fromBlock", fromHex);
            filter.put("toBlock", toHex);
            filter.put("topics", topics);
            requests.add(RpcRequest.of("eth_getLogs", filter));
        }
        Map<String, JsonNode> logs = new LinkedHashMap<>();
        for (RpcResult r : rpc.batch(requests)) {
            for (JsonNode log : r.orThrow()) {
                // a transfer to itself matches both filters: one log, keyed by its place in its block
                logs.put(log.path("blockHash").asText() + "/" + log.path("logIndex").asText(), log);
            }
        }
        Map<Long, JsonNode> blocks = blocks(logs.values().stream().map(l -> hex(l.path("blockNumber")).longValueExact()).toList());
        List<TransferRow> rows = new ArrayList<>();
        for (JsonNode node : logs.values()) {
            Log log = JSON.convertValue(node, Log.class);
            long number = log.getBlockNumber().longValueExact();
            long time = hex(blocks.get(number).path("timestamp")).longValueExact();
            for (Transfer t : mapper.logTransfers(log, number, log.getBlockHash(), time)) {
                if (t.getFromAddress().equals(address) || t.getToAddress().equals(address)) {
                    rows.add(row(t));
                }
            }
        }
        return rows;
    }

    // ---------------------------------------------------------------- native value through the explorer

    /**
     * One explorer page of {@code action} after the phase's cursor. A short page ends the phase at the target. A full
     * page may end inside a block, so its last block is asked again (the cursor stops before it); a full page of one
     * block only is paged within that block (page number persisted) as far as the explorer's window allows.
     */
    private WalletSyncStore.Job explorerStep(CollapsingUpsertSink.Writer<TransferRow> writer, WalletSyncStore.Job j,
                                             String action) throws IOException {
        boolean internal = action.equals(TXLIST_INTERNAL);
        long through = internal ? j.internalThrough() : j.nativeThrough();
        int page = internal ? j.internalPage() : j.nativePage();
        long target = j.targetBlock();
        long from = through + 1;
        int size = explorer.config().pageSize();
        List<JsonNode> records;
        long newThrough;
        int newPage;
        if (page > 1) {
            // paging inside block `from`, which holds more records than one page
            if ((long) page * size > explorer.config().resultCap()) {
                throw new ExplorerClient.ExplorerException("block " + from + " holds more than " + explorer.config().resultCap()
                        + " " + action + " records of " + j.address() + ", past the explorer's result window");
            }
            records = explorer.page(action, j.address(), from, from, page);
            boolean more = records.size() == size;
            newThrough = more ? through : from;
            newPage = more ? page + 1 : 1;
        } else {
            records = explorer.page(action, j.address(), from, target, 1);
            if (records.size() < size) {
                newThrough = target;
                newPage = 1;
            } else {
                long last = blockOf(records.get(records.size() - 1));
                if (last > from) {
                    List<JsonNode> before = new ArrayList<>();
                    for (JsonNode r : records) {
                        if (blockOf(r) < last) {
                            before.add(r);
                        }
                    }
                    records = before;
                    newThrough = last - 1;
                    newPage = 1;
                } else {
                    newThrough = through;
                    newPage = 2;
                }
            }
        }
        int n = write(writer, nativeTransfers(j.address(), records, internal));
        return internal
                ? with(j, target, j.logsThrough(), j.nativeThrough(), newThrough, j.nativePage(), newPage, j.recordsDone() + n)
                : with(j, target, j.logsThrough(), newThrough, j.internalThrough(), newPage, j.internalPage(), j.recordsDone() + n);
    }

    private static long blockOf(JsonNode record) {
        return Long.parseLong(record.path("blockNumber").asText());
    }

    private List<TransferRow> nativeTransfers(String address, List<JsonNode> records, boolean internal) {
        Map<Long, JsonNode> blocks = blocks(records.stream().map(WalletHistorySync::blockOf).toList());
        List<TransferRow> rows = new ArrayList<>();
        for (JsonNode r : records) {
            long number = blockOf(r);
            JsonNode block = blocks.get(number);
            String hash = r.path("hash").asText().toLowerCase(Locale.ROOT);
            int txIndex = indexOf(block, hash);
            Transfer base = Transfer.newBuilder().setChainId(chain.chainId()).setBlockNumber(number)
                    .setBlockHash(block.path("hash").asText().toLowerCase(Locale.ROOT))
                    .setBlockTime(hex(block.path("timestamp")).longValueExact()).setTxHash(hash).setTxIndex(txIndex)
                    .setLogIndex(-1).setToken(Addresses.NATIVE).setStandard(TokenStandard.TOKEN_STANDARD_NATIVE).build();
            String from = Addresses.normalize(r.path("from").asText());
            String toText = r.path("to").asText("");
            String to = toText.isEmpty() ? Addresses.normalize(r.path("contractAddress").asText()) : Addresses.normalize(toText);
            BigInteger value = new BigInteger(r.path("value").asText("0"));
            boolean ok = "0".equals(r.path("isError").asText("0"));
            if (internal) {
                if (ok && value.signum() > 0) {
                    TransferKind kind = r.path("type").asText("").toLowerCase(Locale.ROOT).contains("selfdestruct")
                            ? TransferKind.TRANSFER_KIND_SELFDESTRUCT : TransferKind.TRANSFER_KIND_INTERNAL;
                    String path = r.path("traceId").asText("").replace('_', '.');
                    rows.add(row(base.toBuilder().setKind(kind).setTraceAddress(path).setFromAddress(from).setToAddress(to)
                            .setAmount(Uint256.encode(value)).build()));
                }
                continue;
            }
            if (ok && value.signum() > 0) {
                rows.add(row(base.toBuilder().setKind(TransferKind.TRANSFER_KIND_CALL).setTraceAddress("")
                        .setFromAddress(from).setToAddress(to).setAmount(Uint256.encode(value)).build()));
            }
            if (from.equals(address)) {
                // the sender pays the fee, failed or not: the priority part to the block's fee recipient, the base fee burnt
                BigInteger total = new BigInteger(r.path("gasUsed").asText("0")).multiply(new BigInteger(r.path("gasPrice").asText("0")));
                JsonNode baseFeeNode = block.path("baseFeePerGas");
                BigInteger burnt = baseFeeNode.isMissingNode() || baseFeeNode.isNull() ? BigInteger.ZERO
                        : new BigInteger(r.path("gasUsed").asText("0")).multiply(hex(baseFeeNode));
                if (burnt.compareTo(total) > 0) {
                    burnt = BigInteger.ZERO;
                }
                BigInteger priority = total.subtract(burnt);
                if (priority.signum() > 0) {
                    rows.add(row(base.toBuilder().setKind(TransferKind.TRANSFER_KIND_FEE).setTraceAddress(EvmTransferMapper.TRACE_FEE)
                            .setFromAddress(from).setToAddress(Addresses.normalize(block.path("miner").asText()))
                            .setAmount(Uint256.encode(priority)).build()));
                }
                if (burnt.signum() > 0) {
                    rows.add(row(base.toBuilder().setKind(TransferKind.TRANSFER_KIND_BURN).setTraceAddress(EvmTransferMapper.TRACE_BURN)
                            .setFromAddress(from).setToAddress(Addresses.normalize(chain.baseFeeRecipient()))
                            .setAmount(Uint256.encode(burnt)).build()));
                }
            }
        }
        return rows;
    }

    private static int indexOf(JsonNode block, String txHash) {
        int i = 0;
        for (JsonNode tx : block.path("transactions")) {
            String h = tx.isTextual() ? tx.asText() : tx.path("hash").asText();
            if (h.equalsIgnoreCase(txHash)) {
                return i;
            }
            i++;
        }
        throw new IllegalStateException("the explorer names transaction " + txHash + " in block "
                + hex(block.path("number")) + ", which the node's block does not hold: explorer and node disagree");
    }

    // ---------------------------------------------------------------- blocks through the node

    private JsonNode block(long number) {
        return blocks(List.of(number)).get(number);
    }

    private Map<Long, JsonNode> blocks(List<Long> numbers) {
        TreeSet<Long> distinct = new TreeSet<>(numbers);
        List<RpcRequest> requests = new ArrayList<>();
        for (long n : distinct) {
            requests.add(RpcRequest.of("eth_getBlockByNumber", BalanceCalls.hex(n), false));
        }
        Map<Long, JsonNode> out = new HashMap<>();
        List<RpcResult> results = requests.isEmpty() ? List.of() : rpc.batch(requests);
        int i = 0;
        for (long n : distinct) {
            JsonNode b = results.get(i++).orThrow();
            if (b == null || b.isNull()) {
                throw new IllegalStateException("the node has no block " + n);
            }
            out.put(n, b);
        }
        return out;
    }

    private static BigInteger hex(JsonNode node) {
        String s = node.asText();
        return new BigInteger(s.startsWith("0x") ? s.substring(2) : s, 16);
    }

    /** The row the balance job would write for the same transfer (ChainEventRows.transferRow). */
    static TransferRow row(Transfer t) {
        boolean hasTokenId = t.getStandard() == TokenStandard.TOKEN_STANDARD_ERC721
                || t.getStandard() == TokenStandard.TOKEN_STANDARD_ERC1155;
        return new TransferRow(t.getChainId(), t.getBlockHash(), t.getTxIndex(), t.getLogIndex(), t.getTraceAddress(),
                t.getBatchIndex(), t.getBlockNumber(), t.getBlockTime() * 1000L, t.getTxHash(), t.getToken(),
                TokenStandards.name(t.getStandard()), t.getFromAddress(), t.getToAddress(), TransferEffects.amount(t),
                hasTokenId ? Uint256.decode(t.getTokenId()) : null, t.getOperator().isEmpty() ? null : t.getOperator(),
                true, TransferKinds.name(t.getKind()));
    }
}
