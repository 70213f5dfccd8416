package io.kizuna.ingest.imports;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.kizuna.common.error.BadInputException;
import io.kizuna.common.error.ConflictException;
import io.kizuna.common.error.NotFoundException;
import io.kizuna.common.id.Ids;
import io.kizuna.common.paging.Cursors;
import io.kizuna.common.paging.Page;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.pgclient.PgPool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/** Creates import jobs, takes their data, and reports their progress and rejected rows. */
@ApplicationScoped
public class ImportService {

    static final String VIEW_COLUMNS = """
            id, kind, format, status, rows_total, rows_read, rows_imported, rows_rejected, mapping, failure,
            created_at, started_at, finished_at""";

    private final PgPool pool;
    private final Clock clock;

    public ImportService(PgPool pool, Clock clock) {
        this.pool = pool;
        this.clock = clock;
    }

    public Uni<ImportJobView> create(UUID workspaceId, CreateImportRequest request) {
        RowConverter.validate(request.columns());
        if (request.format() == ImportFormat.NDJSON && request.columns() != null && !request.columns().isEmpty()) {
            throw new BadInputException("columns", "applies to CSV only; NDJSON lines are Segment messages");
        }
        UUID id = Ids.newId(clock.instant());
        OffsetDateTime now = clock.instant().atOffset(ZoneOffset.UTC);
        JsonObject mapping = new JsonObject();
        if (request.columns() != null) {
            request.columns().forEach(mapping::put);
        }
        return pool.preparedQuery("""
                INSERT INTO import_jobs (workspace_id, id, kind, format, mapping, status, created_at, updated_at)
                VALUES ($1, $2, $3, $4, $5, 'AWAITING_DATA', $6, $6)""")
                .execute(Tuple.of(workspaceId, id, request.kind().name(), request.format().name(), mapping, now))
                .chain(() -> get(workspaceId, id));
    }

    /** Stores the file and queues the job. A job takes its data once. */
    public Uni<ImportJobView> upload(UUID workspaceId, UUID id, byte[] data) {
        if (data == null || data.length == 0) {
            throw new BadInputException("body", "the upload is empty");
        }
        return pool.preparedQuery("""
                UPDATE import_jobs SET data = $3, status = 'QUEUED', updated_at = $4
                 WHERE workspace_id = $1 AND id = $2 AND status = 'AWAITING_DATA'
                RETURNING id""")
                .execute(Tuple.of(workspaceId, id, io.vertx.core.buffer.Buffer.buffer(data), clock.instant().atOffset(ZoneOffset.UTC)))
                .chain(rows -> rows.size() == 1 ? get(workspaceId, id)
                        : get(workspaceId, id).invoke(job -> {
                            throw new ConflictException("Import " + id + " already has its data (status " + job.status() + ")");
                        }));
    }

    public Uni<ImportJobView> get(UUID workspaceId, UUID id) {
        return pool.preparedQuery("SELECT " + VIEW_COLUMNS + " FROM import_jobs WHERE workspace_id = $1 AND id = $2")
                .execute(Tuple.of(workspaceId, id))
                .map(rows -> {
                    if (!rows.iterator().hasNext()) {
                        throw new NotFoundException("No import " + id + " in this workspace");
                    }
                    return view(rows.iterator().next());
                });
    }

    public Uni<Page<ImportJobView>> list(UUID workspaceId, String after, Integer limit) {
        UUID from = Cursors.decode(after, "after");
        int size = Cursors.limit(limit, "limit");
        return pool.preparedQuery("SELECT " + VIEW_COLUMNS + " FROM import_jobs WHERE workspace_id = $1 AND id > $2 ORDER BY id LIMIT $3")
                .execute(Tuple.of(workspaceId, from == null ? new UUID(0, 0) : from, size + 1))
                .map(rows -> {
                    List<Row> fetched = new ArrayList<>();
                    rows.forEach(fetched::add);
                    return Page.of(fetched, size, row -> row.getUUID("id"), ImportService::view);
                });
    }

    public Uni<List<ImportRowError>> errors(UUID workspaceId, UUID id) {
        return get(workspaceId, id).chain(job -> pool.preparedQuery(
                "SELECT row_number, field, message FROM import_errors WHERE workspace_id = $1 AND job_id = $2 ORDER BY row_number, field")
                .execute(Tuple.of(workspaceId, id))
                .map(rows -> {
                    List<ImportRowError> errors = new ArrayList<>();
                    rows.forEach(row -> errors.add(new ImportRowError(row.getInteger("row_number"), row.getString("field"), row.getString("message"))));
                    return errors;
                }));
    }

    static ImportJobView view(Row row) {
        Map<String, String> columns = new LinkedHashMap<>();
        JsonObject mapping = row.getJsonObject("mapping");
        mapping.forEach(entry -> columns.put(entry.getKey(), String.valueOf(entry.getValue())));
        return new ImportJobView(row.getUUID("id").toString(), ImportKind.valueOf(row.getString("kind")), ImportFormat.valueOf(row.getString("format")),
                ImportStatus.valueOf(row.getString("status")), row.getInteger("rows_total"), row.getInteger("rows_read"),
                row.getInteger("rows_imported"), row.getInteger("rows_rejected"), columns.isEmpty() ? null : columns, row.getString("failure"),
                instant(row.getOffsetDateTime("created_at")), instant(row.getOffsetDateTime("started_at")), instant(row.getOffsetDateTime("finished_at")));
    }

    private static Instant instant(OffsetDateTime time) {
        return time == null ? null : time.toInstant();
    }
}
