package io.chaintrack.connectors.evm;

import java.io.Serializable;
import java.util.Map;

/**
 * How an endpoint authenticates, and the call budget of that key. The {@code id} names the key in metrics and
 * logs and keys the JVM-wide rate limiter: endpoints sharing an id share one budget. The secret is never logged;
 * a secret written {@code env:NAME} is read from the environment variable NAME where the reader runs.
 */
public record RpcCredential(String id, Kind kind, String headerName, String secret, RateLimit rateLimit)
        implements Serializable {

    public enum Kind {
        /** No credential. */
        NONE,
        /** Secret sent in an HTTP header, e.g. {@code Authorization: Bearer ...} or {@code x-api-key}. */
        HEADER,
        /** Secret substituted for {@code {token}} in the endpoint URL, e.g. {@code https://host/v3/{token}}. */
        URL_TOKEN
    }

    public RpcCredential {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("credential id is required (it names the key in metrics and limits)");
        }
        if (kind == null) {
            throw new IllegalArgumentException("credential kind is required for credential " + id);
        }
        if (kind == Kind.HEADER && (headerName == null || headerName.isBlank())) {
            throw new IllegalArgumentException("credential " + id + ": a HEADER credential needs a header name");
        }
        if (kind != Kind.NONE && (secret == null || secret.isEmpty())) {
            throw new IllegalArgumentException("credential " + id + ": a " + kind + " credential needs a secret");
        }
    }

    public static RpcCredential none(String id) {
        return new RpcCredential(id, Kind.NONE, null, null, null);
    }

    public static RpcCredential header(String id, String headerName, String secret) {
        return new RpcCredential(id, Kind.HEADER, headerName, secret, null);
    }

    public static RpcCredential urlToken(String id, String token) {
        return new RpcCredential(id, Kind.URL_TOKEN, null, token, null);
    }

    /** The same credential with a call budget; without one calls are not limited. */
    public RpcCredential withRateLimit(RateLimit limit) {
        return new RpcCredential(id, kind, headerName, secret, limit);
    }

    /** The secret, resolving {@code env:NAME} where the code runs (task managers, not the client). */
    public String resolveSecret() {
        return resolveSecret(System.getenv());
    }

    String resolveSecret(Map<String, String> env) {
        if (secret == null || !secret.startsWith("env:")) {
            return secret;
        }
        String name = secret.substring(4);
        String value = env.get(name);
        if (value == null || value.isEmpty()) {
            throw new IllegalStateException("credential " + id + ": environment variable " + name + " is not set");
        }
        return value;
    }

    @Override
    public String toString() {
        return "RpcCredential[" + id + ", " + kind + (rateLimit == null ? "" : ", " + rateLimit) + "]";
    }
}
