package io.chaintrack.jobs.balances;

/**
 * The event stream asks {@link CanonicalChainGate} to undo or replace a block it no longer holds (deeper than its
 * horizon) or to attach a block whose parent is not the canonical block below it. Applying it anyway would leave
 * the tables off the chain silently; failing names the block so the horizon (or the source) can be fixed.
 */
public final class ReorgBeyondHorizonException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    public ReorgBeyondHorizonException(String message) {
        super(message);
    }
}
