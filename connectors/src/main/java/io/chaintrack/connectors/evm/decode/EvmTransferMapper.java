package io.chaintrack.connectors.evm.decode;

import com.fasterxml.jackson.databind.JsonNode;
import io.chaintrack.connectors.evm.EvmChainConfig;
import io.chaintrack.connectors.evm.EvmChainConfig.TraceMode;
import io.chaintrack.connectors.evm.EvmMetrics;
import io.chaintrack.connectors.evm.fetch.BlockBundle;
import io.chaintrack.connectors.evm.preset.ChainPreset;
import io.chaintrack.connectors.evm.preset.GenesisAllocations;
import io.chaintrack.connectors.price.PriceLogMapper;
import io.chaintrack.core.model.Addresses;
import io.chaintrack.core.model.Uint256;
import io.chaintrack.proto.v1.BlockHeader;
import io.chaintrack.proto.v1.ChainEvent;
import io.chaintrack.proto.v1.ChainEventType;
import io.chaintrack.proto.v1.PriceLog;
import io.chaintrack.proto.v1.TokenStandard;
import io.chaintrack.proto.v1.Transfer;
import io.chaintrack.proto.v1.TransferKind;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.web3j.protocol.core.methods.response.EthBlock;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/**
 * The one place raw JSON-RPC data becomes {@link ChainEvent}s: hex to exact BigInteger, addresses lowercased,
 * every transfer located by (tx_index, log_index, trace_address, batch_index). A log that carries a transfer
 * topic but breaks its standard is counted in chaintrack_skipped_logs_total and skipped, never fatal.
 */
public final class EvmTransferMapper {
    /** keccak256("Transfer(address,address,uint256)"), shared by ERC-20 and ERC-721. */
    public static final String TRANSFER_TOPIC = "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef";
    /** keccak256("TransferSingle(address,address,address,uint256,uint256)"). */
    public static final String TRANSFER_SINGLE_TOPIC = "0xc3d58168c5ae7397731d063d5bbf3d657854427343f4c083240f7aacaa2d0f62";
    /** keccak256("TransferBatch(address,address,address,uint256[],uint256[])"). */
    public static final String TRANSFER_BATCH_TOPIC = "0x4a39dc06d4c0dbc64b70af90fd698a233a518aa5d07e595d983b8c0526c8f7fb";
    public static final List<String> TOPICS = List.of(TRANSFER_TOPIC, TRANSFER_SINGLE_TOPIC, TRANSFER_BATCH_TOPIC);

    public static final String TRACE_FEE = "fee";
    public static final String TRACE_BURN = "burn";
    public static final String TRACE_WITHDRAWAL = "withdrawal";
    public static final String TRACE_REWARD = "reward";
    public static final String TRACE_NEPHEW = "nephew";
    public static final String TRACE_UNCLE = "uncle";
    public static final String TRACE_GENESIS = "genesis";
    public static final String TRACE_IRREGULAR = "irregular";

    /** Reasons a log is skipped (the {@code reason} label). */
    public static final String SKIP_TOPIC_COUNT = "topic_count";
    public static final String SKIP_DATA_LENGTH = "data_length";
    public static final String SKIP_ADDRESS_TOPIC = "address_topic";
    public static final String SKIP_BATCH_ENCODING = "batch_encoding";
    public static final String SKIP_MALFORMED_HEX = "malformed_hex";
    public static final String SKIP_REMOVED = "removed";
    /** A log with a price topic (Sync, Swap, AnswerUpdated, PairCreated, PoolCreated) but not its ABI shape. */
    public static final String SKIP_PRICE_SHAPE = "price_shape";

    private static final Pattern HEX = Pattern.compile("0x([0-9a-fA-F]{2})*");
    private static final BigInteger GWEI = BigInteger.TEN.pow(9);

    private final long chainId;
    private final String chainName;
    private final boolean nativeTransfers;
    private final boolean fees;
    private final boolean receipts;
    private final TraceMode traceMode;
    private final String baseFeeRecipient;
    private final EvmMetrics metrics;
    private final ChainPreset preset;
    private final PriceLogMapper prices;

