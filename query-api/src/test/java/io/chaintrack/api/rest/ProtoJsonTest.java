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
import com.google.protobuf.GeneratedMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Timestamp;
import io.chaintrack.proto.v1.ChainStatusView;
import io.chaintrack.proto.v1.EventsProto;
import io.chaintrack.proto.v1.ListAddressTransfersResponse;
import io.chaintrack.proto.v1.QueryProto;
import io.chaintrack.proto.v1.TokenStandard;
import io.chaintrack.proto.v1.TransferView;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The streaming JSON printer against the reflective reference (JsonFormat + null rule): for random values of every
 * message type the API answers with (every field, nested, repeated, optional, odd strings and numbers), byte-equal,
 * both as DynamicMessage (read reflectively) and as the generated class (read through its getters).
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
        // the event types add bytes fields, which no response has
        types.addAll(EventsProto.getDescriptor().getMessageTypes());
        return types;
    }

    /** The type and every message type it holds, transitively. */
    static Set<Descriptor> reachable(Set<Descriptor> roots) {
        Set<Descriptor> seen = new LinkedHashSet<>();
        Deque<Descriptor> todo = new ArrayDeque<>(roots);
        while (!todo.isEmpty()) {
            Descriptor type = todo.pop();
            if (seen.add(type)) {
                for (FieldDescriptor f : type.getFields()) {
                    if (f.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
                        todo.push(f.getMessageType());
                    }
                }
            }
        }
        return seen;
    }

    /** The generated class protoc wrote for the type (every file here sets java_multiple_files). */
    @SuppressWarnings("unchecked")
    static Class<? extends GeneratedMessage> generatedClass(Descriptor type) {
        assertThat(type.getFile().getOptions().getJavaMultipleFiles()).as(type.getFile().getName()).isTrue();
        String name = type.getName();
        for (Descriptor outer = type.getContainingType(); outer != null; outer = outer.getContainingType()) {
            name = outer.getName() + "$" + name;
        }
        try {
            Class<?> found = Class.forName(type.getFile().getOptions().getJavaPackage() + "." + name);
            assertThat(GeneratedMessage.class).isAssignableFrom(found);
            return (Class<? extends GeneratedMessage>) found;
        } catch (ClassNotFoundException e) {
            throw new AssertionError("no generated class for " + type.getFullName(), e);
        }
    }

    /** The same message as an instance of its generated class, through the wire format. */
    static Message generated(Message message) {
        try {
            Message prototype = (Message) generatedClass(message.getDescriptorForType()).getMethod("getDefaultInstance").invoke(null);
            Message parsed = prototype.getParserForType().parseFrom(message.toByteString());
            assertThat(parsed.getDescriptorForType()).isSameAs(message.getDescriptorForType());
            return parsed;
        } catch (ReflectiveOperationException | InvalidProtocolBufferException e) {
            throw new AssertionError(e);
        }
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
                String reference = ReferenceProtoJson.print(message);
                assertThat(ProtoJson.print(message)).as(type.getFullName() + " " + message).isEqualTo(reference);
                Message generated = generated(message);
                assertThat(generated).isInstanceOf(GeneratedMessage.class);
                assertThat(ReferenceProtoJson.print(generated)).isEqualTo(reference);
                assertThat(ProtoJson.printBytes(generated)).as(type.getFullName() + " generated " + generated)
                        .isEqualTo(reference.getBytes(StandardCharsets.UTF_8));
                compared++;
            }
            Message empty = DynamicMessage.getDefaultInstance(type);
            assertThat(ProtoJson.print(empty)).isEqualTo(ReferenceProtoJson.print(empty));
            assertThat(ProtoJson.print(generated(empty))).isEqualTo(ReferenceProtoJson.print(empty));
        }
        assertThat(compared).isGreaterThan(1000);
    }

    @Test
    void everyGeneratedTypeIsReadThroughItsGettersNotReflectively() {
        Set<Descriptor> types = reachable(responseTypes());
        assertThat(types).contains(TransferView.getDescriptor(), Timestamp.getDescriptor());
        for (Descriptor type : types) {
            assertThat(ProtoJson.readThroughGetters(generatedClass(type), type)).as(type.getFullName()).isTrue();
        }
    }

    @Test
    void protocAccessorNames() {
        assertThat(ProtoJson.camelCase("block_time")).isEqualTo("BlockTime");
        assertThat(ProtoJson.camelCase("erc20_total")).isEqualTo("Erc20Total");
        assertThat(ProtoJson.camelCase("x509cert")).isEqualTo("X509Cert");
        assertThat(ProtoJson.camelCase("fooBar__baz")).isEqualTo("FooBarBaz");
    }

    /** Every field set to a value unlike any other field's, so a skipped, repeated or swapped field shows. */
    static TransferView fullTransfer(int i) {
        return TransferView.newBuilder().setChainId(-2L).setBlockNumber(19_000_000L + i).setBlockHash("0x" + "b".repeat(63) + i)
                .setBlockTime(Timestamp.newBuilder().setSeconds(1_700_000_000L + i).setNanos(123_000_000)).setTxHash("0x" + "c".repeat(63) + i)
                .setTxIndex(-5).setLogIndex(-7 - i).setTraceAddress("0.2." + i).setBatchIndex(9).setToken("0x" + "d".repeat(40))
                .setStandard(TokenStandard.TOKEN_STANDARD_ERC1155).setFromAddress("0x" + "e".repeat(40)).setToAddress("0x" + "f".repeat(40))
                .setAmount("1000000000000000000" + i).setTokenId("42" + i).setOperator("0x" + "1".repeat(40)).setFinalized(true)
                .setKind(io.chaintrack.proto.v1.TransferKind.TRANSFER_KIND_FEE).build();
    }

    @Test
    void fullyPopulatedTransfersPrintEveryFieldInOrder() {
        TransferView view = fullTransfer(3);
        for (FieldDescriptor f : TransferView.getDescriptor().getFields()) {
            assertThat(view.hasField(f)).as(f.getName()).isTrue();
        }
        String json = ProtoJson.print(view);
        assertThat(json).isEqualTo(ReferenceProtoJson.print(view)).isEqualTo(ProtoJson.print(DynamicMessage.newBuilder(view).build()))
                .startsWith("{\"chainId\":\"18446744073709551614\",\"blockNumber\":\"19000003\",\"blockHash\":\"0x" + "b".repeat(63) + "3\","
                        + "\"blockTime\":\"2023-11-14T22:13:23.123Z\",")
                .contains("\"txIndex\":4294967291,\"logIndex\":-10,\"traceAddress\":\"0.2.3\",\"batchIndex\":9,")
                .contains("\"standard\":\"TOKEN_STANDARD_ERC1155\",")
                .endsWith("\"amount\":\"10000000000000000003\",\"tokenId\":\"423\",\"operator\":\"0x" + "1".repeat(40) + "\",\"finalized\":true,\"kind\":\"TRANSFER_KIND_FEE\"}");
        ListAddressTransfersResponse.Builder page = ListAddressTransfersResponse.newBuilder().setNextCursor("cursor\u00e9\"\n").setFinalizedBlock(7);
        for (int i = 0; i < 20; i++) {
            page.addTransfers(fullTransfer(i));
        }
        ListAddressTransfersResponse response = page.build();
        byte[] printed = ProtoJson.printBytes(response);
        assertThat(new String(printed, StandardCharsets.UTF_8)).isEqualTo(ReferenceProtoJson.print(response))
                .endsWith("],\"nextCursor\":\"cursor\u00e9\\\"\\n\",\"finalizedBlock\":\"7\"}");
        assertThat(printed).isEqualTo(ProtoJson.printBytes(DynamicMessage.newBuilder(response).build()));
        ByteBuf body = ProtoJson.printBuffer(response);
        try {
            assertThat(body.isDirect()).isTrue();
            assertThat(ByteBufUtil.getBytes(body)).isEqualTo(printed);
        } finally {
            body.release();
        }
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
