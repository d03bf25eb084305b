package io.chaintrack.connectors.evm.fetch;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chaintrack.connectors.evm.EvmChainConfig;
import io.chaintrack.connectors.evm.EvmChainConfig.ReceiptsMode;
import io.chaintrack.connectors.evm.EvmChainConfig.TraceMode;
import io.chaintrack.connectors.evm.EvmMetrics;
import io.chaintrack.connectors.evm.FinalityPolicy;
import io.chaintrack.connectors.evm.decode.EvmTransferMapper;
import io.chaintrack.connectors.evm.preset.ChainPreset;
import io.chaintrack.connectors.evm.preset.ChainPreset.GenesisSource;
import io.chaintrack.connectors.evm.preset.GenesisAllocations;
import io.chaintrack.connectors.evm.rpc.JsonRpcErrorException;
import io.chaintrack.connectors.evm.rpc.RpcClient;
import io.chaintrack.connectors.evm.rpc.RpcException;
import io.chaintrack.connectors.evm.rpc.RpcRequest;
import io.chaintrack.connectors.evm.rpc.RpcResult;
import io.chaintrack.connectors.price.PriceLogDecoder;
import io.chaintrack.core.model.Addresses;
import io.chaintrack.core.model.Uint256;
import io.chaintrack.proto.v1.ChainEvent;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.protocol.ObjectMapperFactory;
import org.web3j.protocol.core.methods.response.EthBlock;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/**
 * {@link ChainReader} over JSON-RPC. A block range is read in one batch where it fits: blocks with full
 * transactions, eth_getLogs over the range for the three transfer topics (and the price topics
 * when price sources are configured, in the same call), receipts and traces. Nothing is
 * emitted unless every log, receipt and trace names the hash of the block fetched at its number, and every
 * eth_getLogs travels with the header of its last block so the node that answered is known to hold our chain
 * up to there (a lagging node cannot silently return fewer logs). A disagreement refetches the range.
 */
public final class RpcChainReader implements ChainReader {
    private static final Logger LOG = LoggerFactory.getLogger(RpcChainReader.class);
    private static final ObjectMapper WEB3 = ObjectMapperFactory.getObjectMapper();
    private static final int GROW_LOG_RANGE_AFTER = 20;

    private final EvmChainConfig config;
    private final RpcClient client;
    private final EvmTransferMapper mapper;
    private final EvmMetrics metrics;
    private final boolean ownsClient;
    private final AtomicBoolean chainIdChecked = new AtomicBoolean();
    private final AtomicBoolean blockReceiptsUnsupported = new AtomicBoolean();
    private final AtomicInteger logRange;
    private final AtomicInteger logSuccesses = new AtomicInteger();
    /** Topic0 OR-list of the one eth_getLogs: the transfer topics, and the price topics when prices are followed. */
    private final List<String> logTopics;

    public RpcChainReader(EvmChainConfig config, EvmMetrics metrics) {
        this(config, new RpcClient(config, metrics), metrics, true);
    }

    public RpcChainReader(EvmChainConfig config, RpcClient client, EvmMetrics metrics, boolean ownsClient) {
        this.config = config;
        this.client = client;
        this.metrics = metrics;
        this.mapper = new EvmTransferMapper(config, metrics);
        this.ownsClient = ownsClient;
        this.logRange = new AtomicInteger(config.maxLogRange());
        List<String> topics = new ArrayList<>(EvmTransferMapper.TOPICS);
        if (!config.prices().isEmpty()) {
            topics.addAll(PriceLogDecoder.TOPICS);
        }
        this.logTopics = List.copyOf(topics);
        if (config.receipts() == ReceiptsMode.TRANSACTION) {
            blockReceiptsUnsupported.set(true);
        }
    }

    /** The eth_getLogs range currently used (shrinks when a provider refuses a range). */
    public int currentLogRange() {
        return logRange.get();
    }

