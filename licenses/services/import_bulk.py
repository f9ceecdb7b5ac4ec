"""The PostgreSQL bulk path of an import. Three stages run side by side: this thread reads the file and asks the
registry which rows it already holds; forked worker processes check the others and write them as COPY text; a merger
(a thread with a database connection of its own) copies each batch into a temporary staging table and merges it into
the registry with one statement. The file is read and checked while the previous batch is written.

An import called inside a transaction (a test, an outer `atomic`) merges on the caller's connection instead, so that
it stays part of that transaction."""

import io
import multiprocessing
import os
import queue
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator

from django.db import connection, transaction

from licenses.services.import_batches import IMPORT_REASON, ImportResult, Progress, changed_rows
from licenses.services.import_rows import STORED, Rejection, RowCleaner, RowError, copy_line

BULK_BATCH = 50_000
CHUNK = 5_000  # rows a worker process checks at a time
CHUNK_TIMEOUT = 600  # seconds: a chunk takes well under one
MAX_WORKERS = 8

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


def import_bulk(rows, cleaner: RowCleaner, result: ImportResult, counting, progress: Progress | None, workers) -> None:
    if workers is None:
        workers = max(1, min(MAX_WORKERS, os.cpu_count() or 1))
    merger = Merger(threaded=not connection.in_atomic_block)
    pending: list[str] = []
    pending_rows = 0
    try:
        for text, rejections, count, seconds in _checked_chunks(changed_rows(rows, result, CHUNK), cleaner, workers):
            result.rows += count
            result.checked += count
            result.checking_seconds += seconds
            for rejection in rejections:
                result.reject(rejection)
            pending.append(text)
            pending_rows += count
            if pending_rows >= BULK_BATCH:
                merger.submit(pending)
                pending, pending_rows = [], 0
                if progress:
                    progress(merger.so_far(result), counting.count)
        if pending:
            merger.submit(pending)
    finally:
        merger.finish()
    result.add_merged(**merger.counts)
    result.merging_seconds = merger.seconds
    if progress:
        progress(result, counting.count)


# --- checking, in worker processes ------------------------------------------------------------------------------------


def _clean_chunk(args) -> tuple[str, list[Rejection], int, float]:
    """Check a chunk of rows (in a worker process): the COPY text of the good ones, the rejections, the count and the
    CPU seconds it took."""
    started = time.process_time()
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
    return "".join(out), rejections, len(chunk), time.process_time() - started


def _checked_chunks(chunks: Iterable[list], cleaner: RowCleaner, workers: int) -> Iterator[tuple]:
    """(COPY text, rejections, rows) of each chunk, in order. The chunks are read in this thread (they ask the
    database which rows are unchanged) and checked by `workers` forked processes, a batch ahead."""
    if workers <= 1:
        for chunk in chunks:
            yield _clean_chunk((cleaner, chunk))
        return
    # Forked workers inherit the settings and the keys; they never touch the database.
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        ahead: deque = deque()
        for chunk in chunks:
            ahead.append(pool.apply_async(_clean_chunk, ((cleaner, chunk),)))
            # A batch's worth ahead: the workers go on checking while the merger writes.
            if len(ahead) >= workers + BULK_BATCH // CHUNK:
                yield ahead.popleft().get(timeout=CHUNK_TIMEOUT)
        while ahead:
            # A worker the system killed (out of memory) never answers: the import fails instead of waiting for ever.
            yield ahead.popleft().get(timeout=CHUNK_TIMEOUT)


# --- merging ----------------------------------------------------------------------------------------------------------


