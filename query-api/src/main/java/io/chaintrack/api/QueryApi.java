package io.chaintrack.api;

import io.chaintrack.api.config.LayeredApiProperties;
import io.chaintrack.core.config.LayeredConfig;
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
        LayeredConfig layers = LayeredConfig.builder().environmentPrefix(null)
                .flag("chaintrack.api.datasource.url", jdbcUrl)
                .flag("chaintrack.api.datasource.user", user)
                .flag("chaintrack.api.datasource.password", password == null ? "" : password)
                .flag("chaintrack.api.http-port", Integer.toString(httpPort))
                .flag("chaintrack.api.grpc-port", Integer.toString(grpcPort))
                .flag("chaintrack.api.auth.enabled", "false")
                .build();
        return start(layers, properties);
    }

    /**
     * Starts the API configured by {@code layers} (file, environment and flags above application.yml);
     * {@code overrides} are Micronaut properties above even those (the embedding process decides them).
     * Port 0 means any free port.
     */
    public static QueryApi start(LayeredConfig layers, Map<String, Object> overrides) {
        Map<String, Object> top = new HashMap<>(overrides);
        if (layers.has("chaintrack.api.http-port") && layers.intValue("chaintrack.api.http-port") == 0) {
            top.putIfAbsent("micronaut.server.port", -1);
        }
        ApplicationContext context = ApplicationContext.builder(QueryApiApplication.class)
                .propertySources(LayeredApiProperties.propertySource(layers, top))
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
