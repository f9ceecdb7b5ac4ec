"""Importing licences: every row checked (identifier and check character, holder code and check character, dates,
type), rejected rows reported with line and reason and without the holder's code, an upsert by identifier that a
re-run leaves unchanged, status changes kept in the history; the same through the ORM and the PostgreSQL bulk path."""

import csv
import datetime
import io
import json

import pytest
from django.db import connection

from licenses import identifiers
from licenses.holders import holder_hash
from licenses.models import License, LicenseStatusChange
from licenses.services.imports import licenses_import
from tests.licenses.conftest import COMPANY, ISSUER_CODE, OTHER_PERSON, PERSON

pytestmark = pytest.mark.django_db
COLUMNS = ["identifier", "type_code", "number", "holder_name", "holder_code_type", "holder_code", "issuer"]
COLUMNS += ["issuer_code", "issued_on", "valid_from", "valid_to", "status", "face"]
PATHS = ["orm"] + (["bulk"] if connection.vendor == "postgresql" else [])


def row(license_type, serial: str, **changes) -> dict:
    identifier = identifiers.build(type_code=license_type.code, issuer_code=ISSUER_CODE, serial=serial, version=1)
    values = {
        "identifier": str(identifier),
        "type_code": license_type.code,
        "number": f"N{serial}",
        "holder_name": "王小明",
        "holder_code_type": "111",
        "holder_code": PERSON,
        "issuer": "某区公安分局",
        "issuer_code": ISSUER_CODE,
        "issued_on": "2020-03-01",
        "valid_from": "2020-03-01",
        "valid_to": "2040-02-29",
        "status": "valid",
        "face": "",
    }
    return {**values, **changes}


def as_csv(rows: list[dict], columns=COLUMNS) -> io.BytesIO:
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=columns, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return io.BytesIO(text.getvalue().encode())


def run(stream, path: str, format="csv"):
    return licenses_import(stream=stream, format=format, bulk=path == "bulk", workers=1)


@pytest.mark.parametrize("path", PATHS)
def test_good_rows_are_stored_with_the_code_encrypted_and_hashed(path, id_card_type, business_type):
    rows = [
        row(id_card_type, "A1", face='{"民族": "汉"}'),
        row(business_type, "B1", holder_code_type="001", holder_code=COMPANY, holder_name="某某商贸有限公司"),
    ]
    result = run(as_csv(rows), path)
    assert (result.rows, result.created, result.rejected) == (2, 2, 0)
    person = License.objects.get(number="NA1")
    assert person.holder_code == PERSON and person.holder_hash == holder_hash("111", PERSON)
    assert person.face == {"民族": "汉"} and person.valid_to == datetime.date(2040, 2, 29)
    with connection.cursor() as cursor:
        cursor.execute("SELECT holder_code FROM licenses_license")
        stored = [value for (value,) in cursor.fetchall()]
    assert all(PERSON not in value and COMPANY not in value for value in stored)


@pytest.mark.parametrize("path", PATHS)
def test_a_rerun_changes_nothing_and_a_changed_row_is_updated(path, id_card_type):
    rows = [row(id_card_type, f"R{i}") for i in range(5)]
    first = run(as_csv(rows), path)
    before = {lic.identifier: (lic.updated_at, lic.holder_code) for lic in License.objects.all()}
    again = run(as_csv(rows), path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 5) and first.created == 5
    assert {lic.identifier: (lic.updated_at, lic.holder_code) for lic in License.objects.all()} == before
    rows[2] = {**rows[2], "status": "吊销"}
    rows[3] = {**rows[3], "valid_to": "2041-01-01"}
    changed = run(as_csv(rows), path)
    assert (changed.created, changed.updated, changed.unchanged) == (0, 2, 3)
    assert License.objects.get(identifier=rows[3]["identifier"]).holder_code == PERSON  # still readable once updated
    revoked = License.objects.get(identifier=rows[2]["identifier"])
    assert revoked.status == "penalty_revoked" and revoked.status_changed_at is not None
    history = LicenseStatusChange.objects.get()
    assert (history.license, history.old_status, history.new_status) == (revoked, "valid", "penalty_revoked")


