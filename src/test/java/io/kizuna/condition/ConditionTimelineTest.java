package io.kizuna.condition;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.kizuna.condition.Condition.CountOp;
import io.kizuna.condition.Condition.EventCount;
import io.kizuna.condition.Condition.EventWindow;
import io.kizuna.condition.Condition.FieldRef;
import io.kizuna.condition.ProfileSnapshot.EventRecord;

class ConditionTimelineTest {

    private static final ZoneId TOKYO = ZoneId.of("Asia/Tokyo");
    private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

    // ---- scenarios ----

    @Test
    void cart_older_than_three_hours_wakes_up_three_hours_after_the_cart_was_updated() {
        Instant now = Instant.parse("2025-06-10T09:00:00Z");
        Instant cartUpdated = Instant.parse("2025-06-10T08:00:00Z");
        Condition cartOlderThanThreeHours = computed(ComputedField.CART_UPDATED_AT, Operator.MORE_THAN_AGO, hours(3));
        ProfileSnapshot profile = profile(Map.of(), computedTraits(null, cartUpdated, null), List.of());

        Instant wakeUp = ConditionTimeline.nextChange(cartOlderThanThreeHours, profile, context(now, ZoneOffset.UTC));

        // "older than" is strict: at 11:00:00 the cart is exactly 3 hours old, the flip comes just after.
        assertEquals(cartUpdated.plus(Duration.ofHours(3)).plusSeconds(1), wakeUp);
        assertFalse(matchesAt(cartOlderThanThreeHours, profile, ZoneOffset.UTC, cartUpdated.plus(Duration.ofHours(3))));
        assertTrue(matchesAt(cartOlderThanThreeHours, profile, ZoneOffset.UTC, wakeUp));
    }

    @Test
    void no_visit_for_thirty_days_wakes_up_thirty_whole_days_after_the_last_visit_even_across_daylight_saving() {
        Instant lastSeen = Instant.parse("2025-02-20T15:00:00Z");
        Instant now = Instant.parse("2025-03-01T12:00:00Z");
        Condition noVisitFor30Days = computed(ComputedField.LAST_SEEN_AT, Operator.MORE_THAN_AGO, days(30));
        ProfileSnapshot profile = profile(Map.of(), computedTraits(lastSeen, null, null), List.of());

        Instant wakeUp = ConditionTimeline.nextChange(noVisitFor30Days, profile, context(now, NEW_YORK));

        // A day is 24 hours (Span.before), so the spring-forward on 2025-03-09 does not move it.
        assertEquals(lastSeen.plus(Duration.ofDays(30)).plusSeconds(1), wakeUp);
        assertTrue(matchesAt(noVisitFor30Days, profile, NEW_YORK, wakeUp));
    }

    @Test
    void days_since_last_seen_reaching_thirty_wakes_up_exactly_when_the_thirtieth_day_is_complete() {
        Instant lastSeen = Instant.parse("2025-02-20T15:00:00Z");
        Condition dormant = new Condition.Computed(ComputedField.DAYS_SINCE_LAST_SEEN, null, Operator.GTE, number(30));
        ProfileSnapshot profile = profile(Map.of(), computedTraits(lastSeen, null, null), List.of());

        Instant wakeUp = ConditionTimeline.nextChange(dormant, profile, context(Instant.parse("2025-03-01T12:00:00Z"), NEW_YORK));

        assertEquals(lastSeen.plus(Duration.ofDays(30)), wakeUp);
        assertTrue(matchesAt(dormant, profile, NEW_YORK, wakeUp));
    }

    @Test
    void birthday_today_wakes_up_at_the_next_birthday_midnight_in_tokyo_and_again_the_day_after() {
        Condition birthdayToday = anniversary("birthday", Condition.AnniversaryWhen.TODAY, 0);
        ProfileSnapshot profile = profile(Map.of("birthday", "1990-07-15"), computedTraits(null, null, null), List.of());

        Instant birthdayStarts = ConditionTimeline.nextChange(birthdayToday, profile, context(Instant.parse("2025-03-01T12:00:00Z"), TOKYO));
        Instant birthdayEnds = ConditionTimeline.nextChange(birthdayToday, profile, context(birthdayStarts, TOKYO));

        assertEquals(tokyo("2025-07-15T00:00"), birthdayStarts);
        assertEquals(tokyo("2025-07-16T00:00"), birthdayEnds);
        assertTrue(matchesAt(birthdayToday, profile, TOKYO, birthdayStarts));
    }

