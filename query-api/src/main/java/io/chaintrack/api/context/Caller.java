package io.chaintrack.api.context;

/**
 * Who a request is served for: the API key it came with, the user it acts for (an OpenID Connect identity, signed
 * in with a bearer token or owning the key) and the peer address. Every part may be absent (auth off: only the peer).
 * {@link #clientId()} is the one identity per-client limits count by.
 */
public record Caller(String keyId, User user, String peer) {
    /** A user: the issuer and subject of their OpenID Connect tokens, never anything a client can choose freely. */
    public record User(String issuer, String subject) {
        public User {
            if (issuer == null || issuer.isEmpty() || subject == null || subject.isEmpty()) {
                throw new IllegalArgumentException("a user needs an issuer and a subject");
            }
        }
    }

    public static Caller anonymous(String peer) {
        return new Caller(null, null, peer);
    }

    /** The same caller seen from {@code peer} (the transport knows the peer, the authorizer the credential). */
    public Caller withPeer(String peer) {
        return new Caller(keyId, user, peer);
    }

    /** The client per-client limits count: the key, else the user, else the peer address. */
    public String clientId() {
        if (keyId != null) {
            return "key:" + keyId;
        }
        if (user != null) {
            return "user:" + user.issuer() + " " + user.subject();
        }
        return peer == null ? "peer:unknown" : "peer:" + peer;
    }
}
