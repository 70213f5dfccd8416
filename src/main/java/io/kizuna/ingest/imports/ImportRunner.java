package io.kizuna.ingest.imports;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.kizuna.common.error.BadInputException;
import io.kizuna.ingest.IngestService;
import io.kizuna.ingest.SegmentParser;
import io.kizuna.ingest.TrackingMessage;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.pgclient.PgPool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Runs import jobs in chunks. A job is claimed with a lease through {@code FOR UPDATE SKIP
 * LOCKED}, so several Kizuna instances share jobs and a job whose instance died is picked up when
 * its lease runs out. After each chunk the checkpoint moves forward; a chunk redone after a crash
 * carries the same messageIds and is deduplicated.
 */
@ApplicationScoped
public class ImportRunner {

    private static final Logger LOG = Logger.getLogger(ImportRunner.class);
    static final int CHUNK_ROWS = 500;
    private static final Duration LEASE = Duration.ofMinutes(2);

    private final PgPool pool;
    private final SegmentParser parser;
    private final IngestService ingest;
    private final Clock clock;
    private final boolean autoRun;

    public ImportRunner(PgPool pool, SegmentParser parser, IngestService ingest, Clock clock,
            @ConfigProperty(name = "kizuna.imports.auto-run", defaultValue = "true") boolean autoRun) {
        this.pool = pool;
        this.parser = parser;
        this.ingest = ingest;
        this.clock = clock;
        this.autoRun = autoRun;
    }

