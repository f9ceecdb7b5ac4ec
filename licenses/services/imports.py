"""Importing licences at city scale: stream a CSV or JSON Lines file, check every row, upsert by identifier.

Two paths, one result. On PostgreSQL the rows are checked (in worker processes when there are cores to spare),
copied in batches into a temporary staging table and merged with one statement per batch; elsewhere (the embedded
SQLite hall, small files) they are written through the ORM in batches. Either way a re-import of the same file
changes nothing (each licence keeps a hash of what the file said of it), a status that an import changes is written
into the licence's history, and a row that names one identifier twice in a file keeps the last.
"""

import datetime
import io
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hall.errors import DomainError
from licenses.models import License, LicenseImport, LicenseStatusChange, LicenseType
from licenses.services.import_rows import (
    STORED,
    CountingReader,
    Rejection,
    RowCleaner,
    RowError,
    copy_line,
    format_of,
    known_identifier,
    row_digest,
    rows_of,
)

KEPT_REJECTIONS = 1000  # listed in the result (and on the admin page); all of them are counted
ORM_BATCH = 1000
BULK_BATCH = 50_000
CHUNK = 5_000  # rows a worker process checks at a time
IMPORT_REASON = "按导入文件更新"

Progress = Callable[["ImportResult", int], None]  # (result so far, bytes read)


@dataclass
class ImportResult:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    rejections: list[Rejection] = field(default_factory=list)

    def reject(self, rejection: Rejection) -> None:
        self.rejected += 1
        if len(self.rejections) < KEPT_REJECTIONS:
            self.rejections.append(rejection)


def licenses_import(
    *, stream, format: str, progress: Progress | None = None, bulk: bool | None = None, workers: int | None = None
) -> ImportResult:
    """Import the licences of a binary `stream` in `format` ("csv" or "jsonl"). `progress` is called after each
    batch. `bulk` forces (True) or avoids (False) the PostgreSQL bulk path; by default it is taken on PostgreSQL."""
    counting = CountingReader(stream)
    buffered = io.BufferedReader(counting, buffer_size=1 << 20)
    cleaner = RowCleaner(dict(LicenseType.objects.values_list("code", "pk")), today=timezone.localdate())
    result = ImportResult()
    rows = rows_of(buffered, format=format)
    if bulk is None:
        bulk = connection.vendor == "postgresql"
    if bulk:
        _import_bulk(rows, cleaner, result, counting, progress, workers)
    else:
        _import_orm(rows, cleaner, result, counting, progress)
    return result


def _batches(iterable: Iterable, size: int) -> Iterator[list]:
    iterator = iter(iterable)
    while batch := list(islice(iterator, size)):
        yield batch


# --- through the ORM ------------------------------------------------------------------------------------------------


def _import_orm(rows, cleaner: RowCleaner, result: ImportResult, counting, progress) -> None:
    for batch in _changed_rows(rows, result, ORM_BATCH):
        good: dict[str, tuple] = {}
        for line, row in batch:
            result.rows += 1
            if isinstance(row, Rejection):
                result.reject(row)
                continue
            try:
                values = cleaner.clean(row)
            except RowError as error:
                result.reject(Rejection(line, str(error)))
                continue
            good[values[0]] = values  # the last row of an identifier wins
        _write_orm(good, result)
        if progress:
            progress(result, counting.count)


@transaction.atomic
def _write_orm(good: dict[str, tuple], result: ImportResult) -> None:
    existing = {
        license.identifier: license
        for license in License.objects.filter(identifier__in=list(good)).only(
            "id", "identifier", "status", "import_digest"
        )
    }
    now = timezone.now()
    fields = [name for name in STORED if name != "identifier"]
    new, changed, history = [], [], []
    for identifier, values in good.items():
        stored = dict(zip(STORED, values, strict=True))
        license = existing.get(identifier)
        if license is None:
            new.append(License(**stored, created_at=now, updated_at=now))
            continue
        if license.import_digest == stored["import_digest"]:
            result.unchanged += 1
            continue
        if license.status != stored["status"]:
            history.append(_status_change(license, stored["status"], now))
            license.status_changed_at, license.status_reason = now, IMPORT_REASON
        for name in fields:
            setattr(license, name, stored[name])
        license.updated_at = now
        changed.append(license)
    License.objects.bulk_create(new)
    License.objects.bulk_update(changed, [*fields, "status_changed_at", "status_reason", "updated_at"])
    LicenseStatusChange.objects.bulk_create(history)
    result.created += len(new)
    result.updated += len(changed)


