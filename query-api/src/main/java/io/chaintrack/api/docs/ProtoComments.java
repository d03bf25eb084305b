package io.chaintrack.api.docs;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import com.google.protobuf.DescriptorProtos.ServiceDescriptorProto;
import com.google.protobuf.DescriptorProtos.SourceCodeInfo;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Leading comments of the chaintrack.v1 protos, read from the descriptor set (with source info) that the
 * proto module ships, keyed by full element name ("chaintrack.v1.TransferView.block_number").
 */
public final class ProtoComments {
    public static final String RESOURCE = "META-INF/chaintrack/chaintrack-v1.desc";
    private final Map<String, String> comments;

    private ProtoComments(Map<String, String> comments) {
        this.comments = comments;
    }

    public static ProtoComments load() {
        try (InputStream in = ProtoComments.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                return new ProtoComments(Map.of());
            }
            Map<String, String> comments = new HashMap<>();
            for (FileDescriptorProto file : FileDescriptorSet.parseFrom(in).getFileList()) {
                index(file, comments);
            }
            return new ProtoComments(Map.copyOf(comments));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }

    /** The comment of an element, or "" when it has none. */
    public String of(String fullName) {
        return comments.getOrDefault(fullName, "");
    }

    private static void index(FileDescriptorProto file, Map<String, String> out) {
        Map<List<Integer>, String> byPath = new HashMap<>();
        for (SourceCodeInfo.Location location : file.getSourceCodeInfo().getLocationList()) {
            String text = location.getLeadingComments().isBlank() ? location.getTrailingComments() : location.getLeadingComments();
            if (!text.isBlank()) {
                byPath.put(location.getPathList(), clean(text));
            }
        }
        String prefix = file.getPackage().isEmpty() ? "" : file.getPackage() + ".";
        for (int m = 0; m < file.getMessageTypeCount(); m++) {
            message(file.getMessageType(m), prefix, List.of(4, m), byPath, out);
        }
        for (int e = 0; e < file.getEnumTypeCount(); e++) {
            enumType(file.getEnumType(e), prefix, List.of(5, e), byPath, out);
        }
        for (int s = 0; s < file.getServiceCount(); s++) {
            ServiceDescriptorProto service = file.getService(s);
            String name = prefix + service.getName();
            put(out, name, byPath.get(List.of(6, s)));
            for (int m = 0; m < service.getMethodCount(); m++) {
                put(out, name + "." + service.getMethod(m).getName(), byPath.get(List.of(6, s, 2, m)));
            }
        }
    }

    private static void message(DescriptorProto message, String prefix, List<Integer> path,
                                Map<List<Integer>, String> byPath, Map<String, String> out) {
        String name = prefix + message.getName();
        put(out, name, byPath.get(path));
        for (int f = 0; f < message.getFieldCount(); f++) {
            put(out, name + "." + message.getField(f).getName(), byPath.get(append(path, 2, f)));
        }
        for (int n = 0; n < message.getNestedTypeCount(); n++) {
            message(message.getNestedType(n), name + ".", append(path, 3, n), byPath, out);
        }
        for (int e = 0; e < message.getEnumTypeCount(); e++) {
            enumType(message.getEnumType(e), name + ".", append(path, 4, e), byPath, out);
        }
    }

    private static void enumType(EnumDescriptorProto type, String prefix, List<Integer> path,
                                 Map<List<Integer>, String> byPath, Map<String, String> out) {
        String name = prefix + type.getName();
        put(out, name, byPath.get(path));
        for (int v = 0; v < type.getValueCount(); v++) {
            put(out, name + "." + type.getValue(v).getName(), byPath.get(append(path, 2, v)));
        }
    }

    private static List<Integer> append(List<Integer> path, int a, int b) {
        return java.util.stream.Stream.concat(path.stream(), java.util.stream.Stream.of(a, b)).toList();
    }

    private static void put(Map<String, String> out, String name, String comment) {
        if (comment != null) {
            out.put(name, comment);
        }
    }

    private static String clean(String comment) {
        return comment.lines().map(String::strip).collect(Collectors.joining("\n")).strip();
    }
}