    private void checkChainId() {
        if (chainIdChecked.get()) {
            return;
        }
        long actual = quantity(client.call("eth_chainId"), "eth_chainId");
        if (actual != config.chainId()) {
            throw new ChainIdMismatchException("chain " + config.chainName() + " is configured as chain id "
                    + config.chainId() + " but its endpoint serves chain id " + actual);
        }
        chainIdChecked.set(true);
    }

    // ---------------------------------------------------------------- head

    @Override
    public HeadPoll poll(long checkNumber) {
        checkChainId();
        List<RpcRequest> reqs = new ArrayList<>();
        reqs.add(RpcRequest.of("eth_getBlockByNumber", "latest", false));
        FinalityPolicy policy = config.finality();
        if (policy.blockTag() != null) {
            reqs.add(RpcRequest.of("eth_getBlockByNumber", policy.blockTag(), false));
        }
        if (checkNumber >= 0) {
            reqs.add(RpcRequest.of("eth_getBlockByNumber", hex(checkNumber), false));
        }
        List<RpcResult> res = client.batch(reqs);
        JsonNode latestNode = res.get(0).orThrow();
        if (latestNode == null || latestNode.isNull()) {
            throw new RpcException("chain " + config.chainName() + ": the node has no latest block");
        }
        long latest = quantity(latestNode.get("number"), "latest block number");
        long horizon;
        int i = 1;
        if (policy.blockTag() != null) {
            RpcResult taggedResult = res.get(i++);
            if (!taggedResult.ok() && !notFound(taggedResult)) {
                throw new RpcException("chain " + config.chainName() + ": the node does not answer the '"
                        + policy.blockTag() + "' block tag (" + taggedResult.error() + "); use a confirmations policy");
            }
            JsonNode tagged = taggedResult.result();
            // before the first finalized block a node answers null or "not found": nothing is final yet
            horizon = tagged == null || tagged.isNull() ? -1 : quantity(tagged.get("number"), policy.blockTag());
        } else {
            horizon = latest - policy.confirmations();
        }
        BlockRef check = null;
        if (checkNumber >= 0) {
            check = ref(res.get(i).result());
        }
        metrics.head(config.chainName(), latest);
        return new HeadPoll(latest, Math.min(horizon, latest), check);
    }

    @Override
    public List<BlockRef> headers(long from, long to) {
        List<RpcRequest> reqs = new ArrayList<>();
        for (long n = from; n <= to; n++) {
            reqs.add(RpcRequest.of("eth_getBlockByNumber", hex(n), false));
        }
        List<BlockRef> out = new ArrayList<>();
        for (RpcResult r : client.batch(reqs)) {
            out.add(r.ok() ? ref(r.result()) : null);
        }
        return out;
    }

    private static BlockRef ref(JsonNode block) {
        if (block == null || block.isNull()) {
            return null;
        }
        return new BlockRef(quantity(block.get("number"), "block number"),
                block.get("hash").asText().toLowerCase(Locale.ROOT),
                block.get("parentHash").asText().toLowerCase(Locale.ROOT));
    }

    // ---------------------------------------------------------------- blocks

    /** Thrown inside one fetch attempt when fetched pieces disagree; the range is fetched again. */
    private static final class Mismatch extends Exception {
        Mismatch(String message) {
            super(message, null, false, false);
        }
    }

    @Override
    public Fetched fetch(long from, long to) {
        if (to < from) {
            throw new IllegalArgumentException("empty range " + from + ".." + to);
        }
        checkChainId();
        String last = null;
        for (int attempt = 1; attempt <= config.maxFetchAttempts(); attempt++) {
            try {
                return fetchOnce(from, to);
            } catch (Mismatch m) {
                last = m.getMessage();
                LOG.info("chain {}: blocks {}..{} refetched (attempt {}): {}", config.chainName(), from, to, attempt, last);
                sleep(100L * attempt);
            }
        }
        throw new InconsistentChainDataException("chain " + config.chainName() + ": blocks " + from + ".." + to
                + " still inconsistent after " + config.maxFetchAttempts() + " fetches, nothing emitted: " + last);
    }

