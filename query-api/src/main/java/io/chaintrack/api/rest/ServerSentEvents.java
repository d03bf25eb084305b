package io.chaintrack.api.rest;

import com.google.protobuf.Message;
import io.chaintrack.api.error.ApiException;
import io.chaintrack.api.query.LiveStreams;
import io.chaintrack.api.query.StreamSink;
import io.micronaut.http.sse.Event;
import java.nio.charset.StandardCharsets;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;

/**
 * A live stream as Server-Sent Events: each message is one event of the given name whose data is its proto
 * JSON; a failure is an "error" event carrying the problem document, after which the stream ends. The
 * stream only polls while the client has demand, and stops when the connection goes away.
 */
final class ServerSentEvents {
    private ServerSentEvents() {}

    static <T extends Message> Publisher<Event<String>> of(String eventName, LiveStreams.Prepared<T> prepared) {
        return Flux.create(emitter -> {
            // a first comment sends the headers at once: the client knows the stream is live
            emitter.next(Event.of("").comment("subscribed"));
            LiveStreams.Subscription subscription = prepared.start(new StreamSink<>() {
                @Override
                public boolean ready() {
                    return emitter.requestedFromDownstream() > 0;
                }

                @Override
                public boolean closed() {
                    return emitter.isCancelled();
                }

                @Override
                public void send(T message) {
                    emitter.next(Event.of(ProtoJson.print(message)).name(eventName));
                }

                @Override
                public void fail(ApiException error) {
                    String problem = new String(Problems.body(error.kind(), error.kind().httpStatus(), error.detail(),
                            error.parameter().orElse(null)), StandardCharsets.UTF_8);
                    emitter.next(Event.of(problem).name("error"));
                    emitter.complete();
                }

                @Override
                public void complete() {
                    emitter.complete();
                }

                @Override
                public void heartbeat() {
                    emitter.next(Event.of("").comment("keep-alive"));
                }
            });
            emitter.onDispose(subscription::cancel);
        }, FluxSink.OverflowStrategy.BUFFER);
    }
}
