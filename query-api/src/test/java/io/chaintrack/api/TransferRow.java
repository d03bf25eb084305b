package io.chaintrack.api;

import com.google.protobuf.Timestamp;
import io.chaintrack.proto.v1.TokenStandard;
import io.chaintrack.proto.v1.TransferView;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Comparator;

/** One row of the transfers table as a test seeds it, and the view the API must render for it. */
record TransferRow(long chainId, String blockHash, long blockNumber, Instant blockTime, String txHash, int txIndex,
                   int logIndex, String traceAddress, int batchIndex, String token, String standard, String from,
                   String to, BigInteger amount, BigInteger tokenId, String operator, boolean canonical) {

    /** The API's order: newest first by (block_number, tx_index, log_index, batch_index, trace_address). */
    static final Comparator<TransferRow> NEWEST_FIRST = Comparator.comparingLong(TransferRow::blockNumber)
            .thenComparingInt(TransferRow::txIndex).thenComparingInt(TransferRow::logIndex)
            .thenComparingInt(TransferRow::batchIndex).thenComparing(TransferRow::traceAddress).reversed();

    void insert(Connection c) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("INSERT INTO transfers (chain_id, block_hash, tx_index, log_index,"
                + " trace_address, batch_index, block_number, block_time, tx_hash, token, standard, from_address, to_address,"
                + " amount, token_id, operator, canonical) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")) {
            st.setLong(1, chainId);
            st.setString(2, blockHash);
            st.setInt(3, txIndex);
            st.setInt(4, logIndex);
            st.setString(5, traceAddress);
            st.setInt(6, batchIndex);
            st.setLong(7, blockNumber);
            st.setObject(8, blockTime.atOffset(ZoneOffset.UTC));
            st.setString(9, txHash);
            st.setString(10, token);
            st.setString(11, standard);
            st.setString(12, from);
            st.setString(13, to);
            st.setBigDecimal(14, new java.math.BigDecimal(amount));
            if (tokenId == null) {
                st.setNull(15, Types.NUMERIC);
            } else {
                st.setBigDecimal(15, new java.math.BigDecimal(tokenId));
            }
            st.setString(16, operator);
            st.setBoolean(17, canonical);
            st.executeUpdate();
        }
    }

    TransferView view() {
        return TransferView.newBuilder()
                .setChainId(chainId).setBlockNumber(blockNumber).setBlockHash(blockHash)
                .setBlockTime(Timestamp.newBuilder().setSeconds(blockTime.getEpochSecond()).setNanos(blockTime.getNano()))
                .setTxHash(txHash).setTxIndex(txIndex).setLogIndex(logIndex).setTraceAddress(traceAddress)
                .setBatchIndex(batchIndex).setToken(token).setStandard(TokenStandard.valueOf("TOKEN_STANDARD_" + standard))
                .setFromAddress(from).setToAddress(to).setAmount(amount.toString())
                .setTokenId(tokenId == null ? "" : tokenId.toString())
                .setOperator(operator == null ? "" : operator)
                .build();
    }

    boolean touches(String address) {
        return from.equals(address) || to.equals(address);
    }
}