    private Fetched fetchOnce(long from, long to) throws Mismatch {
        boolean receiptsPerBlock = config.receiptsNeeded() && !blockReceiptsUnsupported.get();
        List<List<RpcRequest>> groups = new ArrayList<>();
        groups.add(List.of(RpcRequest.of("eth_blockNumber")));
        for (long n = from; n <= to; n++) {
            groups.add(List.of(RpcRequest.of("eth_getBlockByNumber", hex(n), true)));
        }
        List<long[]> logRanges = split(from, to, logRange.get());
        for (long[] r : logRanges) {
            groups.add(logGroup(r[0], r[1]));
        }
        if (receiptsPerBlock) {
            for (long n = from; n <= to; n++) {
                groups.add(List.of(RpcRequest.of("eth_getBlockReceipts", hex(n))));
            }
        }
        if (config.traces() != TraceMode.NONE) {
            for (long n = from; n <= to; n++) {
                groups.add(List.of(traceRequest(n)));
            }
        }
        List<RpcResult> res = client.batchGroups(groups);
        int k = 0;
        long head = quantity(res.get(k++).orThrow(), "eth_blockNumber");
        metrics.head(config.chainName(), head);
        int count = (int) (to - from + 1);

        List<EthBlock.Block> blocks = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            RpcResult r = res.get(k++);
            EthBlock.Block b = r.ok() ? parse(r.result(), EthBlock.Block.class) : null;
            if (!r.ok() && !notFound(r)) {
                throw new JsonRpcErrorException(r.request(), r.error());
            }
            if (b == null) {
                break;
            }
            if (b.getNumber().longValueExact() != from + i) {
                throw new Mismatch("asked block " + (from + i) + ", got " + b.getNumber());
            }
            if (!blocks.isEmpty() && !b.getParentHash().equalsIgnoreCase(blocks.get(blocks.size() - 1).getHash())) {
                throw new Mismatch("block " + (from + i) + " does not extend the block before it (reorg mid-fetch)");
            }
            blocks.add(b);
        }
        if (blocks.isEmpty()) {
            return new Fetched(List.of(), head);
        }
        if (blocks.size() < count) {
            // the node is short of the range end: read exactly what it has, so every log query is guarded
            return fetchOnce(from, from + blocks.size() - 1);
        }
        Map<Long, EthBlock.Block> byNumber = new LinkedHashMap<>();
        for (EthBlock.Block b : blocks) {
            byNumber.put(b.getNumber().longValueExact(), b);
        }

        Map<Long, List<Log>> logs = new LinkedHashMap<>();
        for (long n = from; n <= to; n++) {
            logs.put(n, new ArrayList<>());
        }
        for (long[] r : logRanges) {
            RpcResult logRes = res.get(k++);
            RpcResult guard = res.get(k++);
            collectLogs(r[0], r[1], logRes, guard, byNumber, logs);
        }

        Map<Long, List<TransactionReceipt>> receipts = new LinkedHashMap<>();
        if (config.receiptsNeeded()) {
            List<RpcResult> perBlock = new ArrayList<>();
            if (receiptsPerBlock) {
                for (int i = 0; i < count; i++) {
                    perBlock.add(res.get(k++));
                }
            }
            collectReceipts(blocks, perBlock, receipts);
        }
        Map<Long, JsonNode> traces = new LinkedHashMap<>();
        if (config.traces() != TraceMode.NONE) {
            for (EthBlock.Block b : blocks) {
                RpcResult r = res.get(k++);
                traces.put(b.getNumber().longValueExact(), checkTraces(b, r));
            }
        }

        Map<Long, BlockBundle.Extras> extras = config.nativeTransfers() ? extras(blocks) : Map.of();

