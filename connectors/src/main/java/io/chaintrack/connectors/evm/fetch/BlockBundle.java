package io.chaintrack.connectors.evm.fetch;

import com.fasterxml.jackson.databind.JsonNode;
import io.chaintrack.connectors.evm.preset.GenesisAllocations.Allocation;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import org.web3j.protocol.core.methods.response.EthBlock;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/**
 * Everything fetched for one block, already checked to belong to that block's hash: the block with full
 * transactions, its transfer-topic logs, receipts in transaction order (null when native transfers are off),
 * traces (null unless configured; callTracer: one frame per transaction, trace_block: the flat list) and what the
 * chain preset needs beyond them ({@link Extras}).
 */
public record BlockBundle(EthBlock.Block block, List<Log> logs, List<TransactionReceipt> receipts, JsonNode traces,
                          Extras extras) {

    public BlockBundle(EthBlock.Block block, List<Log> logs, List<TransactionReceipt> receipts, JsonNode traces) {
        this(block, logs, receipts, traces, Extras.NONE);
    }

    /**
     * Native balance changes no transaction shows.
     *
     * @param uncles   the uncles' headers, in the block's order (only where the block pays rewards)
     * @param drained  balance at the block before of every account an irregular change drains at this block
     * @param genesis  block 0's allocations
     */
    public record Extras(List<Uncle> uncles, Map<String, BigInteger> drained, List<Allocation> genesis) {
        public static final Extras NONE = new Extras(List.of(), Map.of(), List.of());
    }

    public record Uncle(long number, String hash, String miner) {}

    public long number() {
        return block.getNumber().longValueExact();
    }

    public String hash() {
        return block.getHash();
    }
}
