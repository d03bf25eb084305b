package io.chaintrack.core.model;

import io.chaintrack.proto.v1.TransferKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The one mapping between {@link TransferKind} and the name the transfers table stores: the enum name in lower case
 * without its TRANSFER_KIND_ prefix ("fee", "block_reward"). UNSPECIFIED is stored as NULL.
 */
public final class TransferKinds {
    private static final String PREFIX = "TRANSFER_KIND_";

    private TransferKinds() {}

    /** The stored name, or null for UNSPECIFIED and numbers this build does not know. */
    public static String name(TransferKind kind) {
        if (kind == null || kind == TransferKind.TRANSFER_KIND_UNSPECIFIED || kind == TransferKind.UNRECOGNIZED) {
            return null;
        }
        return kind.name().substring(PREFIX.length()).toLowerCase(Locale.ROOT);
    }

    /** The kind a stored name spells; UNSPECIFIED for NULL or a name this build does not know. */
    public static TransferKind parse(String stored) {
        if (stored == null) {
            return TransferKind.TRANSFER_KIND_UNSPECIFIED;
        }
        try {
            return TransferKind.valueOf(PREFIX + stored.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return TransferKind.TRANSFER_KIND_UNSPECIFIED;
        }
    }

    /** Every concrete kind's enum name, for error messages naming the accepted values. */
    public static List<String> concreteNames() {
        List<String> out = new ArrayList<>();
        for (TransferKind k : TransferKind.values()) {
            if (k != TransferKind.TRANSFER_KIND_UNSPECIFIED && k != TransferKind.UNRECOGNIZED) {
                out.add(k.name());
            }
        }
        return out;
    }
}
