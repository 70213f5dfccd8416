package io.kizuna.condition;

import java.util.Collection;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.UUID;

import io.kizuna.profile.traits.ComputedGroup;

/**
 * The inputs a condition's answer depends on, besides the clock: traits, computed traits, events
 * of some names, identities and consents, tags and segments. A condition none of whose inputs
 * changed keeps its answer, except as time passes, which wake-ups take care of
 * ({@link ConditionTimeline}); the real-time engine then neither decides it again nor loads what
 * it reads.
 */
public record ConditionInputs(boolean traits, Set<ComputedGroup> computed, Set<String> eventNames, boolean contacts, Set<String> tags,
        Set<UUID> segments) {

    public ConditionInputs {
        computed = Set.copyOf(computed);
        eventNames = Set.copyOf(eventNames);
        tags = Set.copyOf(tags);
        segments = Set.copyOf(segments);
    }

    public static ConditionInputs of(Condition condition) {
        Collector collector = new Collector();
        Condition.forEachLeaf(condition, collector::leaf);
        return new ConditionInputs(collector.traits, collector.computed, collector.eventNames, collector.contacts, collector.tags, collector.segments);
    }

    /**
     * Whether the change, or a change of the tags and segments named, may change the answer. A
     * random bucket reads only the profile id, so it is decided again only with everything.
     */
    public boolean touchedBy(ProfileChange change, Collection<String> changedTags, Collection<UUID> changedSegments) {
        if (change.everything() || (traits && change.traits())) {
            return true;
        }
        for (ComputedGroup group : change.computed()) {
            if (computed.contains(group)) {
                return true;
            }
        }
        for (String name : change.eventNames()) {
            if (eventNames.contains(name)) {
                return true;
            }
        }
        for (String tag : changedTags) {
            if (tags.contains(tag)) {
                return true;
            }
        }
        for (UUID segment : changedSegments) {
            if (segments.contains(segment)) {
                return true;
            }
        }
        return false;
    }

    /** Every input at least one of the conditions reads. */
    public static ConditionInputs union(Collection<ConditionInputs> all) {
        boolean traits = false;
        boolean contacts = false;
        Set<ComputedGroup> computed = EnumSet.noneOf(ComputedGroup.class);
        Set<String> eventNames = new LinkedHashSet<>();
        Set<String> tags = new LinkedHashSet<>();
        Set<UUID> segments = new LinkedHashSet<>();
        for (ConditionInputs inputs : all) {
            traits |= inputs.traits;
            contacts |= inputs.contacts;
            computed.addAll(inputs.computed);
            eventNames.addAll(inputs.eventNames);
            tags.addAll(inputs.tags);
            segments.addAll(inputs.segments);
        }
        return new ConditionInputs(traits, computed, eventNames, contacts, tags, segments);
    }

    /**
     * The change as these inputs see it: only the event names and computed traits they read, and
     * traits only if they read any. Two changes that narrow alike decide the same conditions.
     */
    public ProfileChange narrow(ProfileChange change) {
        if (change.everything()) {
            return change;
        }
        Set<ComputedGroup> movedAndRead = EnumSet.noneOf(ComputedGroup.class);
        for (ComputedGroup group : change.computed()) {
            if (computed.contains(group)) {
                movedAndRead.add(group);
            }
        }
        Set<String> namesRead = new LinkedHashSet<>();
        for (String name : change.eventNames()) {
            if (eventNames.contains(name)) {
                namesRead.add(name);
            }
        }
        return new ProfileChange(false, traits && change.traits(), movedAndRead, namesRead);
    }

    private static final class Collector {
        boolean traits;
        final Set<ComputedGroup> computed = EnumSet.noneOf(ComputedGroup.class);
        boolean contacts;
        final Set<String> eventNames = new LinkedHashSet<>();
        final Set<String> tags = new LinkedHashSet<>();
        final Set<UUID> segments = new LinkedHashSet<>();

        void leaf(Condition condition) {
            if (condition instanceof Condition.Trait) {
                traits = true;
            } else if (condition instanceof Condition.Computed computedLeaf) {
                computed.add(computedLeaf.field().group());
            } else if (condition instanceof Condition.HasTag tag) {
                tags.add(tag.tag());
            } else if (condition instanceof Condition.InSegment segment) {
                segments.add(segment.segmentId());
            } else if (condition instanceof Condition.Event event) {
                eventNames.add(event.name());
                if (event.window() instanceof Condition.EventWindow.SinceEvent since) {
                    eventNames.add(since.name());
                }
            } else if (condition instanceof Condition.LastEvent last) {
                eventNames.add(last.name());
            } else if (condition instanceof Condition.Consent || condition instanceof Condition.Reachable) {
                contacts = true;
            } else if (condition instanceof Condition.Anniversary anniversary) {
                if (anniversary.field().traitPath() != null) {
                    traits = true;
                } else {
                    computed.add(anniversary.field().computed().group());
                }
            }
            // A random bucket reads only the profile id.
        }
    }
}
