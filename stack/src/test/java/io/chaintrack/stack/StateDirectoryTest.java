package io.chaintrack.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The stack resumes from the newest complete snapshot, whether a clean stop's savepoint or a retained checkpoint. */
class StateDirectoryTest {
    @TempDir
    Path root;

    private static Path snapshot(Path dir, long epochSecond) throws IOException {
        Files.createDirectories(dir);
        Path metadata = Files.writeString(dir.resolve("_metadata"), "x");
        Files.setLastModifiedTime(metadata, FileTime.from(Instant.ofEpochSecond(epochSecond)));
        return dir;
    }

    @Test
    void aFirstRunHasNothingToResume() throws IOException {
        assertThat(StateDirectory.open(root).restorePoint()).isEmpty();
    }

    @Test
    void aRunThatDiedResumesFromItsLastCheckpointNotFromAnOlderSavepoint() throws IOException {
        StateDirectory state = StateDirectory.open(root);
        Path savepoint = snapshot(state.savepoints().resolve("savepoint-1"), 1_000);
        state.rememberSavepoint(savepoint.toUri().toString());
        assertThat(state.restorePoint()).contains(savepoint.toUri().toString());

        snapshot(state.checkpoints().resolve("job-a/chk-3"), 2_000);
        Path newest = snapshot(state.checkpoints().resolve("job-b/chk-7"), 3_000);
        // a checkpoint still being written has no _metadata yet and is never chosen
        Files.createDirectories(state.checkpoints().resolve("job-b/chk-8"));
        assertThat(state.restorePoint()).contains(newest.toUri().toString());
    }

    @Test
    void aCleanStopsSavepointWinsOverTheCheckpointsBeforeIt() throws IOException {
        StateDirectory state = StateDirectory.open(root);
        snapshot(state.checkpoints().resolve("job-a/chk-9"), 2_000);
        Path savepoint = snapshot(state.savepoints().resolve("savepoint-2"), 2_500);
        state.rememberSavepoint(savepoint.toUri().toString());
        assertThat(state.restorePoint()).contains(savepoint.toUri().toString());
    }
}
