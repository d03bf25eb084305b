package io.chaintrack.connectors.evm;

import java.io.Serializable;
import java.net.URI;

/**
 * One JSON-RPC URL of a chain, in failover order inside {@link EvmChainConfig#endpoints()}. {@code name} is the
 * {@code endpoint} label of every RPC metric, so it must not contain a secret (the URL may, through {token}).
 */
public record RpcEndpoint(String name, String url, RpcCredential credential) implements Serializable {

    public RpcEndpoint {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("endpoint name is required");
        }
        if (url == null || !(url.startsWith("http://") || url.startsWith("https://"))) {
            throw new IllegalArgumentException("endpoint " + name + ": url must be http(s), got " + url);
        }
        if (credential == null) {
            throw new IllegalArgumentException("endpoint " + name + ": credential is required (use RpcCredential.none)");
        }
        boolean hasToken = url.contains("{token}");
        if (hasToken != (credential.kind() == RpcCredential.Kind.URL_TOKEN)) {
            throw new IllegalArgumentException("endpoint " + name + ": a URL_TOKEN credential needs {token} in the url,"
                    + " and only it may use one");
        }
        URI.create(url.replace("{token}", "token"));
    }

    /** An endpoint without credential, named after its host and port. */
    public static RpcEndpoint of(String url) {
        URI uri = URI.create(url);
        String name = uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "");
        return new RpcEndpoint(name, url, RpcCredential.none(name));
    }

    public static RpcEndpoint of(String name, String url, RpcCredential credential) {
        return new RpcEndpoint(name, url, credential);
    }
}
