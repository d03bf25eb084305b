package io.chaintrack.core.model;

import io.chaintrack.proto.v1.TokenStandard;
import java.util.List;

/**
 * The one mapping between {@link TokenStandard} and the names tables and state spell (NATIVE, ERC20, ...).
 * {@link #NAMES} is append-only: balance state stores a standard as its index in it.
 */
public final class TokenStandards {
    private TokenStandards() {}

    /** Every stored name, in code order; never reorder, only append. */
    public static final List<String> NAMES = List.of("NATIVE", "ERC20", "ERC721", "ERC1155");

    private static final List<TokenStandard> STANDARDS = List.of(TokenStandard.TOKEN_STANDARD_NATIVE,
            TokenStandard.TOKEN_STANDARD_ERC20, TokenStandard.TOKEN_STANDARD_ERC721, TokenStandard.TOKEN_STANDARD_ERC1155);

    /** The stored name of a concrete standard; UNSPECIFIED and unknown values have none. */
    public static String name(TokenStandard standard) {
        int i = STANDARDS.indexOf(standard);
        if (i < 0) {
            throw new IllegalArgumentException("no stored name for token standard " + standard);
        }
        return NAMES.get(i);
    }

    /** Whether {@code standard} is one a transfer can carry (not UNSPECIFIED, not an unknown number). */
    public static boolean isConcrete(TokenStandard standard) {
        return STANDARDS.contains(standard);
    }

    /** The standard a stored name spells; UNSPECIFIED for a name this build does not know. */
    public static TokenStandard parse(String stored) {
        int i = NAMES.indexOf(stored);
        return i < 0 ? TokenStandard.TOKEN_STANDARD_UNSPECIFIED : STANDARDS.get(i);
    }
}
