package io.chaintrack.connectors.evm.fetch;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.web3j.protocol.core.methods.response.EthBlock;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/**
 * Everything fetched for one block, already checked to belong to that block's hash: the block with full
 * transactions, its transfer-topic logs, receipts in transaction order (null when native transfers are off)
 * and traces (null unless configured; callTracer: one frame per transaction, trace_block: the flat list).
 */
public record BlockBundle(EthBlock.Block block, List<Log> logs, List<TransactionReceipt> receipts, JsonNode traces) {

    public long number() {
        return block.getNumber().longValueExact();
    }

    public String hash() {
        return block.getHash();
    }
}
