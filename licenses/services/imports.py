"""Importing licences at city scale: stream a CSV or JSON Lines file, check every row, upsert by identifier.

Two paths, one result. On PostgreSQL the rows are checked in worker processes, copied in batches into a temporary
staging table and merged with one statement per batch while the next batch is read (import_bulk); elsewhere (the
embedded SQLite hall, small files) they are written through the ORM in batches. Either way a re-import of the same
file changes nothing (each licence keeps a hash of what the file said of it), a status that an import changes is
written into the licence's history, and a row that names one identifier twice in a file keeps the last.
"""

import datetime
import io
from collections.abc import Callable

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hall.errors import DomainError
from licenses.models import License, LicenseImport, LicenseStatusChange, LicenseType
from licenses.services.import_batches import IMPORT_REASON, ImportResult, Progress, changed_rows
from licenses.services.import_bulk import import_bulk
from licenses.services.import_rows import STORED, CountingReader, Rejection, RowCleaner, RowError, format_of, rows_of

ORM_BATCH = 1000


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
        import_bulk(rows, cleaner, result, counting, progress, workers)
    else:
        _import_orm(rows, cleaner, result, counting, progress)
    return result


# --- through the ORM ------------------------------------------------------------------------------------------------


def _import_orm(rows, cleaner: RowCleaner, result: ImportResult, counting, progress) -> None:
    for batch in changed_rows(rows, result, ORM_BATCH):
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
