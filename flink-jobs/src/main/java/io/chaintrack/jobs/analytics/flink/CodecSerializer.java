package io.chaintrack.jobs.analytics.flink;

/**
 * Savepoints taken before the codec family moved to io.chaintrack.connectors.flink name this snapshot class: it
 * reads them and restores the moved serializer. Delete once no such savepoint is kept (docs/runbook.md).
 */
public final class CodecSerializer {
    private CodecSerializer() {}

    public static final class Snapshot<T> extends io.chaintrack.connectors.flink.CodecSerializer.Snapshot<T> {}
}
