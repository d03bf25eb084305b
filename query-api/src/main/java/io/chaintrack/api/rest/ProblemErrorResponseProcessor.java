package io.chaintrack.api.rest;

import io.chaintrack.api.error.ErrorKind;
import io.micronaut.context.annotation.Replaces;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.server.netty.NettyHttpRequest;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.micronaut.http.server.exceptions.response.Error;
import io.micronaut.http.server.exceptions.response.ErrorContext;
import io.micronaut.http.server.exceptions.response.ErrorResponseProcessor;
import jakarta.inject.Singleton;

/**
 * Errors raised by the HTTP framework itself (no route, wrong method, unreadable request, a request line or headers
 * over the decoder's limits as 414 / 431, unexpected failure) rendered as the same problem documents; a 5xx never
 * carries the exception's message.
 */
@Singleton
@Replaces(ErrorResponseProcessor.class)
public final class ProblemErrorResponseProcessor implements ErrorResponseProcessor<byte[]> {
    @Override
    public MutableHttpResponse<byte[]> processResponse(ErrorContext context, MutableHttpResponse<?> base) {
        int status = base.code();
        String detail;
        Throwable decoding = status == 413 && context.getRequest() instanceof NettyHttpRequest<?> netty
                ? netty.getNativeRequest().decoderResult().cause() : null;
        if (decoding instanceof TooLongHttpLineException) {
            // Netty refuses the request line and the headers with one exception type that Micronaut answers as 413;
            // RFC 9110 §15.5.15 and RFC 6585 §5 name the two cases
            status = 414;
            base.status(status);
        } else if (decoding instanceof TooLongHttpHeaderException) {
            status = 431;
            base.status(status);
        }
        ErrorKind kind = ErrorKind.forHttpStatus(status);
        if (status == 414) {
            detail = "the request line (method, path and query) is longer than the server accepts"
                    + " (micronaut.server.netty.max-initial-line-length, 4096 bytes by default)";
        } else if (status == 431) {
            detail = "the request's header fields are larger than the server accepts"
                    + " (micronaut.server.netty.max-header-size, 8192 bytes by default)";
        } else if (status == 404) {
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
