package io.kizuna.profile.gdpr;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.kizuna.profile.identity.IdentityKey;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.pgclient.PgPool;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Identifiers of erased people. Only SHA-256 hashes of {@code type:value} are kept, so the list
 * itself holds no personal data. Ingestion asks here before creating or updating a profile and
 * drops events of suppressed identities.
 */
@ApplicationScoped
public class SuppressionService {

    private static final String INSERT = """
            INSERT INTO suppressions (workspace_id, type, value_hash, profile_id, created_at)
            VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (workspace_id, type, value_hash) DO NOTHING""";

    private static final String MATCH = """
            SELECT s.type, encode(s.value_hash, 'hex') AS hash
              FROM suppressions s
             WHERE s.workspace_id = $1
               AND (s.type, s.value_hash) IN (SELECT x.type, decode(x.hash, 'hex') FROM unnest($2::text[], $3::text[]) AS x(type, hash))""";

    private final PgPool pool;

    public SuppressionService(PgPool pool) {
        this.pool = pool;
    }

    /** Whether this identity (type and value as normalised by ingestion) belongs to an erased person. */
    public Uni<Boolean> isSuppressed(UUID workspaceId, String type, String normalizedValue) {
        return suppressedKeys(workspaceId, List.of(new IdentityKey(type, normalizedValue))).map(keys -> !keys.isEmpty());
    }

    /** The given identities that are suppressed, each as {@link IdentityKey#key()} ({@code type:value}). */
    public Uni<Set<String>> suppressedKeys(UUID workspaceId, List<IdentityKey> identities) {
        if (identities.isEmpty()) {
            return Uni.createFrom().item(Set.of());
        }
        Map<String, String> keysByHash = new HashMap<>();
        String[] types = new String[identities.size()];
        String[] hashes = new String[identities.size()];
        for (int i = 0; i < identities.size(); i++) {
            IdentityKey identity = identities.get(i);
            types[i] = identity.type();
            hashes[i] = HexFormat.of().formatHex(hash(identity.type(), identity.value()));
            keysByHash.put(identity.type() + "\n" + hashes[i], identity.key());
        }
        return pool.preparedQuery(MATCH).execute(Tuple.of(workspaceId, types, hashes)).map(rows -> {
            Set<String> suppressed = new HashSet<>();
            rows.forEach(row -> {
                String key = keysByHash.get(row.getString("type") + "\n" + row.getString("hash"));
                if (key != null) {
                    suppressed.add(key);
                }
            });
            return suppressed;
        });
    }

    /** Records the identities of an erased profile, on the caller's transaction. */
    public Uni<Void> suppress(SqlClient client, UUID workspaceId, UUID profileId, List<IdentityKey> identities, Instant at) {
        if (identities.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        OffsetDateTime createdAt = OffsetDateTime.ofInstant(at, ZoneOffset.UTC);
        List<Tuple> rows = identities.stream()
                .map(identity -> Tuple.of(workspaceId, identity.type(), Buffer.buffer(hash(identity.type(), identity.value())),
                        profileId, createdAt))
                .toList();
        return client.preparedQuery(INSERT).executeBatch(rows).replaceWithVoid();
    }

    /** SHA-256 of {@code type + ":" + value} in UTF-8. */
    public static byte[] hash(String type, String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest((type + ":" + value).getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }
}
