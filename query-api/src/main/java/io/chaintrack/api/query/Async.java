package io.chaintrack.api.query;

import io.chaintrack.api.error.ApiException;
import io.chaintrack.api.error.ErrorKind;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/**
 * Asynchronous answers complete with the domain's own exception (an {@link ApiException}), never with the
 * CompletionException wrapper a stage adds, so both transports map failures exactly as for synchronous calls.
 */
public final class Async {
    private Async() {}

    /** The failure a caller should see: unwrapped, a passed deadline as DEADLINE_EXCEEDED. */
    public static RuntimeException cause(Throwable error) {
        Throwable e = error;
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        if (e instanceof TimeoutException) {
            return new ApiException(ErrorKind.DEADLINE_EXCEEDED, null, "the request deadline passed before its query answered", e);
        }
        if (e instanceof RuntimeException r) {
            return r;
        }
        return new ApiException(ErrorKind.INTERNAL, null, "internal error", e);
    }

    /** The same answer, failing with {@link #cause} of the stage's failure. */
    public static <T> CompletableFuture<T> unwrapped(CompletableFuture<T> future) {
        CompletableFuture<T> out = new CompletableFuture<>();
        future.whenComplete((value, error) -> {
            if (error == null) {
                out.complete(value);
            } else {
                out.completeExceptionally(cause(error));
            }
        });
        return out;
    }
}
