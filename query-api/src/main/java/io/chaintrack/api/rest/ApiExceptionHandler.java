package io.chaintrack.api.rest;

import io.chaintrack.api.error.ApiException;
import io.chaintrack.api.error.ErrorKind;
import io.micronaut.context.annotation.Requires;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** REST rendering of every {@link ApiException} a domain service throws. */
@Produces
@Singleton
@Requires(classes = {ApiException.class, ExceptionHandler.class})
public final class ApiExceptionHandler implements ExceptionHandler<ApiException, HttpResponse<?>> {
    private static final Logger LOG = LoggerFactory.getLogger(ApiExceptionHandler.class);

    @Override
    public HttpResponse<?> handle(HttpRequest request, ApiException exception) {
        if (exception.kind() == ErrorKind.INTERNAL && exception.getCause() != null) {
            LOG.error("internal failure serving {} {}", request.getMethodName(), request.getPath(), exception.getCause());
        }
        return Problems.response(exception);
    }
}
