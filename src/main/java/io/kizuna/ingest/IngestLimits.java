package io.kizuna.ingest;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Segment's documented limits, configurable. */
@ConfigMapping(prefix = "kizuna.ingest")
public interface IngestLimits {

    /** Largest accepted message, in bytes. */
    @WithDefault("32768")
    int maxEventBytes();

    /** Largest accepted batch request, in bytes. */
    @WithDefault("512000")
    int maxBatchBytes();

    /** Most messages in one batch. */
    @WithDefault("2500")
    int maxBatchItems();
}