    @Test
    void a_feb_29_birthday_is_celebrated_on_feb_28_in_a_year_without_a_leap_day_and_on_feb_29_otherwise() {
        Condition birthdayToday = anniversary("birthday", Condition.AnniversaryWhen.TODAY, 0);
        ProfileSnapshot profile = profile(Map.of("birthday", "2000-02-29"), computedTraits(null, null, null), List.of());

        Instant in2025 = ConditionTimeline.nextChange(birthdayToday, profile, context(Instant.parse("2025-01-10T00:00:00Z"), TOKYO));
        Instant in2028 = ConditionTimeline.nextChange(birthdayToday, profile, context(tokyo("2027-03-01T00:00"), TOKYO));

        assertEquals(tokyo("2025-02-28T00:00"), in2025);
        assertEquals(tokyo("2028-02-29T00:00"), in2028);
        assertTrue(matchesAt(birthdayToday, profile, TOKYO, in2025));
        assertTrue(matchesAt(birthdayToday, profile, TOKYO, in2028));
    }

    @Test
    void contract_maturity_notice_thirty_days_before_wakes_up_on_the_day_of_notice() {
        Condition noticeDue = anniversary("contract_end", Condition.AnniversaryWhen.DAYS_BEFORE, 30);
        ProfileSnapshot profile = profile(Map.of("contract_end", "2025-12-31"), computedTraits(null, null, null), List.of());

        Instant wakeUp = ConditionTimeline.nextChange(noticeDue, profile, context(Instant.parse("2025-11-01T03:00:00Z"), TOKYO));

        assertEquals(tokyo("2025-12-01T00:00"), wakeUp);
    }

    @Test
    void two_product_views_in_the_last_seven_days_stop_counting_when_the_older_of_the_two_leaves_the_window() {
        Instant now = Instant.parse("2025-06-10T09:00:00Z");
        Instant older = now.minus(Duration.ofDays(5));
        Condition viewedTwiceThisWeek = new Condition.Event("Product Viewed", List.of(), new EventWindow.WithinLast(new Span(7, Span.Unit.DAYS)),
                new EventCount(CountOp.AT_LEAST, 2));
        ProfileSnapshot profile = profile(Map.of(), computedTraits(null, null, null), List.of(
                event("Product Viewed", now.minus(Duration.ofDays(1))),
                event("Product Viewed", older),
                event("Product Viewed", now.minus(Duration.ofDays(9)))));

        Instant wakeUp = ConditionTimeline.nextChange(viewedTwiceThisWeek, profile, context(now, ZoneOffset.UTC));

        assertEquals(older.plus(Duration.ofDays(7)).plusSeconds(1), wakeUp);
        assertFalse(matchesAt(viewedTwiceThisWeek, profile, ZoneOffset.UTC, wakeUp));
    }

    @Test
    void three_views_in_the_window_with_at_least_one_required_wake_up_only_when_the_last_one_leaves() {
        Instant now = Instant.parse("2025-06-10T09:00:00Z");
        Instant newest = now.minus(Duration.ofHours(1));
        Condition viewedThisWeek = new Condition.Event("Product Viewed", List.of(), new EventWindow.WithinLast(new Span(7, Span.Unit.DAYS)),
                new EventCount(CountOp.AT_LEAST, 1));
        ProfileSnapshot profile = profile(Map.of(), computedTraits(null, null, null), List.of(
                event("Product Viewed", now.minus(Duration.ofDays(6))), event("Product Viewed", now.minus(Duration.ofDays(3))),
                event("Product Viewed", newest)));

        Instant wakeUp = ConditionTimeline.nextChange(viewedThisWeek, profile, context(now, ZoneOffset.UTC));

        assertEquals(newest.plus(Duration.ofDays(7)).plusSeconds(1), wakeUp);
    }

