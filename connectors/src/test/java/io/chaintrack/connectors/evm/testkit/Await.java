package io.chaintrack.connectors.evm.testkit;

import java.util.concurrent.Callable;
import java.util.function.Supplier;

/** Polls a condition; a test waiting for the follower fails with a description instead of hanging. */
public final class Await {
    private Await() {}

    public static void until(Callable<Boolean> condition, long timeoutMillis, Supplier<String> describe) throws Exception {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (!condition.call()) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("condition not reached in " + timeoutMillis + " ms: " + describe.get());
            }
            Thread.sleep(25);
        }
    }
}
