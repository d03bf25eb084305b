package io.chaintrack.api;

import io.micronaut.runtime.Micronaut;

/** Stand-alone entry point: HTTP on micronaut.server.port (8080), gRPC on grpc.server.port (50051). */
public final class QueryApiApplication {
    private QueryApiApplication() {}

    /** Logging configuration of the stand-alone service: JSON lines on stdout (logstash-logback-encoder). */
    public static final String LOGBACK_CONFIG = "logback-query-api.xml";

    public static void main(String[] args) {
        // a named file rather than logback.xml, so embedding the API in another process never hijacks its logging
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", LOGBACK_CONFIG);
        }
        Micronaut.build(args).mainClass(QueryApiApplication.class).banner(false).start();
    }
}
