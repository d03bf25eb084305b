package io.chaintrack.api.query;

import io.chaintrack.api.error.ApiException;

/**
 * Where a live stream delivers, implemented by each transport. Called from one scheduler thread at a time;
 * a sink that is not ready (flow control) makes the stream skip a poll rather than buffer.
 */
public interface StreamSink<T> {
    /** Whether the client can take messages now. */
    boolean ready();

    /** Whether the client went away; the stream then stops and frees its slot. */
    boolean closed();

    void send(T message);

    /** Ends the stream with an error (the stream is over afterwards). */
    void fail(ApiException error);

    /** Ends the stream normally: everything it was opened for has been sent. */
    void complete();

    /** Nothing was sent for a while: keep the connection alive if the transport needs it. */
    void heartbeat();
}
