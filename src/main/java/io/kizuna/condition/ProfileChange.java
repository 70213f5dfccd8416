package io.kizuna.condition;

import java.util.Set;

/**
 * What changed on a profile since its rule tags and segments were last decided, so that only the
 * conditions reading those inputs are decided again ({@link ConditionInputs}).
 * {@link #EVERYTHING} (a new or merged profile, an identity attached, a change by hand, a
 * wake-up) decides every condition.
 *
 * @param everything every input may have changed
 * @param traits     traits were set
 * @param computed   computed traits may have moved (any new event)
 * @param eventNames the names of the new events
 */
public record ProfileChange(boolean everything, boolean traits, boolean computed, Set<String> eventNames) {

    public static final ProfileChange EVERYTHING = new ProfileChange(true, true, true, Set.of());

    public ProfileChange {
        eventNames = Set.copyOf(eventNames);
    }

    /** New events, some of them perhaps setting traits. */
    public static ProfileChange events(Set<String> eventNames, boolean traits) {
        return new ProfileChange(false, traits, true, eventNames);
    }
}
