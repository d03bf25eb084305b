package io.chaintrack.api.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.Message;
import io.chaintrack.proto.v1.ChainStatusView;
import io.chaintrack.proto.v1.QueryProto;
import io.chaintrack.proto.v1.TransferView;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The streaming JSON printer against the reflective reference (JsonFormat + null rule): for random values of every
 * message type the API answers with (every field, nested, repeated, optional, odd strings and numbers), byte-equal.
 */
class ProtoJsonTest {
    static final List<String> STRINGS = List.of("", "native", "0x" + "a".repeat(40), "quote \" backslash \\ slash /",
            "tab\tnewline\nreturn\r", "\u0000\u0001\u001f", "<script>&amp;='x'", "ü日本語", "\u2028\u2029", "emoji \uD83D\uDE00",
            "x".repeat(300));
    static final double[] DOUBLES = {0.0, -0.0, 1.0, 101.5, 1e10, 1.0E-7, -3.25, Double.MAX_VALUE, Double.MIN_VALUE,
            Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0.1 + 0.2};
    static final long[] LONGS = {0, 1, -1, Long.MAX_VALUE, Long.MIN_VALUE, 1L << 53, 4294967296L};
    static final int[] INTS = {0, 1, -1, Integer.MAX_VALUE, Integer.MIN_VALUE, 100};

    static Set<Descriptor> responseTypes() {
        Set<Descriptor> types = new LinkedHashSet<>();
        for (ServiceDescriptor service : QueryProto.getDescriptor().getServices()) {
            for (MethodDescriptor method : service.getMethods()) {
                types.add(method.getOutputType());
            }
        }
        return types;
    }

    static Message random(Descriptor type, Random r, int depth) {
        DynamicMessage.Builder b = DynamicMessage.newBuilder(type);
        if (type.getFullName().equals("google.protobuf.Timestamp")) {
            b.setField(type.findFieldByName("seconds"), (long) r.nextInt(Integer.MAX_VALUE) * (r.nextBoolean() ? 1 : 3));
            b.setField(type.findFieldByName("nanos"), r.nextBoolean() ? 0 : r.nextInt(1_000_000_000));
            return b.build();
        }
        for (FieldDescriptor f : type.getFields()) {
            if (r.nextInt(3) == 0) {
                continue;
            }
            if (f.isRepeated()) {
                int n = r.nextInt(4);
                for (int i = 0; i < n; i++) {
                    Object v = value(f, r, depth);
                    if (v != null) {
                        b.addRepeatedField(f, v);
                    }
                }
            } else {
                Object v = value(f, r, depth);
                if (v != null) {
                    b.setField(f, v);
                }
            }
        }
        return b.build();
    }

    static Object value(FieldDescriptor f, Random r, int depth) {
        return switch (f.getJavaType()) {
            case INT -> INTS[r.nextInt(INTS.length)];
            case LONG -> LONGS[r.nextInt(LONGS.length)];
            case DOUBLE -> DOUBLES[r.nextInt(DOUBLES.length)];
            case FLOAT -> (float) DOUBLES[r.nextInt(DOUBLES.length)];
            case BOOLEAN -> r.nextBoolean();
            case STRING -> STRINGS.get(r.nextInt(STRINGS.size()));
            case BYTE_STRING -> ByteString.copyFrom(new byte[] {1, (byte) 0xff, 3});
            case ENUM -> r.nextInt(5) == 0 ? f.getEnumType().findValueByNumberCreatingIfUnknown(77)
                    : f.getEnumType().getValues().get(r.nextInt(f.getEnumType().getValues().size()));
            case MESSAGE -> depth > 3 ? null : random(f.getMessageType(), r, depth + 1);
        };
    }

    @Test
    void everyResponseTypeIsPrintedExactlyLikeTheReference() {
        Random r = new Random(4242);
        Set<Descriptor> types = responseTypes();
        assertThat(types).hasSizeGreaterThan(15);
        int compared = 0;
        for (Descriptor type : types) {
            for (int i = 0; i < 60; i++) {
                Message message = random(type, r, 0);
                assertThat(ProtoJson.print(message)).as(type.getFullName() + " " + message).isEqualTo(ReferenceProtoJson.print(message));
                compared++;
            }
            Message empty = DynamicMessage.getDefaultInstance(type);
            assertThat(ProtoJson.print(empty)).isEqualTo(ReferenceProtoJson.print(empty));
        }
        assertThat(compared).isGreaterThan(1000);
    }

    @Test
    void timestampsLikeProtobufUtil() {
        Random r = new Random(1);
        for (int i = 0; i < 20000; i++) {
            long seconds = switch (i % 4) {
                case 0 -> com.google.protobuf.util.Timestamps.MIN_VALUE.getSeconds() + r.nextInt(1000);
                case 1 -> com.google.protobuf.util.Timestamps.MAX_VALUE.getSeconds() - r.nextInt(1000);
                default -> r.nextLong() % 253402300799L;
            };
            if (seconds < com.google.protobuf.util.Timestamps.MIN_VALUE.getSeconds()) {
                seconds = -seconds;
            }
            int nanos = switch (i % 5) {
                case 0 -> 0;
                case 1 -> r.nextInt(1000) * 1_000_000;
                case 2 -> r.nextInt(1_000_000) * 1000;
                default -> r.nextInt(1_000_000_000);
            };
            com.google.protobuf.Timestamp t = com.google.protobuf.Timestamp.newBuilder().setSeconds(seconds).setNanos(nanos).build();
            assertThat(ProtoJson.timestamp(t)).isEqualTo(com.google.protobuf.util.Timestamps.toString(t));
        }
    }

    @Test
    void wellKnownTypesWithTheirOwnJsonFormAreRefusedNotMisprinted() {
        assertThatThrownBy(() -> ProtoJson.print(com.google.protobuf.Duration.newBuilder().setSeconds(3).build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("google.protobuf.Duration");
        assertThatThrownBy(() -> ProtoJson.print(com.google.protobuf.Int64Value.of(7)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("google.protobuf.Int64Value");
    }

    @Test
    void generatedMessagesToo() {
        TransferView view = TransferView.newBuilder().setChainId(-1L).setBlockNumber(40).setAmount("115792089237316195423570985008687907853269984665640564039457584007913129639935")
                .setLogIndex(-1).setTxIndex(3).setTraceAddress("0.1").build();
        assertThat(ProtoJson.print(view)).isEqualTo(ReferenceProtoJson.print(view));
        assertThat(ProtoJson.print(view)).contains("\"chainId\":\"18446744073709551615\"").contains("\"blockTime\":null")
                .contains("\"logIndex\":-1");
        ChainStatusView status = ChainStatusView.newBuilder().setHeadNumber(0).setLagSeconds(5).build();
        assertThat(ProtoJson.print(status)).isEqualTo(ReferenceProtoJson.print(status)).contains("\"headNumber\":\"0\"")
                .contains("\"blocksBehindHead\":null");
    }
}