class Merger:
    """Merges batches in order: in a thread of its own (one batch may wait, so memory stays bounded) or, inside a
    transaction, right here. An error in the thread is raised again by `finish`."""

    def __init__(self, *, threaded: bool):
        self.counts = {"created": 0, "updated": 0, "unchanged": 0}
        self.seconds = 0.0
        self.lock = threading.Lock()
        self.error: BaseException | None = None
        self.batches: queue.Queue | None = queue.Queue(maxsize=1) if threaded else None
        if self.batches is None:
            _create_staging()
            return
        # Started with the first batch, after the worker processes are forked: a fork copies only the forking
        # thread, and a lock another thread held at that moment would stay held in the child for ever.
        self.thread = threading.Thread(target=self._run, name="licence-import-merger", daemon=True)

    def submit(self, texts: list[str]) -> None:
        if self.batches is None:
            self._merge(texts)
            return
        if self.error is not None:
            raise self.error
        if not self.thread.is_alive() and self.thread.ident is None:
            self.thread.start()
        self.batches.put(texts)

    def so_far(self, result: ImportResult) -> ImportResult:
        """The result with the batches merged so far (for progress)."""
        with self.lock:
            merged = dict(self.counts)
        snapshot = ImportResult(result.rows, result.created, result.updated, result.unchanged, result.rejected)
        snapshot.add_merged(**merged)
        return snapshot

    def finish(self) -> None:
        if self.batches is None:
            _drop_staging()
            return
        if self.thread.ident is None:
            return  # nothing was submitted
        self.batches.put(None)
        self.thread.join()
        if self.error is not None:
            raise self.error

    def _run(self) -> None:
        try:
            _create_staging()
            while (texts := self.batches.get()) is not None:
                if self.error is None:
                    self._merge(texts)
            _drop_staging()
        except BaseException as error:  # handed to the reading thread, which raises it
            self.error = error
            while self.batches.get() is not None:  # let the reader finish its puts
                pass
        finally:
            connection.close()  # this thread's own connection

    def _merge(self, texts: list[str]) -> None:
        started = time.perf_counter()
        counts = _merge(texts)
        self.seconds += time.perf_counter() - started
        with self.lock:
            for name, value in counts.items():
                self.counts[name] += value


def _create_staging() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMP TABLE IF NOT EXISTS {STAGING} ({STAGING_COLUMNS})")


def _drop_staging() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {STAGING}")


def _merge(texts: list[str]) -> dict[str, int]:
    """Copy one batch into the staging table and merge it into the registry: one statement, so the batch is sorted
    once and the history reads each licence's status as it was before the merge (a statement sees one snapshot)."""
    columns = ", ".join(STAGED)
    stored = ", ".join(STORED)
    updates = ", ".join(f"{name} = EXCLUDED.{name}" for name in _UPDATED)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {STAGING}")
        cursor.copy_expert(f"COPY {STAGING} ({columns}) FROM STDIN", io.StringIO("".join(texts)))
        cursor.execute(
            f"""
            WITH batch AS MATERIALIZED (
                -- one row per identifier (the last line wins), in the order of the unique index
                SELECT DISTINCT ON (identifier) * FROM {STAGING} ORDER BY identifier, line DESC
            ), history AS (
                INSERT INTO licenses_licensestatuschange (license_id, old_status, new_status, reason, changed_at)
                SELECT l.id, l.status, b.status, %s, now()
                FROM batch b JOIN licenses_license l ON l.identifier = b.identifier
                WHERE l.status <> b.status AND l.import_digest <> b.import_digest
            ), merged AS (
                INSERT INTO licenses_license ({stored}, status_reason, created_at, updated_at, file)
                SELECT {stored}, '', now(), now(), '' FROM batch
                ON CONFLICT (identifier) DO UPDATE SET {updates},
                    status_changed_at = CASE WHEN licenses_license.status <> EXCLUDED.status
                                             THEN now() ELSE licenses_license.status_changed_at END,
                    status_reason = CASE WHEN licenses_license.status <> EXCLUDED.status
                                         THEN %s ELSE licenses_license.status_reason END,
                    updated_at = now()
                WHERE licenses_license.import_digest <> EXCLUDED.import_digest
                RETURNING (xmax = 0) AS inserted
            )
            SELECT (SELECT count(*) FROM batch), count(*) FILTER (WHERE inserted),
                   count(*) FILTER (WHERE NOT inserted)
            FROM merged
            """,
            [IMPORT_REASON, IMPORT_REASON],
        )
        distinct, created, updated = cursor.fetchone()
    return {"created": created, "updated": updated, "unchanged": distinct - created - updated}