    @Test
    void an_event_dated_in_the_future_wakes_up_when_it_enters_the_window() {
        Instant now = Instant.parse("2025-06-10T09:00:00Z");
        Instant scheduled = now.plus(Duration.ofHours(2));
        Condition addedInLastThreeHours = new Condition.Event("Product Added", List.of(), new EventWindow.WithinLast(new Span(3, Span.Unit.HOURS)),
                new EventCount(CountOp.AT_LEAST, 1));
        ProfileSnapshot profile = profile(Map.of(), computedTraits(null, null, null), List.of(event("Product Added", scheduled)));

        assertEquals(scheduled, ConditionTimeline.nextChange(addedInLastThreeHours, profile, context(now, ZoneOffset.UTC)));
    }

    @Test
    void a_month_in_new_york_is_counted_in_local_time_across_the_spring_forward() {
        Instant lastOrder = LocalDateTime.parse("2025-02-09T12:00").atZone(NEW_YORK).toInstant();
        Condition orderedThisMonth = computed(ComputedField.LAST_ORDER_AT, Operator.WITHIN_LAST, new Span(1, Span.Unit.MONTHS));
        ProfileSnapshot profile = profile(Map.of(), computedTraits(null, null, lastOrder), List.of());

        Instant wakeUp = ConditionTimeline.nextChange(orderedThisMonth, profile, context(Instant.parse("2025-03-01T12:00:00Z"), NEW_YORK));

        // 12:00 EDT on Mar 9 is 16:00Z; adding a month to the instant in UTC would say 17:00Z, an hour late.
        assertEquals(LocalDateTime.parse("2025-03-09T12:00:01").atZone(NEW_YORK).toInstant(), wakeUp);
        assertFalse(matchesAt(orderedThisMonth, profile, NEW_YORK, wakeUp));
    }

    @Test
    void a_month_back_from_march_first_skips_the_end_of_january_at_midnight() {
        // Feb 28 minus a month is Jan 28, Mar 1 minus a month is Feb 1: Jan 31 leaves the window at midnight.
        Instant lastOrder = LocalDateTime.parse("2025-01-31T12:00").atZone(NEW_YORK).toInstant();
        Condition orderedThisMonth = computed(ComputedField.LAST_ORDER_AT, Operator.WITHIN_LAST, new Span(1, Span.Unit.MONTHS));
        ProfileSnapshot profile = profile(Map.of(), computedTraits(null, null, lastOrder), List.of());

        Instant wakeUp = ConditionTimeline.nextChange(orderedThisMonth, profile, context(Instant.parse("2025-02-15T12:00:00Z"), NEW_YORK));

        assertEquals(LocalDateTime.parse("2025-03-01T00:00").atZone(NEW_YORK).toInstant(), wakeUp);
    }

    @Test
    void a_signup_date_within_the_last_week_wakes_up_at_the_midnight_it_leaves_the_week() {
        Condition signedUpThisWeek = new Condition.Trait(List.of("signup_date"), Operator.WITHIN_LAST, new Value.Duration(new Span(1, Span.Unit.WEEKS)));
        ProfileSnapshot profile = profile(Map.of("signup_date", "2025-06-05"), computedTraits(null, null, null), List.of());

        Instant wakeUp = ConditionTimeline.nextChange(signedUpThisWeek, profile, context(Instant.parse("2025-06-10T09:00:00Z"), TOKYO));

        assertEquals(tokyo("2025-06-13T00:00"), wakeUp);
    }

