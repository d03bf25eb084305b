package io.chaintrack.api.context;

import io.micronaut.core.propagation.ThreadPropagatedContextElement;
import java.util.Optional;

/**
 * The caller of the request the current thread serves, set by the transports (peer) and by the authorizer
 * (key, user) like {@link Deadlines}: REST through Micronaut's propagated context, gRPC around each callback.
 */
public final class Callers {
    private static final ThreadLocal<Caller> CALLER = new ThreadLocal<>();

    private Callers() {}

    public static Optional<Caller> current() {
        return Optional.ofNullable(CALLER.get());
    }

    public static Caller set(Caller caller) {
        Caller previous = CALLER.get();
        if (caller == null) {
            CALLER.remove();
        } else {
            CALLER.set(caller);
        }
        return previous;
    }

    /** Runs {@code work} as {@code caller}, restoring the previous caller afterwards. */
    public static void runAs(Caller caller, Runnable work) {
        Caller previous = set(caller);
        try {
            work.run();
        } finally {
            set(previous);
        }
    }

    /** Carries the caller to whichever thread Micronaut runs the controller on. */
    public record Propagated(Caller caller) implements ThreadPropagatedContextElement<Caller> {
        @Override
        public Caller updateThreadContext() {
            return set(caller);
        }

        @Override
        public void restoreThreadContext(Caller previous) {
            set(previous);
        }
    }
}
