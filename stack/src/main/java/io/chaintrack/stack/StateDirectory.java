package io.chaintrack.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Layout of the stack's state directory. The savepoint pointer is written only after a savepoint
 * completed, so a run killed mid-stop restarts from the last good savepoint, never a half-written one.
 */
record StateDirectory(Path root) {
    private static final String LATEST = "LATEST_SAVEPOINT";

    static StateDirectory open(Path root) throws IOException {
        StateDirectory dir = new StateDirectory(root);
        for (Path p : new Path[] {dir.postgres().getParent(), dir.kafka(), dir.checkpoints(), dir.savepoints()}) {
            Files.createDirectories(p);
        }
        return dir;
    }

    static void delete(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }

    Path postgres() {
        return root.resolve("postgres/data");
    }

    Path kafka() {
        return root.resolve("kafka");
    }

    Path checkpoints() {
        return root.resolve("flink/checkpoints").toAbsolutePath();
    }

    Path savepoints() {
        return root.resolve("flink/savepoints").toAbsolutePath();
    }

    Optional<String> latestSavepoint() {
        Path pointer = savepoints().resolve(LATEST);
        try {
            if (!Files.exists(pointer)) {
                return Optional.empty();
            }
            String path = Files.readString(pointer, StandardCharsets.UTF_8).trim();
            return path.isEmpty() ? Optional.empty() : Optional.of(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void rememberSavepoint(String path) {
        try {
            Path tmp = savepoints().resolve(LATEST + ".tmp");
            Files.writeString(tmp, path, StandardCharsets.UTF_8);
            Files.move(tmp, savepoints().resolve(LATEST), java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void forgetSavepoint() {
        try {
            Files.deleteIfExists(savepoints().resolve(LATEST));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
