package io.chaintrack.api;

import io.micronaut.runtime.Micronaut;

/** Stand-alone entry point: HTTP on micronaut.server.port (8080), gRPC on grpc.server.port (50051). */
public final class QueryApiApplication {
    private QueryApiApplication() {}

    public static void main(String[] args) {
        Micronaut.build(args).mainClass(QueryApiApplication.class).banner(false).start();
    }
}