    public EvmTransferMapper(EvmChainConfig config, EvmMetrics metrics) {
        this.chainId = config.chainId();
        this.chainName = config.chainName();
        this.nativeTransfers = config.nativeTransfers();
        this.fees = config.fees();
        this.receipts = config.receiptsNeeded();
        this.traceMode = config.traces();
        this.baseFeeRecipient = config.baseFeeRecipient();
        this.metrics = metrics;
        this.preset = config.preset();
        this.prices = new PriceLogMapper(config.prices());
    }

    /** The APPLIED event of one block. */
    public ChainEvent toEvent(BlockBundle bundle, long headNumber) {
        EthBlock.Block b = bundle.block();
        BlockHeader header = BlockHeader.newBuilder()
                .setChainId(chainId)
                .setNumber(b.getNumber().longValueExact())
                .setHash(lower(b.getHash()))
                .setParentHash(lower(b.getParentHash()))
                .setTimestamp(b.getTimestamp().longValueExact())
                .setFeeRecipient(b.getMiner() == null ? "" : Addresses.normalize(b.getMiner()))
                .setGasUsed(b.getGasUsed().longValueExact())
                .build();
        Transfer proto = Transfer.newBuilder()
                .setChainId(chainId)
                .setBlockNumber(header.getNumber())
                .setBlockHash(header.getHash())
                .setBlockTime(header.getTimestamp())
                .build();

        List<EthBlock.TransactionObject> txs = transactions(b);
        List<List<Transfer>> logTransfers = new ArrayList<>();
        for (int i = 0; i < txs.size(); i++) {
            logTransfers.add(new ArrayList<>());
        }
        List<Log> logs = new ArrayList<>(bundle.logs());
        logs.sort((x, y) -> x.getLogIndex().compareTo(y.getLogIndex()));
        List<PriceLog> priceLogs = new ArrayList<>();
        for (Log log : logs) {
            int txIndex = log.getTransactionIndex().intValueExact();
            if (txIndex < 0 || txIndex >= txs.size()) {
                throw new IllegalArgumentException("log " + log.getLogIndex() + " of block " + header.getHash()
                        + " names transaction index " + txIndex + " but the block has " + txs.size());
            }
            if (isPriceLog(log)) {
                priceLog(log).ifPresent(priceLogs::add);
            } else {
                decodeLog(log, proto, logTransfers.get(txIndex));
            }
        }

        ChainEvent.Builder event = ChainEvent.newBuilder()
                .setType(ChainEventType.CHAIN_EVENT_TYPE_APPLIED)
                .setBlock(header)
                .setHeadNumber(headNumber)
                .addAllPriceLogs(priceLogs);
        BigInteger baseFee = b.getBaseFeePerGasRaw() == null ? null : b.getBaseFeePerGas();
        if (nativeTransfers) {
            addGenesis(event, proto, bundle.extras());
            addIrregular(event, proto, bundle.extras(), header.getNumber());
        }
        for (int i = 0; i < txs.size(); i++) {
            EthBlock.TransactionObject tx = txs.get(i);
            Transfer txProto = proto.toBuilder().setTxHash(lower(tx.getHash())).setTxIndex(i).setLogIndex(-1).build();
            TransactionReceipt receipt = receipts ? bundle.receipts().get(i) : null;
            boolean success = !nativeTransfers || receipt == null || succeeded(receipt, tx, bundle.traces(), i);
            if (nativeTransfers) {
                BigInteger value = tx.getValue();
                if (success && value.signum() > 0) {
                    String to = tx.getTo() != null ? tx.getTo() : receipt.getContractAddress();
                    event.addTransfers(nativeTransfer(txProto, TransferKind.TRANSFER_KIND_CALL, "", tx.getFrom(), to, value));
                }
                if (success && bundle.traces() != null) {
                    for (Internal t : internalTransfers(bundle.traces(), i, tx.getHash())) {
                        event.addTransfers(nativeTransfer(txProto, t.kind(), t.path(), t.from(), t.to(), t.value()));
                    }
                }
            }
            // topic-log transfers of a failed transaction cannot exist (its logs were reverted)
            event.addAllTransfers(logTransfers.get(i));
            if (fees) {
                // a failed transaction pays its fee too
                addFees(event, txProto, tx, receipt, baseFee, header.getFeeRecipient());
            }
        }
        if (nativeTransfers && b.getWithdrawals() != null) {
            List<EthBlock.Withdrawal> ws = b.getWithdrawals();
            for (int i = 0; i < ws.size(); i++) {
                EthBlock.Withdrawal w = ws.get(i);
                BigInteger wei = w.getAmount().multiply(GWEI);
                if (wei.signum() > 0) {
                    event.addTransfers(nativeTransfer(systemProto(proto, i), TransferKind.TRANSFER_KIND_WITHDRAWAL,
                            TRACE_WITHDRAWAL, Addresses.ZERO, w.getAddress(), wei));
                }
            }
        }
        if (nativeTransfers) {
            addRewards(event, proto, bundle.extras(), header, b.getUncles() == null ? 0 : b.getUncles().size());
        }
        return event.build();
    }