def _status_change(license: License, status: str, now: datetime.datetime) -> LicenseStatusChange:
    return LicenseStatusChange(
        license=license, old_status=license.status, new_status=status, reason=IMPORT_REASON, changed_at=now
    )


# --- the PostgreSQL bulk path -----------------------------------------------------------------------------------------

STAGING = "license_import_staging"
STAGED = ("line", *STORED)
# Temporary (never written to the WAL), in the order of STAGED.
STAGING_COLUMNS = (
    "line bigint, identifier varchar(160), license_type_id bigint, number varchar(100), holder_name varchar(200), "
    "holder_code_type varchar(3), holder_code text, holder_hash varchar(64), issuer varchar(200), "
    "issuer_code varchar(18), jurisdiction_code varchar(12), issued_on date, valid_from date, valid_to date, "
    "status varchar(16), face jsonb, import_digest varchar(64)"
)
_UPDATED = [name for name in STORED if name != "identifier"]


def _clean_chunk(args) -> tuple[str, list[Rejection], int]:
    """Check a chunk of rows (in a worker process): the COPY text of the good ones, the rejections, the count."""
    cleaner, chunk = args
    out, rejections = [], []
    for line, row in chunk:
        if isinstance(row, Rejection):
            rejections.append(row)
            continue
        try:
            out.append(copy_line(line, cleaner.clean(row)))
        except RowError as error:
            rejections.append(Rejection(line, str(error)))
    return "".join(out), rejections, len(chunk)


def _checked_chunks(chunks: Iterable[list], cleaner: RowCleaner, workers: int) -> Iterator[tuple]:
    """(COPY text, rejections, rows) of each chunk, in order. The chunks are read in this thread (they ask the
    database which rows are unchanged) and checked by `workers` forked processes, a few chunks ahead."""
    if workers <= 1:
        for chunk in chunks:
            yield _clean_chunk((cleaner, chunk))
        return
    # Forked workers inherit the settings and the keys; they never touch the database.
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        ahead: deque = deque()
        for chunk in chunks:
            ahead.append(pool.apply_async(_clean_chunk, ((cleaner, chunk),)))
            if len(ahead) >= 2 * workers:
                yield ahead.popleft().get()
        while ahead:
            yield ahead.popleft().get()


def _changed_rows(rows, result: ImportResult, size: int) -> Iterator[list]:
    """The rows in chunks of `size`, less those the registry already holds exactly as written (counted unchanged
    here: a re-import of a city's file checks and encrypts nothing it has seen)."""
    for chunk in _batches(rows, size):
        stored = _stored_digests(chunk)
        kept = []
        for line, row in chunk:
            if stored and not isinstance(row, Rejection) and stored.get(known_identifier(row)) == row_digest(row):
                result.rows += 1
                result.unchanged += 1
                continue
            kept.append((line, row))
        yield kept


def _stored_digests(chunk: list) -> dict[str, str]:
    names = [known_identifier(row) for _line, row in chunk if not isinstance(row, Rejection)]
    found = License.objects.filter(identifier__in=[name for name in names if name]).values_list(
        "identifier", "import_digest"
    )
    return dict(found)


def _import_bulk(rows, cleaner: RowCleaner, result: ImportResult, counting, progress, workers: int | None) -> None:
    if workers is None:
        workers = max(1, min(4, (os.cpu_count() or 1)))
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMP TABLE IF NOT EXISTS {STAGING} ({STAGING_COLUMNS})")
    pending: list[str] = []
    pending_rows = 0
    for text, rejections, count in _checked_chunks(_changed_rows(rows, result, CHUNK), cleaner, workers):
        result.rows += count
        for rejection in rejections:
            result.reject(rejection)
        pending.append(text)
        pending_rows += count
        if pending_rows >= BULK_BATCH:
            _merge(pending, result)
            pending, pending_rows = [], 0
            if progress:
                progress(result, counting.count)
    if pending:
        _merge(pending, result)
    if progress:
        progress(result, counting.count)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {STAGING}")


