package io.chaintrack.api;

import io.chaintrack.api.config.LayeredApiProperties;
import io.chaintrack.core.config.LayeredConfig;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.Micronaut;
import java.util.Map;

/**
 * Stand-alone entry point: HTTP on chaintrack.api.http-port (8080), gRPC on chaintrack.api.grpc-port (50051),
 * configured by defaults (application.yml) &lt; CHAINTRACK_CONFIG_FILE &lt; CHAINTRACK_* environment.
 */
public final class QueryApiApplication {
    private QueryApiApplication() {}

    /** Logging configuration of the stand-alone service: JSON lines on stdout (logstash-logback-encoder). */
    public static final String LOGBACK_CONFIG = "logback-query-api.xml";

    public static void main(String[] args) {
        run(LayeredApiProperties.fromEnvironment(System.getenv()), args);
    }

    /** Runs the service until the JVM exits; {@code layers} already hold the flags of a command line, if any. */
    public static ApplicationContext run(LayeredConfig layers, String... micronautArgs) {
        // a named file rather than logback.xml, so embedding the API in another process never hijacks its logging
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", LOGBACK_CONFIG);
        }
        return Micronaut.build(micronautArgs).mainClass(QueryApiApplication.class).banner(false)
                .propertySources(LayeredApiProperties.propertySource(layers, Map.of()))
                .start();
    }
}
