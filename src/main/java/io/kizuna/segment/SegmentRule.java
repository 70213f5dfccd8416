package io.kizuna.segment;

import java.util.UUID;

import io.kizuna.condition.Condition;

/** A segment as the real-time engine evaluates it. */
public record SegmentRule(UUID id, Condition condition) {
}
