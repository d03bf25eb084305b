package io.chaintrack.connectors.evm;

import java.io.Serializable;

/**
 * How far behind the node's head the follower emits: N confirmations below the latest block, or the block the
 * node tags {@code safe} / {@code finalized}. The emit horizon never passes the latest block.
 */
public record FinalityPolicy(Kind kind, int confirmations) implements Serializable {

    public enum Kind { CONFIRMATIONS, SAFE, FINALIZED }

    public FinalityPolicy {
        if (kind == null) {
            throw new IllegalArgumentException("finality policy kind is required");
        }
        if (kind == Kind.CONFIRMATIONS && confirmations < 0) {
            throw new IllegalArgumentException("confirmations must be >= 0, got " + confirmations);
        }
        if (kind != Kind.CONFIRMATIONS && confirmations != 0) {
            throw new IllegalArgumentException("confirmations only apply to the CONFIRMATIONS policy, not " + kind);
        }
    }

    /** Emit blocks once {@code n} blocks sit on top of them; 0 follows the tip. */
    public static FinalityPolicy confirmations(int n) {
        return new FinalityPolicy(Kind.CONFIRMATIONS, n);
    }

    public static FinalityPolicy safe() {
        return new FinalityPolicy(Kind.SAFE, 0);
    }

    public static FinalityPolicy finalized() {
        return new FinalityPolicy(Kind.FINALIZED, 0);
    }

    /** "safe", "finalized" or a number of confirmations, as written in configuration and preset files. */
    public static FinalityPolicy parse(String text) {
        return switch (text) {
            case "safe" -> safe();
            case "finalized" -> finalized();
            default -> {
                try {
                    yield confirmations(Integer.parseInt(text));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("finality must be a number of confirmations, 'safe' or"
                            + " 'finalized', was '" + text + "'");
                }
            }
        };
    }

    /** The block tag to ask the node for, or null when the horizon is computed from the latest block. */
    public String blockTag() {
        return switch (kind) {
            case CONFIRMATIONS -> null;
            case SAFE -> "safe";
            case FINALIZED -> "finalized";
        };
    }

    @Override
    public String toString() {
        return kind == Kind.CONFIRMATIONS ? confirmations + " confirmations" : blockTag();
    }
}
