package io.chaintrack.api.rest;

import io.chaintrack.api.error.ErrorKind;
import io.micronaut.context.annotation.Replaces;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.server.exceptions.response.Error;
import io.micronaut.http.server.exceptions.response.ErrorContext;
import io.micronaut.http.server.exceptions.response.ErrorResponseProcessor;
import jakarta.inject.Singleton;

/**
 * Errors raised by the HTTP framework itself (no route, wrong method, unreadable request, unexpected
 * failure) rendered as the same problem documents; a 5xx never carries the exception's message.
 */
@Singleton
@Replaces(ErrorResponseProcessor.class)
public final class ProblemErrorResponseProcessor implements ErrorResponseProcessor<byte[]> {
    @Override
    public MutableHttpResponse<byte[]> processResponse(ErrorContext context, MutableHttpResponse<?> base) {
        int status = base.code();
        ErrorKind kind = ErrorKind.forHttpStatus(status);
        String detail;
        if (status == 404) {
            detail = "no route " + context.getRequest().getMethodName() + " " + context.getRequest().getPath();
        } else if (status == 405) {
            detail = context.getRequest().getMethodName() + " is not allowed on " + context.getRequest().getPath();
        } else if (status >= 500) {
            detail = "internal error";
        } else {
            detail = context.getErrors().stream().map(Error::getMessage).findFirst().orElse(kind.title());
        }
        return base.body(Problems.body(kind, status, detail, null)).contentType(Problems.PROBLEM_JSON);
    }
}