        List<ChainEvent> events = new ArrayList<>(blocks.size());
        for (EthBlock.Block b : blocks) {
            long n = b.getNumber().longValueExact();
            BlockBundle bundle = new BlockBundle(b, logs.get(n), receipts.get(n), traces.get(n),
                    extras.getOrDefault(n, BlockBundle.Extras.NONE));
            events.add(mapper.toEvent(bundle, Math.max(head, to)));
        }
        return new Fetched(events, Math.max(head, to));
    }

    private static boolean notFound(RpcResult r) {
        String m = r.error().message() == null ? "" : r.error().message().toLowerCase(Locale.ROOT);
        return m.contains("not found") || m.contains("unknown block") || m.contains("cannot query unfinalized");
    }

    private RpcRequest traceRequest(long n) {
        if (config.traces() == TraceMode.CALL_TRACER) {
            return RpcRequest.of("debug_traceBlockByNumber", hex(n), Map.of("tracer", "callTracer"));
        }
        return RpcRequest.of("trace_block", hex(n));
    }

    // ---------------------------------------------------------------- logs

    private List<RpcRequest> logGroup(long a, long b) {
        Map<String, Object> filter = new LinkedHashMap<>();
        filter.put("fromBlock", hex(a));
        filter.put("toBlock", hex(b));
        filter.put("topics", List.of(logTopics));
        return List.of(RpcRequest.of("eth_getLogs", filter), RpcRequest.of("eth_getBlockByNumber", hex(b), false));
    }

    private void collectLogs(long a, long b, RpcResult logRes, RpcResult guard, Map<Long, EthBlock.Block> blocks,
                             Map<Long, List<Log>> out) throws Mismatch {
        if (!logRes.ok()) {
            if (logRes.error().rangeTooLarge()) {
                refetchLogsSmaller(a, b, logRes, blocks, out);
                return;
            }
            throw new JsonRpcErrorException(logRes.request(), logRes.error());
        }
        BlockRef g = guard.ok() ? ref(guard.result()) : null;
        if (g == null || !g.hash().equalsIgnoreCase(blocks.get(b).getHash())) {
            throw new Mismatch("the node answering eth_getLogs " + a + ".." + b + " holds "
                    + (g == null ? "no block " + b : "block " + b + " " + g.hash()) + ", not "
                    + blocks.get(b).getHash());
        }
        noteLogSuccess();
        for (JsonNode node : logRes.result()) {
            Log log = parse(node, Log.class);
            long n = log.getBlockNumber().longValueExact();
            EthBlock.Block block = blocks.get(n);
            if (n < a || n > b || block == null) {
                throw new Mismatch("eth_getLogs " + a + ".." + b + " returned a log of block " + n);
            }
            if (log.getBlockHash() == null || !log.getBlockHash().equalsIgnoreCase(block.getHash())) {
                throw new Mismatch("log " + log.getLogIndex() + " claims block " + n + " hash " + log.getBlockHash()
                        + " but block " + n + " is " + block.getHash());
            }
            int txIndex = log.getTransactionIndex().intValueExact();
            List<EthBlock.TransactionResult> txs = block.getTransactions();
            if (txIndex >= txs.size() || !((EthBlock.TransactionObject) txs.get(txIndex)).getHash()
                    .equalsIgnoreCase(log.getTransactionHash())) {
                throw new Mismatch("log " + log.getLogIndex() + " of block " + n + " names transaction " + txIndex
                        + " " + log.getTransactionHash() + " which the block does not have there");
            }
            out.get(n).add(log);
        }
    }

    /** A provider refused the range: halve it (remembered for later fetches) and read the pieces on their own. */
    private void refetchLogsSmaller(long a, long b, RpcResult refused, Map<Long, EthBlock.Block> blocks,
                                    Map<Long, List<Log>> out) throws Mismatch {
        long size = b - a + 1;
        if (size == 1) {
            throw new RpcException("chain " + config.chainName() + ": the provider refuses eth_getLogs even for the"
                    + " single block " + a + " (" + refused.error() + ")");
        }
        int half = (int) Math.max(1, size / 2);
        logRange.accumulateAndGet(half, Math::min);
        logSuccesses.set(0);
        LOG.info("chain {}: eth_getLogs {}..{} refused ({}), log range now {}", config.chainName(), a, b,
                refused.error(), logRange.get());
        List<long[]> pieces = split(a, b, half);
        List<List<RpcRequest>> groups = new ArrayList<>();
        for (long[] p : pieces) {
            groups.add(logGroup(p[0], p[1]));
        }
        List<RpcResult> res = client.batchGroups(groups);
        int k = 0;
        for (long[] p : pieces) {
            collectLogs(p[0], p[1], res.get(k++), res.get(k++), blocks, out);
        }
    }

    private void noteLogSuccess() {
        if (logSuccesses.incrementAndGet() >= GROW_LOG_RANGE_AFTER && logRange.get() < config.maxLogRange()) {
            logSuccesses.set(0);
            logRange.updateAndGet(r -> Math.min(config.maxLogRange(), r * 2));
        }
    }

    // ---------------------------------------------------------------- receipts

    private void collectReceipts(List<EthBlock.Block> blocks, List<RpcResult> perBlock,
                                 Map<Long, List<TransactionReceipt>> out) throws Mismatch {
        List<EthBlock.Block> perTx = new ArrayList<>();
        for (int i = 0; i < blocks.size(); i++) {
            EthBlock.Block b = blocks.get(i);
            if (perBlock.isEmpty()) {
                perTx.add(b);
                continue;
            }
            RpcResult r = perBlock.get(i);
            if (!r.ok()) {
                if (r.error().methodUnsupported() && config.receipts() == ReceiptsMode.AUTO) {
                    if (blockReceiptsUnsupported.compareAndSet(false, true)) {
                        LOG.info("chain {}: eth_getBlockReceipts unsupported ({}), reading receipts per transaction",
                                config.chainName(), r.error());
                    }
                    perTx.add(b);
                    continue;
                }
                throw new JsonRpcErrorException(r.request(), r.error());
            }
            if (r.result() == null || r.result().isNull()) {
                throw new Mismatch("no receipts for block " + b.getNumber() + " yet");
            }
            List<TransactionReceipt> list = new ArrayList<>();
            for (JsonNode n : r.result()) {
                list.add(parse(n, TransactionReceipt.class));
            }
            out.put(b.getNumber().longValueExact(), checkReceipts(b, list));
        }
        if (perTx.isEmpty()) {
            return;
        }
        List<RpcRequest> reqs = new ArrayList<>();
        for (EthBlock.Block b : perTx) {
            for (EthBlock.TransactionResult<?> t : b.getTransactions()) {
                reqs.add(RpcRequest.of("eth_getTransactionReceipt", ((EthBlock.TransactionObject) t).getHash()));
            }
        }
        List<RpcResult> res = reqs.isEmpty() ? List.of() : client.batch(reqs);
        int k = 0;
        for (EthBlock.Block b : perTx) {
            List<TransactionReceipt> list = new ArrayList<>();
            for (int i = 0; i < b.getTransactions().size(); i++) {
                JsonNode n = res.get(k++).orThrow();
                if (n == null || n.isNull()) {
                    throw new Mismatch("no receipt yet for transaction " + i + " of block " + b.getNumber());
                }
                list.add(parse(n, TransactionReceipt.class));
            }
            out.put(b.getNumber().longValueExact(), checkReceipts(b, list));
        }
    }

    private static List<TransactionReceipt> checkReceipts(EthBlock.Block b, List<TransactionReceipt> list)
            throws Mismatch {
        List<EthBlock.TransactionResult> txs = b.getTransactions();
        if (list.size() != txs.size()) {
            throw new Mismatch("block " + b.getNumber() + " has " + txs.size() + " transactions but " + list.size()
                    + " receipts");
        }
        List<TransactionReceipt> ordered = new ArrayList<>(list);
        ordered.sort((x, y) -> x.getTransactionIndex().compareTo(y.getTransactionIndex()));
        for (int i = 0; i < ordered.size(); i++) {
            TransactionReceipt r = ordered.get(i);
            String txHash = ((EthBlock.TransactionObject) txs.get(i)).getHash();
            if (r.getBlockHash() == null || !r.getBlockHash().equalsIgnoreCase(b.getHash())) {
                throw new Mismatch("receipt " + i + " claims block hash " + r.getBlockHash() + " but block "
                        + b.getNumber() + " is " + b.getHash());
            }
            if (!txHash.equalsIgnoreCase(r.getTransactionHash())) {
                throw new Mismatch("receipt " + i + " of block " + b.getNumber() + " is for " + r.getTransactionHash()
                        + ", not " + txHash);
            }
        }
        return ordered;
    }

    // ---------------------------------------------------------------- traces

    private JsonNode checkTraces(EthBlock.Block b, RpcResult r) throws Mismatch {
        JsonNode t = r.orThrow();
        if (t == null || !t.isArray()) {
            throw new Mismatch("no traces for block " + b.getNumber() + " yet");
        }
        List<EthBlock.TransactionResult> txs = b.getTransactions();
        if (config.traces() == TraceMode.CALL_TRACER) {
            if (t.size() != txs.size()) {
                throw new Mismatch("block " + b.getNumber() + " has " + txs.size() + " transactions but "
                        + t.size() + " call traces");
            }
            for (int i = 0; i < t.size(); i++) {
                JsonNode h = t.get(i).get("txHash");
                String txHash = ((EthBlock.TransactionObject) txs.get(i)).getHash();
                if (h != null && !h.isNull() && !h.asText().equalsIgnoreCase(txHash)) {
                    throw new Mismatch("call trace " + i + " of block " + b.getNumber() + " is for " + h.asText()
                            + ", not " + txHash);
                }
            }
        } else {
            for (JsonNode e : t) {
                JsonNode h = e.get("blockHash");
                if (h != null && !h.isNull() && !h.asText().equalsIgnoreCase(b.getHash())) {
                    throw new Mismatch("trace of block " + b.getNumber() + " claims hash " + h.asText()
                            + " but the block is " + b.getHash());
                }
                JsonNode pos = e.get("transactionPosition");
                if (pos != null && !pos.isNull()) {
                    int i = pos.asInt();
                    String txHash = i < txs.size() ? ((EthBlock.TransactionObject) txs.get(i)).getHash() : null;
                    if (txHash == null || !txHash.equalsIgnoreCase(e.path("transactionHash").asText(txHash))) {
                        throw new Mismatch("trace of block " + b.getNumber() + " names transaction " + i + " "
                                + e.path("transactionHash").asText() + " which the block does not have there");
                    }
                }
            }
        }
        return t;
    }

    // ---------------------------------------------------------------- preset extras

    /**
     * What the chain preset needs beyond the block, in one batch: uncle headers (by the block's hash, so they
     * are this block's), the balances an irregular change drains (at the block before), block 0's balances.
     */
    private Map<Long, BlockBundle.Extras> extras(List<EthBlock.Block> blocks) throws Mismatch {
        ChainPreset preset = config.preset();
        List<RpcRequest> reqs = new ArrayList<>();
        List<String> devAccounts = List.of();
        for (EthBlock.Block b : blocks) {
            long n = b.getNumber().longValueExact();
            if (preset.rewardAt(n).signum() > 0) {
                for (int i = 0; i < uncleHashes(b).size(); i++) {
                    reqs.add(RpcRequest.of("eth_getUncleByBlockHashAndIndex", b.getHash(), hex(i)));
                }
            }
            for (ChainPreset.IrregularChange c : preset.irregularAt(n)) {
                for (String a : c.drained()) {
                    reqs.add(RpcRequest.of("eth_getBalance", a, hex(n - 1)));
                }
            }
            if (n == 0 && preset.genesis().kind() == GenesisSource.Kind.NODE_BALANCES) {
                devAccounts = devAccounts(preset.genesis());
                for (String a : devAccounts) {
                    reqs.add(RpcRequest.of("eth_getBalance", a, hex(0)));
                }
            }
        }
        List<RpcResult> res = reqs.isEmpty() ? List.of() : client.batch(reqs);
        int k = 0;
        Map<Long, BlockBundle.Extras> out = new LinkedHashMap<>();
        for (EthBlock.Block b : blocks) {
            long n = b.getNumber().longValueExact();
            List<BlockBundle.Uncle> uncles = new ArrayList<>();
            if (preset.rewardAt(n).signum() > 0) {
                for (int i = 0; i < uncleHashes(b).size(); i++) {
                    uncles.add(uncle(b, i, res.get(k++).orThrow()));
                }
            }
            Map<String, BigInteger> drained = new LinkedHashMap<>();
            for (ChainPreset.IrregularChange c : preset.irregularAt(n)) {
                for (String a : c.drained()) {
                    drained.put(a, Uint256.parse(res.get(k++).orThrow().asText()));
                }
            }
            List<GenesisAllocations.Allocation> genesis = List.of();
            if (n == 0 && preset.genesis().kind() == GenesisSource.Kind.ALLOCATION) {
                genesis = GenesisAllocations.load(preset.genesis().allocation());
            } else if (n == 0 && preset.genesis().kind() == GenesisSource.Kind.NODE_BALANCES) {
                List<GenesisAllocations.Allocation> read = new ArrayList<>();
                for (String a : devAccounts) {
                    read.add(new GenesisAllocations.Allocation(a, Uint256.parse(res.get(k++).orThrow().asText())));
                }
                genesis = GenesisAllocations.sorted(read);
            }
            if (!uncles.isEmpty() || !drained.isEmpty() || !genesis.isEmpty()) {
                out.put(n, new BlockBundle.Extras(uncles, drained, genesis));
            }
        }
        return out;
    }

    private static List<String> uncleHashes(EthBlock.Block b) {
        return b.getUncles() == null ? List.of() : b.getUncles();
    }

    private List<String> devAccounts(GenesisSource genesis) {
        Set<String> out = new TreeSet<>(genesis.addresses());
        for (JsonNode a : client.call("eth_accounts")) {
            out.add(Addresses.normalize(a.asText()));
        }
        return List.copyOf(out);
    }

    private static BlockBundle.Uncle uncle(EthBlock.Block b, int i, JsonNode u) throws Mismatch {
        String expected = uncleHashes(b).get(i);
        if (u == null || u.isNull() || !expected.equalsIgnoreCase(u.path("hash").asText())) {
            throw new Mismatch("uncle " + i + " of block " + b.getNumber() + " should be " + expected + ", the node"
                    + " answered " + (u == null || u.isNull() ? "none" : u.path("hash").asText()));
        }
        long number = quantity(u.get("number"), "uncle number");
        long n = b.getNumber().longValueExact();
        if (number >= n || n - number > 6) {
            // the protocol only admits uncles 1 to 6 generations back; anything else is not this chain's data
            throw new RpcException("uncle " + i + " of block " + n + " claims number " + number);
        }
        return new BlockBundle.Uncle(number, expected.toLowerCase(Locale.ROOT), Addresses.normalize(u.path("miner").asText()));
    }

    // ---------------------------------------------------------------- helpers

    static List<long[]> split(long from, long to, long size) {
        List<long[]> out = new ArrayList<>();
        for (long a = from; a <= to; a += size) {
            out.add(new long[] {a, Math.min(to, a + size - 1)});
        }
        return out;
    }

    private <T> T parse(JsonNode node, Class<T> type) {
        if (node == null || node.isNull()) {
            return null;
        }
        try {
            return WEB3.treeToValue(node, type);
        } catch (JsonProcessingException | RuntimeException e) {
            throw new RpcException("chain " + config.chainName() + ": cannot read a " + type.getSimpleName()
                    + " from the node: " + e.getMessage(), e);
        }
    }

    static String hex(long n) {
        return "0x" + Long.toHexString(n);
    }

    static long quantity(JsonNode node, String what) {
        if (node == null || !node.isTextual() || !node.asText().startsWith("0x") || node.asText().length() < 3) {
            throw new RpcException("expected a 0x hex quantity for " + what + ", got " + node);
        }
        return Long.parseUnsignedLong(node.asText().substring(2), 16);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RpcException("interrupted", e);
        }
    }

    @Override
    public void close() {
        if (ownsClient) {
            client.close();
        }
    }
}
