package io.kizuna.segment;

/**
 * A profile's stays in segments, read from the audience log: each ENTERED paired with the EXITED
 * that follows it for the same segment (none while the profile is still a member). Parameters:
 * $1 the workspace, $2 the profile. Rows: {@code segment_id, name, entered_at, exited_at}, aliased
 * {@code h}; callers add the ORDER BY.
 */
final class SegmentStays {

    static final String OF_PROFILE = """
            SELECT h.segment_id, s.name, h.entered_at, h.exited_at
              FROM (SELECT c.audience::uuid AS segment_id, c.change, c.at AS entered_at,
                           CASE WHEN lead(c.change) OVER w = 'EXITED' THEN lead(c.at) OVER w END AS exited_at
                      FROM audience_changes c
                     WHERE c.workspace_id = $1 AND c.profile_id = $2 AND c.kind = 'SEGMENT'
                    WINDOW w AS (PARTITION BY c.audience ORDER BY c.seq)) h
              LEFT JOIN segments s ON s.workspace_id = $1 AND s.id = h.segment_id
             WHERE h.change = 'ENTERED'""";

    private SegmentStays() {
    }
}