    @Test
    void a_condition_without_time_relative_leaves_never_wakes_up() {
        Condition timeless = new Condition.All(List.of(
                new Condition.HasTag("vip"),
                new Condition.Consent("email", "", Condition.ConsentStatus.GRANTED),
                new Condition.Computed(ComputedField.ORDER_COUNT, null, Operator.GTE, number(2)),
                new Condition.Trait(List.of("plan"), Operator.EQUALS, new Value.Text("gold")),
                new Condition.Computed(ComputedField.LAST_ORDER_AT, null, Operator.BEFORE, new Value.Date(java.time.LocalDate.parse("2025-01-01"))),
                new Condition.Event("Order Completed", List.of(), new EventWindow.Ever(), new EventCount(CountOp.AT_LEAST, 1))));
        ProfileSnapshot profile = profile(Map.of("plan", "gold"), computedTraits(Instant.parse("2025-06-01T00:00:00Z"), null, null),
                List.of(event("Order Completed", Instant.parse("2025-05-01T00:00:00Z"))));

        assertNull(ConditionTimeline.nextChange(timeless, profile, context(Instant.parse("2025-06-10T09:00:00Z"), TOKYO)));
    }

    @Test
    void several_conditions_wake_up_at_the_earliest_of_their_changes() {
        Instant now = Instant.parse("2025-06-10T09:00:00Z");
        ProfileSnapshot profile = profile(Map.of(), computedTraits(now.minus(Duration.ofDays(10)), now.minus(Duration.ofHours(1)), null), List.of());
        Condition noVisitFor30Days = computed(ComputedField.LAST_SEEN_AT, Operator.MORE_THAN_AGO, days(30));
        Condition cartOlderThanThreeHours = computed(ComputedField.CART_UPDATED_AT, Operator.MORE_THAN_AGO, hours(3));

        Instant wakeUp = ConditionTimeline.nextChange(List.of(noVisitFor30Days, cartOlderThanThreeHours, new Condition.HasTag("vip")),
                profile, context(now, ZoneOffset.UTC));

        assertEquals(now.plus(Duration.ofHours(2)).plusSeconds(1), wakeUp);
    }

    // ---- property ----

    /**
     * Random time-relative conditions on random profiles whose times sit on the boundaries: the
     * wake-up is never late. Reproduce a failure with -Dkizuna.timeline.seed=...; more cases with
     * -Dkizuna.timeline.cases=....
     */
    @Test
    void random_time_relative_conditions_never_wake_up_late() {
        long seed = Long.getLong("kizuna.timeline.seed", System.nanoTime());
        int cases = Integer.getInteger("kizuna.timeline.cases", 2_000);
        TimelineCaseGenerator generator = new TimelineCaseGenerator(seed);
        int wakeUps = 0;
        int changedAtWakeUp = 0;
        int changedSecondAfterWakeUp = 0;
        int leafWakeUps = 0;
        int leafChangedSecondAfter = 0;
        long samples = 0;
        long nanosInNextChange = 0;
        for (int index = 0; index < cases; index++) {
            TimelineCaseGenerator.TimelineCase c = generator.next();
            long sampleSeed = seed * 31 + index;
            long started = System.nanoTime();
            Instant wakeUp;
            TimelineCheck.Result result;
            try {
                wakeUp = ConditionTimeline.nextChange(c.condition(), c.profile(), c.context());
                nanosInNextChange += System.nanoTime() - started;
                result = TimelineCheck.run(c.condition(), c.profile(), c.context(), c.spans(), sampleSeed);
            } catch (RuntimeException e) {
                throw new AssertionError("failed on seed " + seed + ", case " + index + ", zone " + c.context().zone() + ", now " + c.context().now()
                        + "\n  condition: " + TimelineCheck.describe(c.condition()) + "\n  profile: " + TimelineCheck.describe(c.profile()), e);
            }
            if (result.failure() != null) {
                fail("wake-up too late (seed " + seed + ", case " + index + ")\n  "
                        + TimelineCheck.shrinkAndDescribe(c.condition(), c.profile(), c.context(), c.spans(), sampleSeed)
                        + "\n  original condition: " + TimelineCheck.describe(c.condition()));
            }
            List<Condition> leaves = new ArrayList<>();
            collectLeaves(c.condition(), leaves);
            String where = "seed " + seed + ", case " + index + ": " + TimelineCheck.describe(c.condition());
            assertEquals(wakeUp, ConditionTimeline.nextChange(leaves, c.profile(), c.context()), () -> "the earliest over the leaves, " + where);
            samples += result.samples();
            if (wakeUp != null) {
                wakeUps++;
                changedAtWakeUp += result.changedAtNextChange() ? 1 : 0;
                changedSecondAfterWakeUp += result.changedSecondAfter() ? 1 : 0;
            }
            for (Condition leaf : leaves) {
                Instant leafWakeUp = ConditionTimeline.nextChange(leaf, c.profile(), c.context());
                if (leafWakeUp != null) {
                    leafWakeUps++;
                    boolean before = TimelineCheck.matches(leaf, c.profile(), c.context(), c.context().now());
                    leafChangedSecondAfter += TimelineCheck.matches(leaf, c.profile(), c.context(), leafWakeUp.plusSeconds(1)) != before ? 1 : 0;
                }
            }
        }
        System.out.printf("ConditionTimeline: seed %d, %d cases, %d samples checked, %.1f µs per nextChange%n",
                seed, cases, samples, nanosInNextChange / 1_000d / cases);
        System.out.printf("  tightness: %d of %d wake-ups see the condition changed at nextChange (%d at nextChange + 1 s)%n",
                changedAtWakeUp, wakeUps, changedSecondAfterWakeUp);
        System.out.printf("  per leaf: %d of %d leaf wake-ups see the leaf changed at nextChange + 1 s%n", leafChangedSecondAfter, leafWakeUps);
    }

