package io.kizuna.tag;

import java.util.UUID;

/** A rule tag the engine found newly true ({@code added}) or no longer true for a profile. */
public record TagChange(UUID profileId, String tag, boolean added) {
}
