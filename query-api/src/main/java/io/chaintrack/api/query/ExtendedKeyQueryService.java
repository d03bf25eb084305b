package io.chaintrack.api.query;

import io.chaintrack.api.error.InvalidArgumentException;
import io.chaintrack.core.utxo.ExtendedKeyWallet;
import io.chaintrack.core.utxo.UtxoNetwork;
import io.chaintrack.proto.v1.BalanceView;
import io.chaintrack.proto.v1.DerivedAddressView;
import io.chaintrack.proto.v1.GetExtendedKeyBalancesRequest;
import io.chaintrack.proto.v1.GetExtendedKeyBalancesResponse;
import io.chaintrack.proto.v1.TokenStandard;
import jakarta.inject.Singleton;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;
import java.util.List;

/**
 * A UTXO wallet given by its extended public key is many addresses with one balance: the addresses are derived
 * (receive, then change) until gap_limit in a row have no transfer in chaintrack, and their balances summed.
 * Read only; the derivation is bitcoinj's ({@link ExtendedKeyWallet}).
 */
@Singleton
public final class ExtendedKeyQueryService {
    /** Which of the addresses have a transfer: one statement per gap-sized batch, each side on its own index. */
    private static final String USED = "SELECT from_address FROM transfers WHERE chain_id = ? AND from_address = ANY (?) AND canonical"
            + " UNION SELECT to_address FROM transfers WHERE chain_id = ? AND to_address = ANY (?) AND canonical";
    private static final String SUMS = "SELECT token, sum(balance) AS balance, max(block_number) AS block_number"
            + " FROM current_balances WHERE chain_id = ? AND address = ANY (?) GROUP BY token ORDER BY token";

    private final ChainDirectory chains;
    private final Store store;

    public ExtendedKeyQueryService(ChainDirectory chains, Store store) {
        this.chains = chains;
        this.store = store;
    }

    public GetExtendedKeyBalancesResponse getExtendedKeyBalances(GetExtendedKeyBalancesRequest request) {
        UtxoNetwork network = UtxoNetwork.byChainId(request.getChainId()).orElseThrow(() -> new InvalidArgumentException(
                "chain_id", "extended keys exist on UTXO chains only; " + request.getChainId() + " is not one"));
        if (request.getKey().isEmpty()) {
            throw new InvalidArgumentException("key", "is required (an xpub/ypub/zpub or a pkh/sh(wpkh)/wpkh descriptor)");
        }
        int gap = request.getGapLimit() == 0 ? ExtendedKeyWallet.DEFAULT_GAP : (int) request.getGapLimit();
        if (gap > 1000) {
            throw new InvalidArgumentException("gap_limit", "must be 1..1000, not " + request.getGapLimit());
        }
        ExtendedKeyWallet wallet;
        try {
            wallet = ExtendedKeyWallet.parse(network, request.getKey());
        } catch (IllegalArgumentException e) {
            throw new InvalidArgumentException("key", e.getMessage());
        }
        long chainId = chains.requireKnown(request.getChainId());
        return store.read(c -> {
            GetExtendedKeyBalancesResponse.Builder out = GetExtendedKeyBalancesResponse.newBuilder()
                    .setChainId(chainId).setScriptType(wallet.kind().name());
            List<String> addresses = new ArrayList<>();
            try (PreparedStatement used = store.prepare(c, USED)) {
                for (int chain = 0; chain <= 1; chain++) {
                    // derive gap addresses at a time; stop after gap unused ones in a row
                    int unused = 0;
                    for (int next = 0; unused < gap; next += gap) {
                        List<String> batch = new ArrayList<>(gap);
                        for (int i = next; i < next + gap; i++) {
                            batch.add(wallet.address(chain, i));
                        }
                        Set<String> withHistory = used(c, used, chainId, batch);
                        for (int i = 0; i < batch.size() && unused < gap; i++) {
                            boolean u = withHistory.contains(batch.get(i));
                            out.addAddresses(DerivedAddressView.newBuilder().setAddress(batch.get(i)).setChain(chain)
                                    .setIndex(next + i).setUsed(u));
                            addresses.add(batch.get(i));
                            unused = u ? 0 : unused + 1;
                        }
                    }
                }
            }
            try (PreparedStatement st = store.prepare(c, SUMS)) {
                st.setLong(1, chainId);
                st.setArray(2, c.createArrayOf("text", addresses.toArray()));
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        BigDecimal sum = rs.getBigDecimal("balance");
                        out.addBalances(BalanceView.newBuilder().setToken(rs.getString("token"))
                                .setStandard(TokenStandard.TOKEN_STANDARD_NATIVE)
                                .setBalance(sum.toBigIntegerExact().toString())
                                .setNegative(sum.signum() < 0)
                                .setBlockNumber(rs.getLong("block_number")));
                    }
                }
            }
            return out.build();
        });
    }

    private static Set<String> used(Connection c, PreparedStatement st, long chainId, List<String> addresses) throws SQLException {
        java.sql.Array array = c.createArrayOf("text", addresses.toArray());
        st.setLong(1, chainId);
        st.setArray(2, array);
        st.setLong(3, chainId);
        st.setArray(4, array);
        Set<String> out = new HashSet<>();
        try (ResultSet rs = st.executeQuery()) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }
}
