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
 * Layout of the stack's state directory. A run resumes from the newest complete snapshot: the savepoint of a clean
 * stop, or the last retained checkpoint of a run that died or could not stop cleanly, never an older one than that
 * (an older snapshot would replay the ingest job past output Kafka already committed, doubling events).
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

    /** The embedded PostgreSQL's own log (startup, checkpoints, errors), kept beside its data. */
    Path postgresLog() {
        return root.resolve("postgres/postgresql.log");
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

    /**
     * The newest complete snapshot to resume from: the remembered savepoint or a retained checkpoint
     * ({@code checkpoints/<job>/chk-N/_metadata}), whichever completed last; empty on a first run.
     */
    Optional<String> restorePoint() {
        Optional<Path> checkpoint = newestCheckpoint();
        Optional<String> savepoint = latestSavepoint();
        if (checkpoint.isEmpty()) {
            return savepoint;
        }
        if (savepoint.isPresent() && modified(metadataOf(savepoint.get())) >= modified(checkpoint.get().resolve("_metadata"))) {
            return savepoint;
        }
        return Optional.of(checkpoint.get().toUri().toString());
    }

    private Optional<Path> newestCheckpoint() {
        try (Stream<Path> walk = Files.walk(checkpoints(), 3)) {
            return walk.filter(p -> p.getFileName().toString().equals("_metadata") && p.getParent().getFileName().toString().startsWith("chk-"))
                    .max(Comparator.comparingLong(StateDirectory::modified))
                    .map(Path::getParent);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** How long ago {@code snapshot} (a restore point) was written. */
    java.time.Duration age(String snapshot) {
        long written = modified(metadataOf(snapshot));
        return written == Long.MIN_VALUE ? java.time.Duration.ZERO
                : java.time.Duration.ofMillis(Math.max(0, System.currentTimeMillis() - written));
    }

    private static Path metadataOf(String snapshot) {
        Path dir = snapshot.startsWith("file:") ? Path.of(java.net.URI.create(snapshot)) : Path.of(snapshot);
        return dir.resolve("_metadata");
    }

    private static long modified(Path file) {
        try {
            return Files.exists(file) ? Files.getLastModifiedTime(file).toMillis() : Long.MIN_VALUE;
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
}
