package io.kizuna.workspace.auth;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.kizuna.common.error.UnauthenticatedException;
import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.pgclient.PgPool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Resolves an {@code Authorization} header to a {@link Caller}: the operator token, a workspace
 * key as Bearer, or an ingest key as the HTTP Basic username with an empty password (the Segment
 * write-key convention). Runs on every authenticated request, so it uses the reactive client and
 * one indexed lookup by key hash.
 */
@ApplicationScoped
public class Authenticator {

    private static final Logger LOG = Logger.getLogger(Authenticator.class);
    private static final String LOOKUP = """
            SELECT k.id, k.workspace_id, k.scopes, k.revoked_at, w.status
              FROM api_keys k JOIN workspaces w ON w.id = k.workspace_id
             WHERE k.key_hash = $1""";

    private static final int MAX_CACHED_KEYS = 10_000;

    /** What an active key grants, remembered for a few seconds so the hot ingestion path skips the lookup. */
    private record Grant(UUID workspaceId, UUID keyId, Set<Scope> scopes, long expiresAtNanos) {
    }

    private final PgPool pool;
    private final String operatorToken;
    private final long cacheNanos;
    private final ConcurrentHashMap<String, Grant> grants = new ConcurrentHashMap<>();

    public Authenticator(PgPool pool, @ConfigProperty(name = "kizuna.admin-token") java.util.Optional<String> operatorToken,
            @ConfigProperty(name = "kizuna.auth.key-cache", defaultValue = "10s") Duration keyCache) {
        this.pool = pool;
        this.operatorToken = operatorToken.filter(token -> !token.isBlank()).orElse(null);
        this.cacheNanos = keyCache.toNanos();
    }

    /**
     * Forgets every remembered key. Called when a key is revoked or a workspace disabled, so this
     * instance rejects it at once; other instances notice within {@code kizuna.auth.key-cache}.
     */
    public void forgetKeys() {
        grants.clear();
    }

    void announce(@jakarta.enterprise.event.Observes StartupEvent event) {
        if (operatorToken == null) {
            LOG.warn("KIZUNA_ADMIN_TOKEN is not set: the operator API (/v1/admin) rejects every call");
        } else if (LaunchMode.current() == LaunchMode.DEVELOPMENT && operatorToken.equals("kizuna-dev-admin-token")) {
            LOG.warn("KIZUNA_ADMIN_TOKEN is not set; dev mode uses the default operator token 'kizuna-dev-admin-token'. Never use it in production.");
        }
    }

    public Uni<Caller> authenticate(String authorization) {
        if (authorization == null || authorization.isBlank()) {
            return Uni.createFrom().item(Caller.ANONYMOUS);
        }
        String header = authorization.trim();
        int space = header.indexOf(' ');
        if (space < 0) {
            return fail("The Authorization header must be 'Bearer <key>' or Basic with the write key as username");
        }
        String scheme = header.substring(0, space);
        String credentials = header.substring(space + 1).trim();
        if (scheme.equalsIgnoreCase("Bearer")) {
            if (operatorToken != null && ApiKeyCodec.constantTimeEquals(credentials, operatorToken)) {
                return Uni.createFrom().item(Caller.OPERATOR);
            }
            return lookup(credentials, false);
        }
        if (scheme.equalsIgnoreCase("Basic")) {
            String decoded;
            try {
                decoded = new String(Base64.getDecoder().decode(credentials), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return fail("The Basic credentials are not valid base64");
            }
            int colon = decoded.indexOf(':');
            String username = colon < 0 ? decoded : decoded.substring(0, colon);
            String password = colon < 0 ? "" : decoded.substring(colon + 1);
            if (!password.isEmpty()) {
                return fail("Send the write key as the Basic username with an empty password");
            }
            return lookup(username, true);
        }
        return fail("Unsupported authorization scheme '" + scheme + "'");
    }

    private Uni<Caller> lookup(String key, boolean asWriteKey) {
        if (!ApiKeyCodec.looksLikeKey(key)) {
            return fail("The API key is not valid");
        }
        byte[] hash = ApiKeyCodec.hash(key);
        String cacheKey = HexFormat.of().formatHex(hash);
        Grant cached = grants.get(cacheKey);
        if (cached != null && cached.expiresAtNanos() - System.nanoTime() > 0) {
            return Uni.createFrom().item(() -> toCaller(cached, asWriteKey));
        }
        return pool.preparedQuery(LOOKUP).execute(Tuple.of(io.vertx.core.buffer.Buffer.buffer(hash)))
                .map(rows -> rows.iterator().hasNext() ? grant(rows.iterator().next()) : null)
                .onItem().ifNull().failWith(() -> new UnauthenticatedException("The API key is not valid"))
                .invoke(grant -> remember(cacheKey, grant))
                .map(grant -> toCaller(grant, asWriteKey));
    }

    private void remember(String cacheKey, Grant grant) {
        if (cacheNanos <= 0) {
            return;
        }
        if (grants.size() >= MAX_CACHED_KEYS) {
            grants.clear();
        }
        grants.put(cacheKey, grant);
    }

    private Grant grant(Row row) {
        if (row.getValue("revoked_at") != null) {
            throw new UnauthenticatedException("The API key has been revoked");
        }
        if (!"ACTIVE".equals(row.getString("status"))) {
            throw new UnauthenticatedException("The workspace of this API key is disabled");
        }
        EnumSet<Scope> granted = EnumSet.noneOf(Scope.class);
        for (String scope : row.getArrayOfStrings("scopes")) {
            granted.add(Scope.fromWire(scope));
        }
        return new Grant(row.getUUID("workspace_id"), row.getUUID("id"), Set.copyOf(Scope.effective(granted)), System.nanoTime() + cacheNanos);
    }

    private static Caller toCaller(Grant grant, boolean asWriteKey) {
        Set<Scope> effective = grant.scopes();
        if (asWriteKey) {
            if (!effective.contains(Scope.INGEST)) {
                throw new UnauthenticatedException("Only keys with the ingest scope may be used as a Basic write key");
            }
            effective = EnumSet.of(Scope.INGEST);
        }
        return Caller.key(grant.workspaceId(), grant.keyId(), effective);
    }

    private static Uni<Caller> fail(String message) {
        return Uni.createFrom().failure(new UnauthenticatedException(message));
    }
}