@pytest.mark.parametrize("path", PATHS)
def test_bad_rows_are_rejected_with_line_and_reason_and_the_good_ones_kept(path, id_card_type):
    good = row(id_card_type, "G1")
    wrong_check = {**row(id_card_type, "G2")}
    wrong_check["identifier"] = wrong_check["identifier"][:-1] + ("0" if wrong_check["identifier"][-1] != "0" else "1")
    rows = [
        good,
        wrong_check,
        row(id_card_type, "G3", type_code="99999999999999999X001"),
        row(id_card_type, "G4", holder_code="110105194912310021"),  # identity number with a wrong check character
        row(id_card_type, "G5", issued_on="2021-02-30"),
        row(id_card_type, "G6", valid_to="01/05/2030"),
        row(id_card_type, "G7", valid_from="2030-01-01", valid_to="2029-01-01"),
        row(id_card_type, "G8", status="过期"),
        row(id_card_type, "G9", holder_name=""),
        row(id_card_type, "GA", face="[1, 2]"),
    ]
    result = run(as_csv(rows), path)
    assert (result.rows, result.created, result.rejected) == (10, 1, 9)
    reasons = {rejection.line: rejection.reason for rejection in result.rejections}
    assert sorted(reasons) == list(range(3, 12))  # line 1 is the heading
    assert "校验位" in reasons[3]
    assert "证照类型" in reasons[4]
    assert "持证主体代码" in reasons[5] and "110105194912310021" not in reasons[5]
    assert "2021-02-30" in reasons[6]
    assert "YYYY-MM-DD" in reasons[7]
    assert "早于" in reasons[8]
    assert "过期" in reasons[9]
    assert License.objects.get().identifier == good["identifier"]


@pytest.mark.parametrize("path", PATHS)
def test_json_lines_and_chinese_headings(path, id_card_type):
    lines = [
        json.dumps(
            {
                "证照标识": r["identifier"],
                "证照类型代码": r["type_code"],
                "证照编号": r["number"],
                "持证主体": r["holder_name"],
                "持证主体代码类型": "111",
                "持证主体代码": OTHER_PERSON,
                "颁证单位": r["issuer"],
                "颁证日期": "2022-05-01",
                "照面信息": {"住址": "某区某路1号"},
            },
            ensure_ascii=False,
        )
        for r in [row(id_card_type, "J1"), row(id_card_type, "J2")]
    ]
    lines.insert(1, "not json")
    lines.insert(2, "[1, 2]")
    result = run(io.BytesIO("\n".join(lines).encode()), path, format="jsonl")
    assert (result.created, result.rejected) == (2, 2)
    assert [r.line for r in result.rejections] == [2, 3]
    stored = License.objects.get(number="NJ1")
    assert stored.face == {"住址": "某区某路1号"} and stored.valid_to is None and stored.valid_from == stored.issued_on


@pytest.mark.parametrize("path", PATHS)
def test_one_identifier_twice_in_a_file_keeps_the_last(path, id_card_type):
    first = row(id_card_type, "D1")
    last = {**first, "number": "LATER"}
    result = run(as_csv([first, last]), path)
    assert License.objects.get().number == "LATER" and result.created == 1


def test_a_file_that_is_not_utf8_stops_with_a_reason(id_card_type):
    data = b"identifier,type_code\n" + "营业执照".encode("gbk")
    result = run(io.BytesIO(data), "orm")
    assert result.rejected >= 1 and "UTF-8" in result.rejections[-1].reason
    assert not License.objects.exists()