    /** Block 0 credits every allocation from the zero address, the way a mint does. */
    private static void addGenesis(ChainEvent.Builder event, Transfer blockProto, BlockBundle.Extras extras) {
        List<GenesisAllocations.Allocation> alloc = extras.genesis();
        for (int i = 0; i < alloc.size(); i++) {
            event.addTransfers(nativeTransfer(systemProto(blockProto, i), TransferKind.TRANSFER_KIND_GENESIS,
                    TRACE_GENESIS, Addresses.ZERO, alloc.get(i).address(), alloc.get(i).wei()));
        }
    }

    /** Applied before the block's transactions, as clients apply the DAO fork's refund. */
    private void addIrregular(ChainEvent.Builder event, Transfer blockProto, BlockBundle.Extras extras, long number) {
        int index = 0;
        for (ChainPreset.IrregularChange c : preset.irregularAt(number)) {
            for (String a : c.drained()) {
                BigInteger wei = extras.drained().get(a);
                if (wei == null) {
                    throw new IllegalArgumentException("block " + number + ": no balance fetched for drained " + a);
                }
                if (wei.signum() > 0) {
                    event.addTransfers(nativeTransfer(systemProto(blockProto, index), TransferKind.TRANSFER_KIND_IRREGULAR,
                            TRACE_IRREGULAR, a, c.to(), wei));
                }
                index++;
            }
        }
    }

    /**
     * Proof-of-work rewards, credited after the transactions: R to the miner, (8 - (n - u)) * R / 8 to the miner
     * of each uncle u, and R / 32 more to the block's miner per uncle included.
     */
    private void addRewards(ChainEvent.Builder event, Transfer blockProto, BlockBundle.Extras extras, BlockHeader h,
                            int uncleCount) {
        BigInteger reward = preset.rewardAt(h.getNumber());
        if (reward.signum() == 0) {
            return;
        }
        if (extras.uncles().size() != uncleCount) {
            // a missing uncle header would silently drop its miner's and the nephew's rewards
            throw new IllegalArgumentException("block " + h.getNumber() + " has " + uncleCount + " uncles but "
                    + extras.uncles().size() + " uncle headers were fetched");
        }
        event.addTransfers(nativeTransfer(systemProto(blockProto, 0), TransferKind.TRANSFER_KIND_BLOCK_REWARD,
                TRACE_REWARD, Addresses.ZERO, h.getFeeRecipient(), reward));
        List<BlockBundle.Uncle> uncles = extras.uncles();
        for (int i = 0; i < uncles.size(); i++) {
            BlockBundle.Uncle u = uncles.get(i);
            BigInteger uncleReward = BigInteger.valueOf(8 - (h.getNumber() - u.number())).multiply(reward)
                    .divide(BigInteger.valueOf(8));
            event.addTransfers(nativeTransfer(systemProto(blockProto, i), TransferKind.TRANSFER_KIND_UNCLE_REWARD,
                    TRACE_UNCLE, Addresses.ZERO, u.miner(), uncleReward));
            event.addTransfers(nativeTransfer(systemProto(blockProto, i), TransferKind.TRANSFER_KIND_BLOCK_REWARD,
                    TRACE_NEPHEW, Addresses.ZERO, h.getFeeRecipient(), reward.divide(BigInteger.valueOf(32))));
        }
    }