def _merge(texts: list[str], result: ImportResult) -> None:
    """Copy one batch into the staging table and merge it into the registry, in one transaction."""
    columns = ", ".join(STAGED)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {STAGING}")
        cursor.copy_expert(f"COPY {STAGING} ({columns}) FROM STDIN", io.StringIO("".join(texts)))
        # The batch, one row per identifier (the last line wins), in the order of the unique index.
        batch = f"SELECT DISTINCT ON (identifier) * FROM {STAGING} ORDER BY identifier, line DESC"
        cursor.execute(
            f"""
            INSERT INTO licenses_licensestatuschange (license_id, old_status, new_status, reason, changed_at)
            SELECT l.id, l.status, b.status, %s, now()
            FROM ({batch}) b JOIN licenses_license l ON l.identifier = b.identifier
            WHERE l.status <> b.status AND l.import_digest <> b.import_digest
            """,
            [IMPORT_REASON],
        )
        stored = ", ".join(STORED)
        updates = ", ".join(f"{name} = EXCLUDED.{name}" for name in _UPDATED)
        cursor.execute(
            f"""
            WITH merged AS (
                INSERT INTO licenses_license ({stored}, status_reason, created_at, updated_at, file)
                SELECT {stored}, '', now(), now(), '' FROM ({batch}) b
                ON CONFLICT (identifier) DO UPDATE SET {updates},
                    status_changed_at = CASE WHEN licenses_license.status <> EXCLUDED.status
                                             THEN now() ELSE licenses_license.status_changed_at END,
                    status_reason = CASE WHEN licenses_license.status <> EXCLUDED.status
                                         THEN %s ELSE licenses_license.status_reason END,
                    updated_at = now()
                WHERE licenses_license.import_digest <> EXCLUDED.import_digest
                RETURNING (xmax = 0) AS inserted
            )
            SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) FROM merged
            """,
            [IMPORT_REASON],
        )
        created, updated = cursor.fetchone()
        cursor.execute(f"SELECT count(DISTINCT identifier) FROM {STAGING}")
        (distinct,) = cursor.fetchone()
    result.created += created
    result.updated += updated
    result.unchanged += distinct - created - updated


# --- an import uploaded in the admin ----------------------------------------------------------------------------------


def license_import_start(*, upload, user) -> LicenseImport:
    """Record an uploaded file as an import to run (in a worker once this transaction commits)."""
    if format_of(upload.name) is None:
        raise DomainError(_("Upload a .csv or .jsonl file."), code="import_format")
    job = LicenseImport.objects.create(
        file=upload, file_name=upload.name[:200], file_size=upload.size or 0, started_by=user
    )
    transaction.on_commit(lambda: _start_later(job.pk))
    return job


_run_later: Callable[[int], object] | None = None


def register_import_runner(run_later: Callable[[int], object]) -> None:
    """How an import leaves the request: the app registers its Celery task at start-up."""
    global _run_later
    _run_later = run_later


def _start_later(import_id: int) -> None:
    if _run_later is not None:
        _run_later(import_id)


def licenses_import_job(*, import_id: int) -> LicenseImport:
    """Run an uploaded import, writing its progress on the row after every batch. The file (personal information in
    clear) is deleted when the import ends, whatever its outcome."""
    claimed = LicenseImport.objects.filter(pk=import_id, status=LicenseImport.Status.QUEUED).update(
        status=LicenseImport.Status.RUNNING, started_at=timezone.now()
    )
    job = LicenseImport.objects.get(pk=import_id)
    if not claimed:
        return job  # already run, or running in another worker

    def progress(result: ImportResult, bytes_read: int) -> None:
        LicenseImport.objects.filter(pk=job.pk).update(
            bytes_read=bytes_read,
            rows_read=result.rows,
            created=result.created,
            updated=result.updated,
            unchanged=result.unchanged,
            rejected=result.rejected,
        )

    try:
        with job.file.open("rb") as stream:
            result = licenses_import(stream=stream, format=format_of(job.file_name), progress=progress)
    except Exception as error:
        LicenseImport.objects.filter(pk=job.pk).update(
            status=LicenseImport.Status.FAILED, finished_at=timezone.now(), error=f"{type(error).__name__}"[:500]
        )
        raise
    finally:
        job.file.delete(save=False)
        LicenseImport.objects.filter(pk=job.pk).update(file="")
    progress(result, job.file_size)
    LicenseImport.objects.filter(pk=job.pk).update(
        status=LicenseImport.Status.DONE,
        finished_at=timezone.now(),
        rejections=[{"line": r.line, "reason": r.reason} for r in result.rejections],
    )
    job.refresh_from_db()
    return job
