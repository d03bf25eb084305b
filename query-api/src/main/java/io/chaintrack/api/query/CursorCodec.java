package io.chaintrack.api.query;

import io.chaintrack.api.config.ApiConfig;
import io.chaintrack.api.error.InvalidArgumentException;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opaque, tamper-evident cursors: base64url(payload) "." base64url(HMAC-SHA256(payload)).
 * A cursor whose payload or tag was changed, or that was signed with another secret, is rejected.
 */
@Singleton
public final class CursorCodec {
    private static final Logger LOG = LoggerFactory.getLogger(CursorCodec.class);
    private static final String ALGORITHM = "HmacSHA256";
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    private final SecretKeySpec key;

    public CursorCodec(ApiConfig config) {
        byte[] secret;
        if (config.cursorSecret() == null || config.cursorSecret().isBlank()) {
            // a per-process secret keeps cursors safe but not portable across replicas or restarts
            secret = new byte[32];
            new SecureRandom().nextBytes(secret);
            LOG.warn("chaintrack.api.cursor-secret is not set: using a random per-process secret; "
                    + "cursors will not survive a restart or work across replicas");
        } else {
            secret = config.cursorSecret().getBytes(StandardCharsets.UTF_8);
        }
        this.key = new SecretKeySpec(secret, ALGORITHM);
    }

    public String sign(byte[] payload) {
        return ENCODER.encodeToString(payload) + "." + ENCODER.encodeToString(mac(payload));
    }

    /** The payload of a cursor this codec signed; a 400 naming {@code parameter} for anything else. */
    public byte[] verify(String parameter, String cursor) {
        int dot = cursor.indexOf('.');
        if (dot <= 0 || dot != cursor.lastIndexOf('.') || dot == cursor.length() - 1) {
            throw new InvalidArgumentException(parameter, "malformed cursor: pass next_cursor of the previous page unchanged");
        }
        byte[] payload;
        byte[] tag;
        try {
            payload = DECODER.decode(cursor.substring(0, dot));
            tag = DECODER.decode(cursor.substring(dot + 1));
        } catch (IllegalArgumentException e) {
            throw new InvalidArgumentException(parameter, "malformed cursor: pass next_cursor of the previous page unchanged");
        }
        if (!MessageDigest.isEqual(tag, mac(payload))) {
            throw new InvalidArgumentException(parameter, "cursor signature does not match: it was modified or issued by another deployment");
        }
        return payload;
    }

    private byte[] mac(byte[] payload) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            return mac.doFinal(payload);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