    /** A balance change no transaction made: no tx hash, located by its index among its kind. */
    private static Transfer systemProto(Transfer blockProto, int index) {
        return blockProto.toBuilder().setTxHash("").setTxIndex(index).setLogIndex(-1).build();
    }

    private static List<EthBlock.TransactionObject> transactions(EthBlock.Block b) {
        List<EthBlock.TransactionObject> out = new ArrayList<>();
        for (EthBlock.TransactionResult<?> r : b.getTransactions()) {
            if (!(r instanceof EthBlock.TransactionObject tx)) {
                throw new IllegalArgumentException("block " + b.getHash() + " came without full transactions");
            }
            out.add(tx);
        }
        return out;
    }

    private boolean succeeded(TransactionReceipt r, EthBlock.TransactionObject tx, JsonNode traces, int txIndex) {
        Boolean topLevelFailed = r.getStatus() == null && traces != null ? topLevelFailed(traces, txIndex) : null;
        TxOutcome o = TxOutcome.decide(r.getStatus(), topLevelFailed, r.getGasUsed(), tx.getGas());
        if (o.normalisation() != null) {
            metrics.receiptNormalised(chainName, o.normalisation(), o.success());
        }
        return o.success();
    }

    /** Whether the transaction's own frame failed, or null when the traces do not show it. */
    private Boolean topLevelFailed(JsonNode traces, int txIndex) {
        if (traceMode == TraceMode.CALL_TRACER) {
            JsonNode entry = traces.get(txIndex);
            JsonNode top = entry.has("result") ? entry.get("result") : entry;
            return top.hasNonNull("error");
        }
        for (JsonNode t : traces) {
            if (t.path("transactionPosition").asInt(-1) == txIndex && t.path("traceAddress").isArray()
                    && t.path("traceAddress").isEmpty()) {
                return t.hasNonNull("error");
            }
        }
        return null;
    }

    private void addFees(ChainEvent.Builder event, Transfer txProto, EthBlock.TransactionObject tx,
                         TransactionReceipt r, BigInteger baseFee, String feeRecipient) {
        BigInteger gasUsed = r.getGasUsed();
        BigInteger price = r.getEffectiveGasPrice() != null
                ? quantity(r.getEffectiveGasPrice(), "effectiveGasPrice") : tx.getGasPrice();
        BigInteger total = gasUsed.multiply(price);
        BigInteger burnt = baseFee == null ? BigInteger.ZERO : gasUsed.multiply(baseFee);
        if (burnt.compareTo(total) > 0) {
            // system and deposit transactions of some L2s pay below the base fee: nothing is burnt for them
            burnt = BigInteger.ZERO;
        }
        BigInteger priority = total.subtract(burnt);
        if (r.getBlobGasUsed() != null && r.getBlobGasPrice() != null) {
            burnt = burnt.add(quantity(r.getBlobGasUsed(), "blobGasUsed").multiply(quantity(r.getBlobGasPrice(), "blobGasPrice")));
        }
        if (priority.signum() > 0) {
            event.addTransfers(nativeTransfer(txProto, TransferKind.TRANSFER_KIND_FEE, TRACE_FEE, tx.getFrom(),
                    feeRecipient, priority));
        }
        if (burnt.signum() > 0) {
            event.addTransfers(nativeTransfer(txProto, TransferKind.TRANSFER_KIND_BURN, TRACE_BURN, tx.getFrom(),
                    baseFeeRecipient, burnt));
        }
    }

    private static Transfer nativeTransfer(Transfer txProto, TransferKind kind, String trace, String from, String to,
                                           BigInteger amount) {
        return txProto.toBuilder()
                .setKind(kind)
                .setTraceAddress(trace)
                .setToken(Addresses.NATIVE)
                .setStandard(TokenStandard.TOKEN_STANDARD_NATIVE)
                .setFromAddress(Addresses.normalize(from))
                .setToAddress(Addresses.normalize(to))
                .setAmount(Uint256.encode(amount))
                .build();
    }

