package io.chaintrack.api.grpc;

import com.google.protobuf.Any;
import com.google.rpc.BadRequest;
import com.google.protobuf.Duration;
import com.google.rpc.ErrorInfo;
import com.google.rpc.RetryInfo;
import io.chaintrack.api.error.RateLimitedException;
import io.grpc.Metadata;
import io.chaintrack.api.error.ApiException;
import io.chaintrack.api.error.ErrorKind;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * gRPC rendering of API failures: status code from {@link ErrorKind}, description "parameter: message",
 * and google.rpc details (BadRequest naming the field, ErrorInfo) so clients can read them structurally.
 */
public final class GrpcErrors {
    public static final String DOMAIN = "chaintrack.io";
    /** Seconds to wait after RESOURCE_EXHAUSTED, as on REST's Retry-After header. */
    public static final Metadata.Key<String> RETRY_AFTER = Metadata.Key.of("retry-after", Metadata.ASCII_STRING_MARSHALLER);
    private static final Logger LOG = LoggerFactory.getLogger(GrpcErrors.class);

    private GrpcErrors() {}

    public static StatusRuntimeException toStatus(Throwable error) {
        if (error instanceof StatusRuntimeException sre) {
            return sre;
        }
        ApiException api;
        if (error instanceof ApiException e) {
            api = e;
        } else {
            LOG.error("unexpected failure serving a gRPC call", error);
            api = new ApiException(ErrorKind.INTERNAL, null, "internal error");
        }
        if (api.kind() == ErrorKind.INTERNAL && api.getCause() != null) {
            LOG.error("internal failure serving a gRPC call", api.getCause());
        }
        com.google.rpc.Status.Builder status = com.google.rpc.Status.newBuilder()
                .setCode(api.kind().grpcCode().value())
                .setMessage(api.detail());
        ErrorInfo.Builder info = ErrorInfo.newBuilder().setDomain(DOMAIN).setReason(api.kind().name());
        api.parameter().ifPresent(p -> {
            info.putMetadata("parameter", p);
            status.addDetails(Any.pack(BadRequest.newBuilder()
                    .addFieldViolations(BadRequest.FieldViolation.newBuilder().setField(p).setDescription(api.getMessage()))
                    .build()));
        });
        status.addDetails(Any.pack(info.build()));
        if (api instanceof RateLimitedException limited) {
            status.addDetails(Any.pack(RetryInfo.newBuilder()
                    .setRetryDelay(Duration.newBuilder().setSeconds(limited.retryAfterSeconds())).build()));
            Metadata trailers = new Metadata();
            trailers.put(RETRY_AFTER, Long.toString(limited.retryAfterSeconds()));
            return StatusProto.toStatusRuntimeException(status.build(), trailers);
        }
        return StatusProto.toStatusRuntimeException(status.build());
    }
}
