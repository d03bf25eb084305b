package io.chaintrack.api;

import io.micronaut.context.ApplicationContext;
import io.micronaut.grpc.server.GrpcEmbeddedServer;
import io.micronaut.http.server.netty.NettyEmbeddedServer;
import java.util.HashMap;
import java.util.Map;

/**
 * In-process handle on a running query API (HTTP + gRPC over one PostgreSQL), for the one-command
 * stack and for tests. Closing it stops both servers and the connection pool; it never migrates.
 */
public final class QueryApi implements AutoCloseable {
    private final ApplicationContext context;
    private final int httpPort;
    private final int grpcPort;

    private QueryApi(ApplicationContext context, int httpPort, int grpcPort) {
        this.context = context;
        this.httpPort = httpPort;
        this.grpcPort = grpcPort;
    }

    /**
     * Starts the API with authentication disabled (the embedded stack is local).
     *
     * @param httpPort 0 for any free port
     * @param grpcPort 0 for any free port
     */
    public static QueryApi start(String jdbcUrl, String user, String password, int httpPort, int grpcPort) {
        return start(jdbcUrl, user, password, httpPort, grpcPort, Map.of());
    }

    /** As {@link #start(String, String, String, int, int)} with extra configuration properties (they win). */
    public static QueryApi start(String jdbcUrl, String user, String password, int httpPort, int grpcPort,
                                 Map<String, Object> properties) {
        Map<String, Object> config = new HashMap<>();
        config.put("datasources.default.url", jdbcUrl);
        config.put("datasources.default.username", user);
        config.put("datasources.default.password", password == null ? "" : password);
        config.put("micronaut.server.port", httpPort == 0 ? -1 : httpPort);
        config.put("grpc.server.port", grpcPort);
        config.put("chaintrack.api.auth.enabled", false);
        config.putAll(properties);
        ApplicationContext context = ApplicationContext.builder(QueryApiApplication.class)
                .properties(config)
                .deduceEnvironment(false)
                .banner(false)
                .start();
        try {
            NettyEmbeddedServer http = context.getBean(NettyEmbeddedServer.class);
            http.start();
            GrpcEmbeddedServer grpc = context.getBean(GrpcEmbeddedServer.class);
            if (!grpc.isRunning()) {
                grpc.start();
            }
            return new QueryApi(context, http.getPort(), grpc.getPort());
        } catch (RuntimeException e) {
            context.close();
            throw e;
        }
    }

    public int httpPort() {
        return httpPort;
    }

    public int grpcPort() {
        return grpcPort;
    }

    /** The Micronaut context, for callers that need a bean (tests, the stack's wiring). */
    public ApplicationContext context() {
        return context;
    }

    @Override
    public void close() {
        context.close();
    }
}