    /**
     * Transfers of one log fetched on its own (a wallet's targeted eth_getLogs), decoded exactly as inside
     * {@link #toEvent}, so a synced history row has the natural key and amount the follower would give it.
     */
    public List<Transfer> logTransfers(Log log, long blockNumber, String blockHash, long blockTime) {
        Transfer proto = Transfer.newBuilder().setChainId(chainId).setBlockNumber(blockNumber)
                .setBlockHash(lower(blockHash)).setBlockTime(blockTime).build();
        List<Transfer> out = new ArrayList<>();
        decodeLog(log, proto, out);
        return out;
    }

    // ---------------------------------------------------------------- logs

    private static boolean isPriceLog(Log log) {
        List<String> topics = log.getTopics();
        return topics != null && !topics.isEmpty() && PriceLogMapper.isPriceTopic(topics.get(0).toLowerCase(Locale.ROOT));
    }

    private java.util.Optional<PriceLog> priceLog(Log log) {
        if (log.isRemoved()) {
            skip(SKIP_REMOVED);
            return java.util.Optional.empty();
        }
        try {
            return prices.map(log.getAddress(), log.getTopics(), log.getData(), log.getTransactionIndex().intValueExact(),
                    log.getLogIndex().intValueExact());
        } catch (IllegalArgumentException e) {
            skip(SKIP_PRICE_SHAPE);
            return java.util.Optional.empty();
        }
    }

    private void decodeLog(Log log, Transfer blockProto, List<Transfer> out) {
        if (log.isRemoved()) {
            skip(SKIP_REMOVED);
            return;
        }
        List<String> topics = log.getTopics();
        if (topics == null || topics.isEmpty()) {
            return;
        }
        String topic0 = topics.get(0).toLowerCase(Locale.ROOT);
        String data = log.getData() == null ? "0x" : log.getData();
        if (!HEX.matcher(data).matches()) {
            skip(SKIP_MALFORMED_HEX);
            return;
        }
        for (String t : topics) {
            if (!Addresses.isHash(t)) {
                skip(SKIP_MALFORMED_HEX);
                return;
            }
        }
        int dataBytes = (data.length() - 2) / 2;
        Transfer base = blockProto.toBuilder()
                .setTxHash(lower(log.getTransactionHash()))
                .setTxIndex(log.getTransactionIndex().intValueExact())
                .setLogIndex(log.getLogIndex().intValueExact())
                .setToken(Addresses.normalize(log.getAddress()))
                .setKind(TransferKind.TRANSFER_KIND_LOG)
                .build();
        switch (topic0) {
            case TRANSFER_TOPIC -> {
                if (topics.size() == 3) {
                    if (dataBytes != 32) {
                        skip(SKIP_DATA_LENGTH);
                        return;
                    }
                    String from = addressTopic(topics.get(1));
                    String to = addressTopic(topics.get(2));
                    if (from == null || to == null) {
                        return;
                    }
                    out.add(base.toBuilder().setStandard(TokenStandard.TOKEN_STANDARD_ERC20)
                            .setFromAddress(from).setToAddress(to)
                            .setAmount(Uint256.encode(word(data, 0))).build());
                } else if (topics.size() == 4) {
                    if (dataBytes != 0) {
                        skip(SKIP_DATA_LENGTH);
                        return;
                    }
                    String from = addressTopic(topics.get(1));
                    String to = addressTopic(topics.get(2));
                    if (from == null || to == null) {
                        return;
                    }
                    out.add(base.toBuilder().setStandard(TokenStandard.TOKEN_STANDARD_ERC721)
                            .setFromAddress(from).setToAddress(to)
                            .setAmount(Uint256.encode(BigInteger.ONE))
                            .setTokenId(Uint256.encode(new BigInteger(topics.get(3).substring(2), 16))).build());
                } else {
                    skip(SKIP_TOPIC_COUNT);
                }
            }
            case TRANSFER_SINGLE_TOPIC -> {
                if (topics.size() != 4) {
                    skip(SKIP_TOPIC_COUNT);
                    return;
                }
                if (dataBytes != 64) {
                    skip(SKIP_DATA_LENGTH);
                    return;
                }
                String operator = addressTopic(topics.get(1));
                String from = addressTopic(topics.get(2));
                String to = addressTopic(topics.get(3));
                if (operator == null || from == null || to == null) {
                    return;
                }
                out.add(base.toBuilder().setStandard(TokenStandard.TOKEN_STANDARD_ERC1155)
                        .setOperator(operator).setFromAddress(from).setToAddress(to)
                        .setTokenId(Uint256.encode(word(data, 0)))
                        .setAmount(Uint256.encode(word(data, 1))).build());
            }
            case TRANSFER_BATCH_TOPIC -> {
                if (topics.size() != 4) {
                    skip(SKIP_TOPIC_COUNT);
                    return;
                }
                String operator = addressTopic(topics.get(1));
                String from = addressTopic(topics.get(2));
                String to = addressTopic(topics.get(3));
                if (operator == null || from == null || to == null) {
                    return;
                }
                List<BigInteger[]> pairs = batchPairs(data, dataBytes);
                if (pairs == null) {
                    skip(SKIP_BATCH_ENCODING);
                    return;
                }
                for (int i = 0; i < pairs.size(); i++) {
                    out.add(base.toBuilder().setStandard(TokenStandard.TOKEN_STANDARD_ERC1155)
                            .setBatchIndex(i).setOperator(operator).setFromAddress(from).setToAddress(to)
                            .setTokenId(Uint256.encode(pairs.get(i)[0]))
                            .setAmount(Uint256.encode(pairs.get(i)[1])).build());
                }
            }
            default -> {
                // not a transfer topic: the log filter let it through, nothing to decode
            }
        }
    }