def test_the_command_prints_rejections_and_counts(tmp_path, id_card_type):
    from django.core.management import call_command

    path = tmp_path / "licences.csv"
    path.write_bytes(as_csv([row(id_card_type, "C1"), row(id_card_type, "C2", issued_on="2026-13-01")]).getvalue())
    out = io.StringIO()
    call_command("licenses", "import", str(path), "--no-progress", stdout=out)
    text = out.getvalue()
    assert "第 3 行" in text and "共 2 行：新增 1" in text and "拒绝 1" in text


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the bulk path is PostgreSQL's")
def test_the_bulk_path_with_worker_processes_and_a_rerun_that_checks_nothing_again(id_card_type, monkeypatch):
    from licenses.services import import_rows

    rows = [row(id_card_type, f"W{i:03d}") for i in range(120)] + [row(id_card_type, "WBAD", issued_on="2026-13-13")]
    first = licenses_import(stream=as_csv(rows), format="csv", bulk=True, workers=2)
    assert (first.rows, first.created, first.rejected) == (121, 120, 1)
    checked = []

    def clean(self, values):
        checked.append(values)
        raise import_rows.RowError("checked")

    monkeypatch.setattr(import_rows.RowCleaner, "clean", clean)
    again = licenses_import(stream=as_csv(rows), format="csv", bulk=True, workers=1)
    assert (again.rows, again.unchanged, again.rejected) == (121, 120, 1)
    assert [values["number"] for values in checked] == ["NWBAD"]  # only the row the registry does not hold


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the bulk path is PostgreSQL's")
@pytest.mark.django_db(transaction=True)
def test_the_merger_thread_merges_many_batches_in_file_order(monkeypatch):
    """Outside a transaction the batches are merged by a thread of their own while the next are read: an
    identifier repeated in a later batch still ends as its last line says, with the status change in the history."""
    from licenses.services import import_bulk
    from tests.factories import LicenseTypeFactory

    monkeypatch.setattr(import_bulk, "CHUNK", 7)
    monkeypatch.setattr(import_bulk, "BULK_BATCH", 20)
    license_type = LicenseTypeFactory(name="居民身份证")
    rows = [row(license_type, f"T{i:03d}") for i in range(95)]
    rows.append({**rows[3], "number": "AGAIN", "status": "暂扣"})  # row 3 again, five batches later
    seen = []
    result = licenses_import(
        stream=as_csv(rows), format="csv", bulk=True, workers=2, progress=lambda so_far, _read: seen.append(so_far)
    )
    assert (result.rows, result.created, result.updated, result.rejected) == (96, 95, 1, 0)
    again = License.objects.get(identifier=rows[3]["identifier"])
    assert (again.number, again.status) == ("AGAIN", "suspended")
    history = LicenseStatusChange.objects.get()
    assert (history.license_id, history.old_status, history.new_status) == (again.pk, "valid", "suspended")
    assert License.objects.count() == 95
    assert len(seen) >= 4 and seen[-1].created == 95  # progress after each batch, complete at the end


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the bulk path is PostgreSQL's")
@pytest.mark.django_db(transaction=True)
def test_a_failing_merge_stops_the_import_with_its_error_and_leaves_no_thread(monkeypatch):
    import threading

    from licenses.services import import_bulk
    from tests.factories import LicenseTypeFactory

    monkeypatch.setattr(import_bulk, "CHUNK", 5)
    monkeypatch.setattr(import_bulk, "BULK_BATCH", 10)
    merged = []
    real_merge = import_bulk._merge

    def merge_then_fail(texts):
        if merged:
            raise RuntimeError("the database went away")
        merged.append(texts)
        return real_merge(texts)

    monkeypatch.setattr(import_bulk, "_merge", merge_then_fail)
    license_type = LicenseTypeFactory(name="居民身份证")
    rows = [row(license_type, f"F{i:03d}") for i in range(60)]
    with pytest.raises(RuntimeError, match="went away"):
        licenses_import(stream=as_csv(rows), format="csv", bulk=True, workers=1)
    assert not [thread for thread in threading.enumerate() if thread.name == "licence-import-merger"]
    assert License.objects.count() == 10  # the first batch, committed; nothing of the failed one


@pytest.mark.parametrize("path", PATHS)
def test_known_rows_behind_a_new_sample_are_still_left_unchanged(path, id_card_type):
    """The digests are asked of a sample first; known rows the sample did not reveal are checked again, and the
    merge still leaves them as they were."""
    known = [row(id_card_type, f"K{i}") for i in range(10)]
    run(as_csv(known), path)
    before = {lic.identifier: lic.updated_at for lic in License.objects.all()}
    new = [row(id_card_type, f"N{i:03d}") for i in range(70)]
    result = run(as_csv(new + known), path)
    assert (result.created, result.updated, result.unchanged, result.rejected) == (70, 0, 10, 0)
    assert {i: at for i, at in License.objects.values_list("identifier", "updated_at") if i in before} == before


@pytest.mark.parametrize("path", PATHS)
def test_the_last_line_wins_even_when_it_is_what_the_registry_holds(path, id_card_type):
    """A row equal to the stored licence is skipped unchecked, but not after an earlier line of the same file named
    its identifier: the earlier line would then win over the last."""
    stored = row(id_card_type, "L1")
    run(as_csv([stored]), path)
    result = run(as_csv([{**stored, "number": "EARLIER"}, stored]), path)
    assert License.objects.get().number == "NL1" and result.rows == 2