    @Scheduled(every = "${kizuna.imports.poll-interval:2s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> poll() {
        if (!autoRun) {
            return Uni.createFrom().voidItem();
        }
        return runNext(Integer.MAX_VALUE).replaceWithVoid()
                .onFailure().invoke(failure -> LOG.warn("Import run failed; it will be retried", failure))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    /** Claims the oldest runnable job and runs up to {@code maxChunks} chunks of it. Returns false when no job was runnable. */
    public Uni<Boolean> runNext(int maxChunks) {
        return runNext(null, maxChunks);
    }

    /** As {@link #runNext(int)}, restricted to one job when {@code jobId} is given. */
    public Uni<Boolean> runNext(UUID jobId, int maxChunks) {
        Instant now = clock.instant();
        return pool.preparedQuery("""
                UPDATE import_jobs j SET status = 'RUNNING', locked_until = $2, started_at = coalesce(started_at, $1), updated_at = $1
                 WHERE (j.workspace_id, j.id) = (
                       SELECT workspace_id, id FROM import_jobs
                        WHERE (status = 'QUEUED' OR (status = 'RUNNING' AND locked_until < $1))
                          AND ($3::uuid IS NULL OR id = $3)
                        ORDER BY created_at LIMIT 1 FOR UPDATE SKIP LOCKED)
                RETURNING workspace_id, id, kind, format, mapping, data, next_row""")
                .execute(Tuple.of(now.atOffset(ZoneOffset.UTC), now.plus(LEASE).atOffset(ZoneOffset.UTC), jobId))
                .chain(rows -> {
                    if (!rows.iterator().hasNext()) {
                        return Uni.createFrom().item(false);
                    }
                    return run(rows.iterator().next(), maxChunks).replaceWith(true);
                });
    }

    private record Job(UUID workspaceId, UUID id, ImportKind kind, ImportFormat format, Map<String, String> columns) {
    }

    private record Source(List<JsonObject> messages, List<ImportRowError> errors) {
    }

    private Uni<Void> run(Row row, int maxChunks) {
        Job job = new Job(row.getUUID("workspace_id"), row.getUUID("id"), ImportKind.valueOf(row.getString("kind")),
                ImportFormat.valueOf(row.getString("format")), columns(row.getJsonObject("mapping")));
        List<Object> records;
        List<String> header;
        try {
            String text = utf8(row.getBuffer("data").getBytes());
            if (job.format() == ImportFormat.CSV) {
                List<List<String>> csv = Csv.parse(text);
                if (csv.isEmpty()) {
                    throw new BadInputException("data", "the CSV has no header row");
                }
                header = csv.get(0).stream().map(String::trim).toList();
                records = new ArrayList<>(csv.subList(1, csv.size()));
            } else {
                header = List.of();
                records = new ArrayList<>(text.lines().filter(line -> !line.isBlank()).toList());
            }
        } catch (BadInputException e) {
            return fail(job, e.getMessage());
        }
        RowConverter converter = job.format() == ImportFormat.CSV ? new RowConverter(job.kind(), header, job.columns()) : null;
        int total = records.size();
        return chunks(job, converter, records, row.getInteger("next_row"), total, maxChunks);
    }

    private Uni<Void> chunks(Job job, RowConverter converter, List<Object> records, int next, int total, int chunksLeft) {
        if (next >= total) {
            return finish(job, total);
        }
        if (chunksLeft <= 0) {
            return pool.preparedQuery("UPDATE import_jobs SET locked_until = $3 WHERE workspace_id = $1 AND id = $2")
                    .execute(Tuple.of(job.workspaceId(), job.id(), clock.instant().atOffset(ZoneOffset.UTC))).replaceWithVoid();
        }
        int end = Math.min(total, next + CHUNK_ROWS);
        Instant receivedAt = clock.instant();
        List<TrackingMessage> messages = new ArrayList<>();
        List<ImportRowError> errors = new ArrayList<>();
        for (int index = next; index < end; index++) {
            int rowNumber = index + 1;
            try {
                messages.add(message(job, converter, records.get(index), rowNumber, receivedAt));
            } catch (BadInputException e) {
                e.violations().forEach(violation -> errors.add(new ImportRowError(rowNumber, violation.field(), violation.message())));
            } catch (DecodeException e) {
                errors.add(new ImportRowError(rowNumber, "line", "is not a JSON object"));
            }
        }
        long rejectedRows = errors.stream().mapToInt(ImportRowError::row).distinct().count();
        return ingest.ingest(job.workspaceId(), messages, List.of(), receivedAt)
                .chain(result -> checkpoint(job, end, total, result.accepted() + result.duplicates(), (int) rejectedRows + result.suppressed(), errors))
                .chain(() -> chunks(job, converter, records, end, total, chunksLeft - 1));
    }

    private TrackingMessage message(Job job, RowConverter converter, Object record, int rowNumber, Instant receivedAt) {
        JsonObject raw;
        if (converter != null) {
            @SuppressWarnings("unchecked")
            List<String> cells = (List<String>) record;
            raw = converter.convert(cells, rowNumber);
        } else {
            raw = new JsonObject((String) record);
        }
        String type = job.kind() == ImportKind.PROFILES ? "identify" : "track";
        if (converter == null && raw.getValue("type") instanceof String declared && !declared.isBlank()) {
            type = declared;
        }
        if (raw.getValue("messageId") == null) {
            raw.put("messageId", "import:" + job.id() + ":" + rowNumber);
        }
        return parser.imported(raw, type, "", receivedAt);
    }

    private Uni<Void> checkpoint(Job job, int next, int total, int imported, int rejected, List<ImportRowError> errors) {
        return pool.withTransaction(connection -> {
            Uni<Void> work = Uni.createFrom().voidItem();
            if (!errors.isEmpty()) {
                List<Tuple> rows = new ArrayList<>();
                for (ImportRowError error : errors) {
                    rows.add(Tuple.of(job.workspaceId(), job.id(), error.row(), error.field(), error.message()));
                }
                work = connection.preparedQuery("""
                        INSERT INTO import_errors (workspace_id, job_id, row_number, field, message) VALUES ($1, $2, $3, $4, $5)
                        ON CONFLICT DO NOTHING""").executeBatch(rows).replaceWithVoid();
            }
            Instant now = clock.instant();
            return work.chain(() -> connection.preparedQuery("""
                    UPDATE import_jobs SET next_row = $3, rows_read = $3, rows_total = $4, rows_imported = rows_imported + $5,
                           rows_rejected = rows_rejected + $6, locked_until = $7, updated_at = $8
                     WHERE workspace_id = $1 AND id = $2""")
                    .execute(Tuple.tuple(List.of(job.workspaceId(), job.id(), next, total, imported, rejected,
                            now.plus(LEASE).atOffset(ZoneOffset.UTC), now.atOffset(ZoneOffset.UTC))))
                    .replaceWithVoid());
        });
    }

    private Uni<Void> finish(Job job, int total) {
        Instant now = clock.instant();
        return pool.preparedQuery("""
                UPDATE import_jobs SET status = 'COMPLETED', rows_total = $3, locked_until = NULL, data = NULL, finished_at = $4, updated_at = $4
                 WHERE workspace_id = $1 AND id = $2""")
                .execute(Tuple.of(job.workspaceId(), job.id(), total, now.atOffset(ZoneOffset.UTC))).replaceWithVoid();
    }

    private Uni<Void> fail(Job job, String reason) {
        Instant now = clock.instant();
        return pool.preparedQuery("""
                UPDATE import_jobs SET status = 'FAILED', failure = $3, locked_until = NULL, finished_at = $4, updated_at = $4
                 WHERE workspace_id = $1 AND id = $2""")
                .execute(Tuple.of(job.workspaceId(), job.id(), reason, now.atOffset(ZoneOffset.UTC))).replaceWithVoid();
    }

    private static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new BadInputException("data", "is not UTF-8 text; save the file as UTF-8 (Excel: CSV UTF-8)");
        }
    }

    private static Map<String, String> columns(JsonObject mapping) {
        Map<String, String> columns = new java.util.LinkedHashMap<>();
        mapping.forEach(entry -> columns.put(entry.getKey(), String.valueOf(entry.getValue())));
        return columns;
    }
}
