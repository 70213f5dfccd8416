package io.kizuna.condition;

import java.util.Set;

import io.kizuna.profile.traits.ComputedGroup;

/**
 * What changed on a profile since its rule tags and segments were last decided, so that only the
 * conditions reading those inputs are decided again ({@link ConditionInputs}).
 * {@link #EVERYTHING} (a new or merged profile, an identity attached, a change by hand, a
 * wake-up) decides every condition.
 *
 * @param everything every input may have changed
 * @param traits     traits were set
 * @param computed   the groups of computed traits that moved (a page view moves when the profile
 *                   was last seen, not its order figures)
 * @param eventNames the names of the new events
 */
public record ProfileChange(boolean everything, boolean traits, Set<ComputedGroup> computed, Set<String> eventNames) {

    public static final ProfileChange EVERYTHING = new ProfileChange(true, true, ComputedGroup.all(), Set.of());

    public ProfileChange {
        computed = Set.copyOf(computed);
        eventNames = Set.copyOf(eventNames);
    }

    /** New events, some of them perhaps setting traits, that moved these computed traits. */
    public static ProfileChange events(Set<String> eventNames, boolean traits, Set<ComputedGroup> computed) {
        return new ProfileChange(false, traits, computed, eventNames);
    }

    /** Only computed traits moved, outside ingestion (an RFM recompute). */
    public static ProfileChange computed(Set<ComputedGroup> computed) {
        return new ProfileChange(false, false, computed, Set.of());
    }
}
