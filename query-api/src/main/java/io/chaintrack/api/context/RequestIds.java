package io.chaintrack.api.context;

import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Request ids: a client's X-Request-Id is kept when it is a short token of safe characters (so it can be
 * logged and echoed without injection); anything else is replaced by a fresh UUID.
 */
public final class RequestIds {
    public static final String HEADER = "X-Request-Id";
    public static final String MDC_KEY = "requestId";
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9._:\\-]{1,128}");

    private RequestIds() {}

    public static String accept(String offered) {
        return offered != null && SAFE.matcher(offered).matches() ? offered : UUID.randomUUID().toString();
    }
}
