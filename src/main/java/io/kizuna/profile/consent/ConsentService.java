package io.kizuna.profile.consent;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.kizuna.common.error.BadInputException;
import io.kizuna.common.error.FieldViolation;
import io.kizuna.condition.Channel;
import io.kizuna.profile.ProfileStore;
import io.kizuna.segment.AudienceEngine;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.pgclient.PgPool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/** Consent and subscriptions per channel and topic, which the {@code consent} and {@code reachable} conditions read. */
@ApplicationScoped
public class ConsentService {

    static final int MAX_TOPIC_LENGTH = 100;
    static final int MAX_SOURCE_LENGTH = 100;

    private static final String UPSERT = """
            INSERT INTO profile_consents (workspace_id, profile_id, channel, topic, granted, source, updated_at)
            SELECT $1, $2, u.channel, u.topic, u.granted, u.source, $6
              FROM unnest($3::text[], $4::text[], $5::boolean[], $7::text[]) AS u(channel, topic, granted, source)
            ON CONFLICT (workspace_id, profile_id, channel, topic)
            DO UPDATE SET granted = EXCLUDED.granted, source = EXCLUDED.source, updated_at = EXCLUDED.updated_at""";

    private static final String LIST = """
            SELECT channel, topic, granted, source, updated_at FROM profile_consents
             WHERE workspace_id = $1 AND profile_id = $2 ORDER BY channel, topic""";

    private final PgPool pool;
    private final ProfileStore profiles;
    private final AudienceEngine audiences;
    private final Clock clock;

    public ConsentService(PgPool pool, ProfileStore profiles, AudienceEngine audiences, Clock clock) {
        this.pool = pool;
        this.profiles = profiles;
        this.audiences = audiences;
        this.clock = clock;
    }

    /** The consents of a resolved profile id, read on the caller's connection (a GDPR export's snapshot). */
    public Uni<List<ConsentView>> list(SqlClient client, UUID workspaceId, UUID profileId) {
        return client.preparedQuery(LIST).execute(Tuple.of(workspaceId, profileId)).map(ConsentService::views);
    }

    public Uni<List<ConsentView>> list(UUID workspaceId, UUID profileId) {
        return profiles.resolve(pool, workspaceId, profileId)
                .chain(profile -> pool.preparedQuery(LIST).execute(Tuple.of(workspaceId, profile.id())))
                .map(ConsentService::views);
    }

    /** Records answers; a later answer for the same channel and topic replaces the earlier one. */
    public Uni<List<ConsentView>> record(UUID workspaceId, UUID profileId, List<ConsentInput> answers) {
        validate(answers);
        Instant now = clock.instant();
        int size = answers.size();
        String[] channels = new String[size];
        String[] topics = new String[size];
        Boolean[] granted = new Boolean[size];
        String[] sources = new String[size];
        for (int i = 0; i < size; i++) {
            ConsentInput answer = answers.get(i);
            channels[i] = answer.channel();
            topics[i] = answer.topic() == null ? "" : answer.topic();
            granted[i] = answer.granted();
            sources[i] = answer.source();
        }
        return profiles.resolve(pool, workspaceId, profileId)
                .chain(profile -> pool.preparedQuery(UPSERT).execute(Tuple.from(List.of(workspaceId, profile.id(), channels, topics, granted,
                        OffsetDateTime.ofInstant(now, ZoneOffset.UTC), sources))).replaceWith(profile.id()))
                .call(id -> audiences.evaluateNow(workspaceId, List.of(id)))
                .chain(id -> pool.preparedQuery(LIST).execute(Tuple.of(workspaceId, id)))
                .map(ConsentService::views);
    }

    private static void validate(List<ConsentInput> answers) {
        if (answers == null || answers.isEmpty()) {
            throw new BadInputException("body", "must be a non-empty array of {channel, topic, granted}");
        }
        List<FieldViolation> violations = new ArrayList<>();
        for (int i = 0; i < answers.size(); i++) {
            ConsentInput answer = answers.get(i);
            String at = "[" + i + "]";
            if (answer == null) {
                violations.add(new FieldViolation(at, "must be an object {channel, topic, granted}"));
                continue;
            }
            if (answer.channel() == null || Channel.fromJson(answer.channel()) == null) {
                violations.add(new FieldViolation(at + ".channel", "must be one of email, sms, line, messenger"));
            }
            if (answer.topic() != null && answer.topic().length() > MAX_TOPIC_LENGTH) {
                violations.add(new FieldViolation(at + ".topic", "must be at most " + MAX_TOPIC_LENGTH + " characters"));
            }
            if (answer.granted() == null) {
                violations.add(new FieldViolation(at + ".granted", "is required: true or false"));
            }
            if (answer.source() != null && answer.source().length() > MAX_SOURCE_LENGTH) {
                violations.add(new FieldViolation(at + ".source", "must be at most " + MAX_SOURCE_LENGTH + " characters"));
            }
        }
        if (!violations.isEmpty()) {
            throw new BadInputException(violations);
        }
    }

    private static List<ConsentView> views(Iterable<Row> rows) {
        List<ConsentView> views = new ArrayList<>();
        for (Row row : rows) {
            OffsetDateTime updated = row.getOffsetDateTime("updated_at");
            views.add(new ConsentView(row.getString("channel"), row.getString("topic"), row.getBoolean("granted"), row.getString("source"),
                    updated.toInstant()));
        }
        return views;
    }
}
