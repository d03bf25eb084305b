package io.chaintrack.api.query;

import io.chaintrack.api.tokens.Erc20Metadata;
import io.chaintrack.api.tokens.TokenMetadataResolver;
import io.chaintrack.api.tokens.TokenMetadataStore;
import io.chaintrack.proto.v1.BalanceView;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Adds the stored token metadata (symbol, name, decimals) to balance rows in one look-up per answer; a token
 * not looked up yet gets empty fields and wakes the resolver, it never waits for the chain.
 */
@Singleton
public final class TokenMetadataReader {
    private final Store store;
    private final TokenMetadataResolver resolver;

    public TokenMetadataReader(Store store, TokenMetadataResolver resolver) {
        this.store = store;
        this.resolver = resolver;
    }

    public List<BalanceView> withMetadata(Connection c, long chainId, List<BalanceView> balances) throws SQLException {
        Set<String> tokens = new LinkedHashSet<>();
        for (BalanceView b : balances) {
            if (!b.getToken().equals("native")) {
                tokens.add(b.getToken());
            }
        }
        Map<String, Erc20Metadata.Metadata> known = TokenMetadataStore.read(store, c, chainId, tokens);
        if (known.size() < tokens.size()) {
            resolver.nudge();
        }
        List<BalanceView> out = new ArrayList<>(balances.size());
        for (BalanceView b : balances) {
            Erc20Metadata.Metadata m = known.get(b.getToken());
            if (m == null) {
                out.add(b);
                continue;
            }
            BalanceView.Builder view = b.toBuilder().setSymbol(m.symbol() == null ? "" : m.symbol()).setName(m.name() == null ? "" : m.name());
            if (m.decimals() != null) {
                view.setDecimals(m.decimals());
            }
            out.add(view.build());
        }
        return out;
    }
}
