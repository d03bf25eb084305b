package io.chaintrack.stack;

import static org.assertj.core.api.Assertions.assertThat;

import io.chaintrack.core.config.ConfiguredCommandLine;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Started with no address options, every socket the stack listens on (REST, gRPC, Kafka, Flink, PostgreSQL) is
 * bound to loopback, and the embedded PostgreSQL writes its log into the state directory. With --auth true the
 * API it starts wants a key.
 */
class StackBindAddressTest {
    @TempDir
    Path dir;

    @Test
    void everySocketOfTheStackIsOnLoopbackByDefaultAndAuthCanBeTurnedOn() throws Exception {
        CommandLine cli = ChaintrackCli.commandLine();
        ConfiguredCommandLine.parse(cli, Map.of(), "stack", "--state-dir", dir.toString(), "--http-port", "0",
                "--grpc-port", "0", "--postgres-port", "0", "--blocks-per-second", "2", "--transfers-per-block", "5",
                "--auth", "true");
        StackCommand command = cli.getSubcommands().get("stack").getCommand();
        StateDirectory state = StateDirectory.open(dir);
        StackCommand.Stack stack = command.new Stack();
        try {
            stack.start(state);
            List<ListeningSockets.Listening> listening = new ArrayList<>(ListeningSockets.ofThisProcess());
            int postgresPort = stack.postgres.port();
            // PostgreSQL is its own process: its sockets are found by port
            ListeningSockets.all().stream().filter(l -> l.port() == postgresPort).forEach(listening::add);

            assertThat(listening).extracting(ListeningSockets.Listening::port)
                    .contains(stack.api.httpPort(), stack.api.grpcPort(), postgresPort);
            String known = "REST " + stack.api.httpPort() + ", gRPC " + stack.api.grpcPort() + ", PostgreSQL "
                    + postgresPort + ", Kafka " + stack.kafka.bootstrapServers();
            assertThat(listening).as("listening sockets of the stack (" + known + ")")
                    .allMatch(ListeningSockets.Listening::loopback);
            HttpResponse<String> anonymous = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + stack.api.httpPort() + "/v1/chains")).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(anonymous.statusCode()).as("a call without x-api-key, --auth true").isEqualTo(401);
            assertThat(state.postgresLog()).isRegularFile();
            assertThat(Files.size(state.postgresLog())).as("PostgreSQL log in the state directory").isPositive();
        } finally {
            stack.stop(state);
        }
    }
}
