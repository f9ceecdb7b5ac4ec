"""The e-licence registry at city scale: import N licences (the PostgreSQL bulk path, then the same file again, which
must change nothing), beside the floor (PostgreSQL's own COPY of the same rows into a table with the same indexes);
then the two lookups every screen makes (a holder's licences, a licence by identifier) timed in process over random
picks, with their query plans, and the public verification over HTTP when a server is given.

`python -m bench` runs it (`measure`) on the benchmark's database; alone, on a database named hall_bench*:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hall_bench_licences .venv/bin/python bench/licences.py 1000000
"""

import asyncio
import csv
import datetime
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hall.settings")

CACHE = Path(__file__).resolve().parent.parent / "var" / "bench"
TYPES = 120  # a city's registry: 120 kinds of licence
LOOKUPS = 2000


def licence_types() -> list[tuple[str, str, int | None]]:
    """120 licence types (GB/T 36904 codes), every fourth one of legal persons, validities of 0 to 20 years."""
    from hall.identity import uscc_check_char
    from licenses.models import LicenseType

    rows = []
    for n in range(TYPES):
        body = f"1110000000000{7000 + n // 10:04d}"
        code = body + uscc_check_char(body) + f"{n % 10 + 1:03d}"
        kind = "legal" if n % 4 == 0 else "person"
        years = (None, 5, 10, 20)[n % 4]
        LicenseType.objects.update_or_create(
            code=code,
            defaults={"name": f"证照类型{n + 1:03d}", "holder_kind": kind, "default_validity_years": years},
        )
        rows.append((code, kind, years))
    return rows


def source_file(rows: int, types) -> tuple[Path, float]:
    """The CSV of `rows` synthetic licences, written once and kept under var/bench (generating is not measured)."""
    from licenses.demo_data import synthetic_rows

    path = CACHE / f"licences-{rows}.csv"
    if path.exists():
        return path, 0.0
    CACHE.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    partial = path.with_suffix(".partial")
    with partial.open("w", newline="", encoding="utf-8") as out:
        writer = None
        for row in synthetic_rows(rows, type_codes=types, today=datetime.date(2026, 12, 1), seed=7):
            if writer is None:
                writer = csv.DictWriter(out, fieldnames=list(row))
                writer.writeheader()
            writer.writerow(row)
    partial.rename(path)
    return path, time.perf_counter() - started


def run_import(path: Path, *, workers: int | None = None) -> dict:
    from licenses.services.imports import licenses_import

    started = time.perf_counter()
    with path.open("rb") as stream:
        result = licenses_import(stream=stream, format="csv", workers=workers)
    seconds = time.perf_counter() - started
    return {
        "rows": result.rows,
        "created": result.created,
        "updated": result.updated,
        "unchanged": result.unchanged,
        "rejected": result.rejected,
        "seconds": round(seconds, 1),
        "rows_per_second": round(result.rows / seconds),
        # Each stage alone: checking on one core (CPU time in the worker processes), merging on one PostgreSQL
        # backend (the merger's time, PostgreSQL's work and its wait for a core included).
        "checking_rows_per_core_second": _per_second(result.checked, result.checking_seconds),
        "merging_rows_per_second": _per_second(result.checked - result.rejected, result.merging_seconds),
    }


def _per_second(rows: int, seconds: float) -> int | None:
    return round(rows / seconds) if rows and seconds else None


def copy_floor(path: Path) -> dict:
    """PostgreSQL alone: COPY the same rows (no checking, a fixed ciphertext) into a copy of the registry's table with
    its indexes. What a hall could at best approach."""
    from django.db import connection

    columns = "identifier, license_type_id, number, holder_name, holder_code_type, holder_code, holder_hash, issuer"
    columns += ", issuer_code, jurisdiction_code, issued_on, valid_from, valid_to, status, face, import_digest"
    columns += ", status_reason, file, created_at, updated_at"
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_license_floor")
        cursor.execute("CREATE TABLE bench_license_floor (LIKE licenses_license INCLUDING ALL)")
        cursor.execute("SELECT code, id FROM licenses_licensetype")
        type_ids = dict(cursor.fetchall())
    staged = CACHE / f"{path.stem}.floor.tsv"
    if not staged.exists():
        with path.open(encoding="utf-8") as source, staged.open("w", encoding="utf-8") as out:
            for row in csv.DictReader(source):
                values = [
                    row["identifier"],
                    str(type_ids[row["type_code"]]),
                    row["number"],
                    row["holder_name"],
                    row["holder_code_type"],
                    "gAAAAAB-fixed-ciphertext",
                    row["holder_code"][::-1],
                    row["issuer"],
                    row["issuer_code"],
                    row["jurisdiction_code"],
                    row["issued_on"],
                    row["valid_from"],
                    row["valid_to"] or "\\N",
                    row["status"],
                    "{}",
                    row["identifier"][-40:],
                    "",
                    "",
                    "2026-12-01 00:00:00+08",
                    "2026-12-01 00:00:00+08",
                ]
                out.write("\t".join(values) + "\n")
    started = time.perf_counter()
    with connection.cursor() as cursor, staged.open(encoding="utf-8") as data:
        cursor.copy_expert(f"COPY bench_license_floor ({columns}) FROM STDIN", data)
        cursor.execute("SELECT count(*) FROM bench_license_floor")
        (rows,) = cursor.fetchone()
        cursor.execute("DROP TABLE bench_license_floor")
    seconds = time.perf_counter() - started
    return {"rows": rows, "seconds": round(seconds, 1), "rows_per_second": round(rows / seconds)}


