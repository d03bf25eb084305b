package io.chaintrack.api;

import io.grpc.Context;
import io.grpc.stub.StreamObserver;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Client ends of live streams that remember why they stopped reading: a stream may only end because the test
 * closed it, so an error or an end before close() fails every later check instead of looking like silence.
 */
final class LiveReaders {
    private LiveReaders() {}

    static final Duration WAIT = Duration.ofSeconds(30);

    /** Messages in arrival order plus the reader's fate; subclasses feed it from their transport's thread. */
    abstract static class Reader<M> implements AutoCloseable {
        final String name;
        final BlockingQueue<M> messages = new LinkedBlockingQueue<>();
        private final AtomicReference<Throwable> failure = new AtomicReference<>();
        private volatile boolean closing;

        Reader(String name) {
            this.name = name;
        }

        final void received(M message) {
            messages.add(message);
        }

        /** Called from the reading side when it stops; only a stop the test asked for is not a failure. */
        final void stopped(Throwable cause) {
            if (!closing) {
                failure.compareAndSet(null, cause != null ? cause : new IllegalStateException(name + " ended before the test closed it"));
            }
        }

        final void assertAlive() {
            Throwable f = failure.get();
            if (f != null) {
                throw new AssertionError(name + " stopped reading: " + f, f);
            }
        }

        /** The next message, failing at once (not after the timeout) when the reader has stopped. */
        final M next() throws InterruptedException {
            assertAlive();
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (true) {
                M m = messages.poll(50, TimeUnit.MILLISECONDS);
                if (m != null) {
                    return m;
                }
                assertAlive();
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("no message on " + name + " within " + WAIT);
                }
            }
        }

        final List<M> next(int n) throws InterruptedException {
            List<M> out = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                out.add(next());
            }
            return out;
        }

        /** Nothing is waiting and the reader still runs: the caller must still prove it ran through the quiet period. */
        final void assertNothingQueued() {
            assertAlive();
            if (!messages.isEmpty()) {
                throw new AssertionError("unexpected messages on " + name + ": " + messages);
            }
        }

        @Override
        public void close() {
            closing = true;
            stop();
        }

        abstract void stop();
    }

    /** A server-streaming gRPC call in its own cancellable context; onError or onCompleted before close() is a failure. */
    static final class Grpc<M> extends Reader<M> implements StreamObserver<M> {
        private final Context.CancellableContext scope = Context.current().withCancellation();

        Grpc(String name, Consumer<StreamObserver<M>> call) {
            super(name);
            scope.run(() -> call.accept(this));
        }

        @Override
        public void onNext(M value) {
            received(value);
        }

        @Override
        public void onError(Throwable t) {
            stopped(t);
        }

        @Override
        public void onCompleted() {
            stopped(null);
        }

        @Override
        void stop() {
            scope.cancel(null);
        }
    }

    /** An SSE client on a real HTTP connection: events named {@code event} parsed, every line kept for inspection. */
    static final class Sse<M> extends Reader<M> {
        interface Parser<M> {
            M parse(String json) throws Exception;
        }

        final HttpResponse<Stream<String>> response;
        final List<String> lines = Collections.synchronizedList(new ArrayList<>());
        private final Thread thread;

        Sse(String name, URI uri, String event, Parser<M> parser) throws Exception {
            super(name);
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            response = http.send(HttpRequest.newBuilder(uri).header("Accept", "text/event-stream").build(),
                    HttpResponse.BodyHandlers.ofLines());
            thread = new Thread(() -> {
                String current = null;
                try {
                    for (String line : (Iterable<String>) response.body()::iterator) {
                        lines.add(line);
                        if (line.startsWith("event:")) {
                            current = line.substring(6).strip();
                        } else if (line.startsWith("data:") && event.equals(current)) {
                            received(parser.parse(line.substring(5).strip()));
                        } else if (line.isEmpty()) {
                            current = null;
                        }
                    }
                    stopped(null);
                } catch (Throwable t) {
                    stopped(t);
                }
            }, "sse-" + name);
            thread.setDaemon(true);
            thread.start();
        }

        long count(String line) {
            synchronized (lines) {
                return lines.stream().filter(line::equals).count();
            }
        }

        @Override
        void stop() {
            response.body().close();
        }
    }
}
