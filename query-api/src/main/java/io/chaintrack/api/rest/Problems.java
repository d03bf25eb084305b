package io.chaintrack.api.rest;

import com.google.gson.JsonObject;
import io.chaintrack.api.error.ApiException;
import io.chaintrack.api.error.ErrorKind;
import io.chaintrack.api.error.RateLimitedException;
import io.chaintrack.api.error.UnauthenticatedException;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import java.nio.charset.StandardCharsets;

/**
 * RFC 9457 problem documents: {type, title, status, detail, parameter, grpcCode}. The only error body
 * shape the REST side ever sends; it carries no stack trace or server internals.
 */
public final class Problems {
    public static final MediaType PROBLEM_JSON = MediaType.of("application/problem+json");
    /** The challenge of every 401: an API key in the x-api-key header. */
    public static final String WWW_AUTHENTICATE = "ApiKey realm=\"chaintrack\", header=\"x-api-key\"";

    private Problems() {}

    public static MutableHttpResponse<byte[]> response(ApiException e) {
        MutableHttpResponse<byte[]> response = response(e.kind(), e.detail(), e.parameter().orElse(null));
        if (e instanceof RateLimitedException limited) {
            response.header("Retry-After", Long.toString(limited.retryAfterSeconds()));
        }
        if (e.kind() == ErrorKind.UNAUTHENTICATED) {
            // RFC 9110 §11.6.1: a 401 names the scheme the client should use (and for a refused token, why)
            response.header("WWW-Authenticate", e instanceof UnauthenticatedException u ? u.challenge() : WWW_AUTHENTICATE);
        }
        return response;
    }

    public static MutableHttpResponse<byte[]> response(ErrorKind kind, String detail, String parameter) {
        return HttpResponse.<byte[]>status(HttpStatus.valueOf(kind.httpStatus()))
                .body(body(kind, kind.httpStatus(), detail, parameter))
                .contentType(PROBLEM_JSON);
    }

    public static byte[] body(ErrorKind kind, int status, String detail, String parameter) {
        JsonObject problem = new JsonObject();
        problem.addProperty("type", kind.type());
        problem.addProperty("title", kind.title());
        problem.addProperty("status", status);
        problem.addProperty("detail", detail);
        if (parameter == null) {
            problem.add("parameter", com.google.gson.JsonNull.INSTANCE);
        } else {
            problem.addProperty("parameter", parameter);
        }
        problem.addProperty("grpcCode", kind.grpcCode().name());
        return problem.toString().getBytes(StandardCharsets.UTF_8);
    }
}
