package io.kizuna.profile;

import java.util.Collection;
import java.util.Comparator;
import java.util.UUID;

/**
 * Row locks on profiles, always taken the same way so that two transactions never deadlock and
 * no plan can turn a lock of 30 profiles into a scan of the whole workspace.
 *
 * <p>The ids are locked one primary-key probe at a time, in PostgreSQL's uuid order, through a
 * LATERAL subquery that cannot be flattened (OFFSET 0). The plain form
 * {@code WHERE workspace_id = $1 AND id = ANY($2) ORDER BY id FOR UPDATE} lets the planner read
 * the workspace's profiles in index order and filter them, to skip a sort; on tables without
 * statistics (autovacuum off, or just after a bulk load) it did, and ingestion read about 100
 * profile rows per event instead of one.
 */
public final class ProfileLocks {

    /** PostgreSQL orders uuids by their bytes, unsigned; Java's UUID.compareTo compares signed longs. */
    public static final Comparator<UUID> DATABASE_ORDER = (a, b) -> {
        int high = Long.compareUnsigned(a.getMostSignificantBits(), b.getMostSignificantBits());
        return high != 0 ? high : Long.compareUnsigned(a.getLeastSignificantBits(), b.getLeastSignificantBits());
    };

    /** Locks the profiles given as $2 (from {@link #inLockOrder}) of workspace $1; answers their ids. */
    public static final String LOCK_IDS = lockSelecting("id");

    private ProfileLocks() {
    }

    /** The lock statement answering {@code columns} (a select list over the profiles row) of each locked profile. */
    public static String lockSelecting(String columns) {
        return "SELECT p.* FROM unnest($2::uuid[]) AS k(id) CROSS JOIN LATERAL (SELECT " + columns
                + " FROM profiles WHERE workspace_id = $1 AND id = k.id OFFSET 0 FOR UPDATE) p";
    }

    /** The distinct ids in lock order. */
    public static UUID[] inLockOrder(Collection<UUID> ids) {
        return ids.stream().distinct().sorted(DATABASE_ORDER).toArray(UUID[]::new);
    }
}
