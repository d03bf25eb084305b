package io.chaintrack.connectors.evm.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Names a recorded JSON-RPC answer after its request: {@code <method>/<params>.json}, params flattened to
 * [a-z0-9x-] ("0x5-true"); long params are cut and end with 12 hex of their SHA-256 so names stay unique.
 */
public final class FixtureNames {
    private static final int MAX_SLUG = 60;

    private FixtureNames() {}

    public static String relativePath(String method, JsonNode params) {
        String canonical = params == null ? "[]" : params.toString();
        String slug = canonical.toLowerCase().replaceAll("[^a-z0-9]+", "-").replaceAll("^-|-$", "");
        if (slug.isEmpty()) {
            slug = "noparams";
        }
        if (slug.length() > MAX_SLUG) {
            slug = slug.substring(0, MAX_SLUG) + "-" + sha(canonical);
        }
        return method + "/" + slug + ".json";
    }

    private static String sha(String s) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d).substring(0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
