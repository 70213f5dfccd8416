package io.kizuna.segment;

import java.util.UUID;

/** A profile entering or leaving a segment. */
public record MembershipChange(UUID segmentId, UUID profileId, boolean entered) {
}