    /** (id, value) pairs of an ABI-encoded (uint256[] ids, uint256[] values), or null when malformed. */
    private static List<BigInteger[]> batchPairs(String data, int dataBytes) {
        if (dataBytes < 128 || dataBytes % 32 != 0) {
            return null;
        }
        int words = dataBytes / 32;
        BigInteger off1 = word(data, 0);
        BigInteger off2 = word(data, 1);
        Integer start1 = arrayStart(off1, words);
        Integer start2 = arrayStart(off2, words);
        if (start1 == null || start2 == null) {
            return null;
        }
        BigInteger n1 = word(data, start1);
        BigInteger n2 = word(data, start2);
        if (!n1.equals(n2) || n1.compareTo(BigInteger.valueOf(words)) > 0) {
            return null;
        }
        int n = n1.intValueExact();
        if (start1 + 1 + n > words || start2 + 1 + n > words) {
            return null;
        }
        List<BigInteger[]> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(new BigInteger[] {word(data, start1 + 1 + i), word(data, start2 + 1 + i)});
        }
        return out;
    }

    private static Integer arrayStart(BigInteger byteOffset, int words) {
        if (byteOffset.signum() < 0 || byteOffset.compareTo(BigInteger.valueOf((long) words * 32)) >= 0
                || byteOffset.mod(BigInteger.valueOf(32)).signum() != 0) {
            return null;
        }
        return byteOffset.intValueExact() / 32;
    }

    private static BigInteger word(String data, int index) {
        int from = 2 + index * 64;
        return new BigInteger(data.substring(from, from + 64), 16);
    }

    /** The address in an indexed topic, or null (counted) when its upper 12 bytes are not zero. */
    private String addressTopic(String topic) {
        for (int i = 2; i < 26; i++) {
            if (topic.charAt(i) != '0') {
                skip(SKIP_ADDRESS_TOPIC);
                return null;
            }
        }
        return Addresses.fromTopic(topic);
    }

    private void skip(String reason) {
        metrics.skippedLog(chainName, reason);
    }

    // ---------------------------------------------------------------- traces

    /** One value move inside a transaction, below its top-level call. */
    public record Internal(TransferKind kind, String path, String from, String to, BigInteger value) {}

    private List<Internal> internalTransfers(JsonNode traces, int txIndex, String txHash) {
        List<Internal> out = new ArrayList<>();
        if (traceMode == TraceMode.CALL_TRACER) {
            JsonNode entry = traces.get(txIndex);
            JsonNode top = entry.has("result") ? entry.get("result") : entry;
            if (top.hasNonNull("error")) {
                return out;
            }
            walkCallFrames(top.path("calls"), "", out);
        } else if (traceMode == TraceMode.TRACE_BLOCK) {
            Set<String> failed = new HashSet<>();
            for (JsonNode t : traces) {
                if (t.path("transactionPosition").isMissingNode() || t.path("transactionPosition").asInt(-1) != txIndex) {
                    continue;
                }
                String path = tracePath(t.path("traceAddress"));
                if (t.hasNonNull("error")) {
                    failed.add(path);
                    continue;
                }
                if (path.isEmpty() || underFailed(path, failed)) {
                    continue;
                }
                JsonNode a = t.path("action");
                String type = t.path("type").asText("");
                switch (type) {
                    case "call" -> {
                        if ("call".equals(a.path("callType").asText(""))) {
                            add(out, TransferKind.TRANSFER_KIND_INTERNAL, path, a.path("from").asText(null),
                                    a.path("to").asText(null), a.path("value"));
                        }
                    }
                    case "create" -> add(out, TransferKind.TRANSFER_KIND_INTERNAL, path, a.path("from").asText(null),
                            t.path("result").path("address").asText(null), a.path("value"));
                    case "suicide" -> add(out, TransferKind.TRANSFER_KIND_SELFDESTRUCT, path, a.path("address").asText(null),
                            a.path("refundAddress").asText(null), a.path("balance"));
                    default -> {
                        // block rewards and unknown kinds carry no transaction value
                    }
                }
            }
        }
        return out;
    }

    private static boolean underFailed(String path, Set<String> failed) {
        for (String f : failed) {
            if (f.isEmpty() || path.startsWith(f + ".")) {
                return true;
            }
        }
        return false;
    }

    private static String tracePath(JsonNode traceAddress) {
        StringBuilder sb = new StringBuilder();
        for (JsonNode n : traceAddress) {
            if (sb.length() > 0) {
                sb.append('.');
            }
            sb.append(n.asInt());
        }
        return sb.toString();
    }

    private void walkCallFrames(JsonNode calls, String prefix, List<Internal> out) {
        if (calls == null || !calls.isArray()) {
            return;
        }
        for (int i = 0; i < calls.size(); i++) {
            JsonNode f = calls.get(i);
            String path = prefix.isEmpty() ? Integer.toString(i) : prefix + "." + i;
            if (f.hasNonNull("error")) {
                // a reverted frame moved nothing, nor did anything below it
                continue;
            }
            String type = f.path("type").asText("").toUpperCase(Locale.ROOT);
            if (type.equals("CALL") || type.equals("CREATE") || type.equals("CREATE2") || type.equals("SELFDESTRUCT")) {
                TransferKind kind = type.equals("SELFDESTRUCT")
                        ? TransferKind.TRANSFER_KIND_SELFDESTRUCT : TransferKind.TRANSFER_KIND_INTERNAL;
                add(out, kind, path, f.path("from").asText(null), f.path("to").asText(null), f.path("value"));
            }
            walkCallFrames(f.path("calls"), path, out);
        }
    }

    private static void add(List<Internal> out, TransferKind kind, String path, String from, String to,
                            JsonNode value) {
        if (value == null || value.isMissingNode() || value.isNull()) {
            return;
        }
        BigInteger v = quantity(value.asText(), "trace value");
        if (v.signum() > 0) {
            if (from == null || to == null) {
                throw new IllegalArgumentException("trace " + path + " moves " + v + " wei without from/to");
            }
            out.add(new Internal(kind, path, Addresses.normalize(from), Addresses.normalize(to), v));
        }
    }

    // ---------------------------------------------------------------- hex

    static BigInteger quantity(String hex, String what) {
        if (hex == null || !(hex.startsWith("0x") || hex.startsWith("0X")) || hex.length() < 3) {
            throw new IllegalArgumentException(what + " is not a 0x hex quantity: " + hex);
        }
        try {
            return Uint256.parse(hex);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + " is not a 0x hex quantity: " + hex, e);
        }
    }

    private static String lower(String s) {
        return s == null ? "" : s.toLowerCase(Locale.ROOT);
    }
}