def _timed(func, picks) -> dict:
    durations = []
    for pick in picks:
        started = time.perf_counter()
        func(pick)
        durations.append(time.perf_counter() - started)
    durations.sort()
    return {
        "lookups": len(durations),
        "p50_ms": round(statistics.median(durations) * 1000, 3),
        "p99_ms": round(durations[int(len(durations) * 0.99) - 1] * 1000, 3),
    }


def lookups() -> dict:
    """The holder's licences and a licence by identifier, through the selectors the pages and the API call."""
    from django.db import connection

    from licenses.models import License
    from licenses.selectors import license_by_identifier, licenses_of_holder

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE licenses_license")
        cursor.execute("SELECT count(*) FROM licenses_license")
        (rows,) = cursor.fetchone()
        percent = min(100.0, max(0.01, LOOKUPS * 300 / max(rows, 1)))  # pages, not rows: sample generously
        sample = f"SELECT holder_hash, identifier FROM licenses_license TABLESAMPLE SYSTEM ({percent:.4f}) LIMIT %s"
        cursor.execute(sample, [LOOKUPS])
        picks = cursor.fetchall()
    random.Random(3).shuffle(picks)
    holders = [holder for holder, _identifier in picks]
    identifiers = [identifier for _holder, identifier in picks]
    results = {
        "by_holder": _timed(lambda holder: list(licenses_of_holder(holder)), holders),
        "by_identifier": _timed(license_by_identifier, identifiers),
    }
    with connection.cursor() as cursor:
        # The statements of the two selectors (license_by_identifier reads this queryset's first row).
        by_identifier = License.objects.select_related("license_type").filter(identifier=identifiers[0])
        for name, queryset in (("by_holder", licenses_of_holder(holders[0])), ("by_identifier", by_identifier)):
            sql, params = queryset.query.sql_with_params()
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) {sql}", params)
            results[name]["plan"] = [line for (line,) in cursor.fetchall()]
    return results


VERIFY_RATES = (50, 150)  # verifications a second: a busy district's QR scans, and three times that


def verify_over_http(base_url: str, identifiers: list[str], *, clients: int = 8, seconds: float = 10) -> dict:
    """The public verification API: at fixed arrival rates (open loop: the latency a verifier sees), and with
    `clients` asking as fast as it answers (closed loop: the most it takes)."""
    from bench.load import Timings, closed_loop, open_loop, timed_request

    def url(n: int) -> str:
        return f"{base_url}/api/v1/licenses/verify/?identifier={identifiers[(n * 7919) % len(identifiers)]}"

    results = {}
    for rate in VERIFY_RATES:
        timings = Timings()

        async def send(n: int, client, timings=timings) -> None:
            await timed_request(client, timings, "GET", url(n))

        elapsed = asyncio.run(open_loop(rate, seconds, send))
        results[f"rate_{rate}"] = {"rate": rate, **timings.summary(elapsed)}
    timings = Timings()

    async def step(worker: int, client) -> bool:
        await timed_request(client, timings, "GET", url(worker * 104729 + len(timings.latencies)))
        return True

    elapsed = asyncio.run(closed_loop(clients, seconds, step))
    results["closed"] = {"clients": clients, **timings.summary(elapsed)}
    return results


def measure(*, rows: int, base_url: str | None = None) -> dict:
    types = licence_types()
    path, generated = source_file(rows, types)
    first = run_import(path)
    again = run_import(path)
    result = {
        "rows": rows,
        "generated_seconds": round(generated, 1),
        "import": first,
        "reimport": again,
        "floor": copy_floor(path),
        "lookups": lookups(),
    }
    if base_url:
        result["verify_http"] = verify_over_http(base_url, sample_identifiers())
    return result


def sample_identifiers(count: int = 500) -> list[str]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT identifier FROM licenses_license TABLESAMPLE SYSTEM (1) LIMIT %s", [count])
        return [identifier for (identifier,) in cursor.fetchall()]


if __name__ == "__main__":
    from bench import run_alone

    run_alone(measure, default_rows=100_000)
