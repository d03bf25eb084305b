package io.chaintrack.api.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;

/**
 * Settings under {@code chaintrack.api.streams}: live streams poll the store on a small shared scheduler,
 * each holding at most max-rows-per-poll rows, so the server's cost per stream is bounded.
 *
 * @param maxStreams concurrent live streams per replica (beyond: 429 / RESOURCE_EXHAUSTED)
 * @param maxStreamsPerClient concurrent live streams one client (API key, else user, else IP address) may hold on a
 *        replica, so one client cannot take every slot (beyond: 429 / RESOURCE_EXHAUSTED)
 * @param pollInterval how often each stream looks for new rows
 * @param threads scheduler threads shared by every stream
 * @param reorgMarginBlocks how many blocks below the head a stream keeps re-checking for late rows and reorgs
 * @param maxRowsPerPoll rows one stream may hold in that margin; an address busier than this ends its stream
 * @param heartbeat idle interval after which an SSE comment keeps proxies from closing the connection
 * @param anomalyMargin how far below the newest anomaly window an anomaly stream keeps looking for rows
 *        written late (chains whose analytics trail the others)
 */
@ConfigurationProperties("chaintrack.api.streams")
public record StreamConfig(
        @Bindable(defaultValue = "100") int maxStreams,
        @Bindable(defaultValue = "10") int maxStreamsPerClient,
        @Bindable(defaultValue = "1s") Duration pollInterval,
        @Bindable(defaultValue = "2") int threads,
        @Bindable(defaultValue = "64") int reorgMarginBlocks,
        @Bindable(defaultValue = "5000") int maxRowsPerPoll,
        @Bindable(defaultValue = "15s") Duration heartbeat,
        @Bindable(defaultValue = "6h") Duration anomalyMargin) {

    public StreamConfig {
        if (maxStreams < 1 || maxStreamsPerClient < 1 || threads < 1 || reorgMarginBlocks < 0 || maxRowsPerPoll < 1) {
            throw new IllegalArgumentException("chaintrack.api.streams: max-streams, max-streams-per-client, threads and max-rows-per-poll must be"
                    + " positive and reorg-margin-blocks non-negative");
        }
        if (pollInterval.toMillis() < 10) {
            throw new IllegalArgumentException("chaintrack.api.streams.poll-interval must be at least 10ms");
        }
    }
}
