package io.chaintrack.api;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * REST bodies are pooled direct buffers the server must release on every path: written, dropped for a HEAD, or
 * never written because the client left first. Netty's leak detector, tracking every buffer, reports none.
 */
class ResponseBufferLeakTest {
    private static final String DETECTOR = ResourceLeakDetector.class.getName();
    static ApiFixture fixture;
    static ResourceLeakDetector.Level level;
    static ListAppender<ILoggingEvent> leaks = new ListAppender<>();

    @BeforeAll
    static void start() throws Exception {
        level = ResourceLeakDetector.getLevel();
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
        leaks.setContext((LoggerContext) LoggerFactory.getILoggerFactory());
        leaks.start();
        ((Logger) LoggerFactory.getLogger(DETECTOR)).addAppender(leaks);
        fixture = ApiFixture.builder().seed(new SeedData()::seed).start();
    }

    @AfterAll
    static void stop() throws Exception {
        ((Logger) LoggerFactory.getLogger(DETECTOR)).detachAppender(leaks);
        ResourceLeakDetector.setLevel(level);
        fixture.close();
    }

    @Test
    void everyResponseBufferIsReleased() throws Exception {
        int port = fixture.api.httpPort();
        List<String> paths = List.of(
                "/v1/chains/1/addresses/" + SeedData.A + "/transfers",
                "/v1/chains/1/addresses/" + SeedData.A + "/tokens/native/history",
                "/v1/chains/1/addresses/" + SeedData.A + "/balances",
                "/v1/chains",
                "/v1/health/readiness");
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        for (int round = 0; round < 40; round++) {
            for (String path : paths) {
                HttpResponse<String> got = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(got.statusCode()).as(path).isEqualTo(200);
                HttpResponse<Void> head = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                        .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
                assertThat(head.statusCode()).as("HEAD " + path).isLessThan(500);
                try (Socket gone = new Socket("localhost", port)) { // asks, then leaves before the answer
                    OutputStream out = gone.getOutputStream();
                    out.write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                }
            }
        }
        // a leak is reported when a collected, unreleased buffer is noticed by a later allocation
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(100);
            for (int j = 0; j < 200; j++) {
                ByteBuf probe = ByteBufAllocator.DEFAULT.directBuffer(16);
                probe.release();
            }
        }
        assertThat(leaks.list).extracting(ILoggingEvent::getFormattedMessage).noneMatch(m -> m.contains("LEAK"));
    }
}