    // ---- helpers ----

    private static void collectLeaves(Condition condition, List<Condition> leaves) {
        if (condition instanceof Condition.All all) {
            all.conditions().forEach(child -> collectLeaves(child, leaves));
        } else if (condition instanceof Condition.Any any) {
            any.conditions().forEach(child -> collectLeaves(child, leaves));
        } else if (condition instanceof Condition.Not not) {
            collectLeaves(not.condition(), leaves);
        } else {
            leaves.add(condition);
        }
    }

    private static boolean matchesAt(Condition condition, ProfileSnapshot profile, ZoneId zone, Instant at) {
        return ConditionMatcher.matches(condition, profile, context(at, zone));
    }

    private static EvaluationContext context(Instant now, ZoneId zone) {
        return new EvaluationContext(UUID.fromString("00000000-0000-4000-8000-000000000001"), now, zone);
    }

    private static Instant tokyo(String localDateTime) {
        return LocalDateTime.parse(localDateTime).atZone(TOKYO).toInstant();
    }

    private static Condition computed(ComputedField field, Operator op, Span span) {
        return new Condition.Computed(field, null, op, new Value.Duration(span));
    }

    private static Condition anniversary(String trait, Condition.AnniversaryWhen when, int days) {
        return new Condition.Anniversary(FieldRef.trait(List.of(trait)), when, days);
    }

    private static Span hours(int amount) {
        return new Span(amount, Span.Unit.HOURS);
    }

    private static Span days(int amount) {
        return new Span(amount, Span.Unit.DAYS);
    }

    private static Value number(long value) {
        return new Value.Number(BigDecimal.valueOf(value));
    }

    private static EventRecord event(String name, Instant at) {
        return new EventRecord(name, at, Map.of());
    }

    private static ProfileSnapshot.Computed computedTraits(Instant lastSeenAt, Instant cartUpdatedAt, Instant lastOrderAt) {
        return new ProfileSnapshot.Computed(null, lastSeenAt, null, lastOrderAt, lastOrderAt == null ? 0 : 1, BigDecimal.ZERO, BigDecimal.ZERO,
                null, null, BigDecimal.ZERO, cartUpdatedAt == null ? 0 : 1, cartUpdatedAt, null, null, null,
                Instant.parse("2024-01-01T00:00:00Z"), Map.of());
    }

    private static ProfileSnapshot profile(Map<String, Object> traits, ProfileSnapshot.Computed computed, List<EventRecord> events) {
        return new ProfileSnapshot(UUID.fromString("00000000-0000-4000-8000-0000000000aa"), traits, computed, Set.of("vip"), Set.of(),
                Map.of(ProfileSnapshot.consentKey("email", ""), true), Set.of("email"), events);
    }
}
