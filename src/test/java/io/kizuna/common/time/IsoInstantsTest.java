package io.kizuna.common.time;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

class IsoInstantsTest {

    @Test
    void readsTheShapesSdksSendExactlyAsJavaTimeDoes() {
        SplittableRandom random = new SplittableRandom(7);
        DateTimeFormatter[] shapes = {
                DateTimeFormatter.ISO_OFFSET_DATE_TIME,
                DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSXXX"),
                DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ssXXX"),
                DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSXXX") };
        for (int i = 0; i < 20_000; i++) {
            Instant instant = Instant.ofEpochSecond(random.nextLong(-2_000_000_000L, 8_000_000_000L), random.nextInt(1_000_000_000));
            ZoneOffset offset = ZoneOffset.ofTotalSeconds(random.nextInt(-18 * 4, 18 * 4 + 1) * 15 * 60);
            String text = instant.atOffset(offset).format(shapes[random.nextInt(shapes.length)]);
            assertEquals(OffsetDateTime.parse(text).toInstant(), IsoInstants.parse(text), text);
            String utc = instant.toString();
            assertEquals(Instant.parse(utc), IsoInstants.parse(utc), utc);
        }
    }

    @Test
    void leavesUnusualButValidTextToJavaTime() {
        assertEquals(Instant.parse("2026-11-23T09:00:00Z"), IsoInstants.parse("2026-11-23T09:00Z"));
        assertEquals(Instant.parse("2026-11-23T00:00:00Z"), IsoInstants.parse("2026-11-23T09:00:00+09:00"));
        assertEquals(Instant.parse("2026-11-23T09:00:00.5Z"), IsoInstants.parse("2026-11-23t09:00:00.5z"));
    }

    @Test
    void rejectsWhatJavaTimeRejects() {
        for (String bad : new String[] { "2026-02-30T09:00:00Z", "2026-13-01T09:00:00Z", "2026-11-23T09:60:00Z",
                "2026-11-23T09:00:00", "2026-11-23 09:00:00Z", "2026-11-23T09:00:00.1234567891Z",
                "2026-11-23T09:00:00+19:00", "yesterday", "" }) {
            assertNull(IsoInstants.parse(bad), bad);
        }
    }
}
