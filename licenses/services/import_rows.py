"""Reading a file of licences row by row (CSV with a heading line, or JSON Lines) and checking each row: the
identifier and its check character, the holder code and its check character, real dates in order, a known type and
status. A good row becomes the values the registry stores (the holder code already encrypted, its hash computed);
a bad one becomes a line number and a reason, which never repeats the holder's code."""

import csv
import datetime
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from hall import parsing, pii
from licenses import identifiers
from licenses.holders import holder_code_clean, holder_code_type_clean, holder_hash
from licenses.models import LicenseStatus

# The columns of a file, by their English name, with the Chinese headings halls use as aliases.
COLUMNS = {
    "identifier": "证照标识",
    "type_code": "证照类型代码",
    "number": "证照编号",
    "holder_name": "持证主体",
    "holder_code_type": "持证主体代码类型",
    "holder_code": "持证主体代码",
    "issuer": "颁证单位",
    "issuer_code": "颁证单位代码",
    "jurisdiction_code": "管辖区域代码",
    "issued_on": "颁证日期",
    "valid_from": "有效期起始日期",
    "valid_to": "有效期截止日期",
    "status": "证照状态",
    "face": "照面信息",
}
REQUIRED = ("identifier", "type_code", "number", "holder_name", "holder_code_type", "holder_code", "issuer")
ALIASES = {**{name: name for name in COLUMNS}, **{heading: name for name, heading in COLUMNS.items()}}
STATUS_NAMES = {
    **{value: value for value in LicenseStatus.values},
    "有效": LicenseStatus.VALID,
    "暂扣": LicenseStatus.SUSPENDED,
    "撤销": LicenseStatus.REVOKED,
    "注销": LicenseStatus.CANCELLED,
    "吊销": LicenseStatus.PENALTY_REVOKED,
}
DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
TEXT_LIMITS = {"number": 100, "holder_name": 200, "issuer": 200}
FACE_MAX_CHARS = 20_000
EARLIEST = datetime.date(1900, 1, 1)

# The stored columns of a good row, in this order (the bulk path copies them in this order too).
STORED = (
    "identifier",
    "license_type_id",
    "number",
    "holder_name",
    "holder_code_type",
    "holder_code",
    "holder_hash",
    "issuer",
    "issuer_code",
    "jurisdiction_code",
    "issued_on",
    "valid_from",
    "valid_to",
    "status",
    "face",
    "import_digest",
)


class RowError(Exception):
    pass


@dataclass(frozen=True)
class Rejection:
    line: int
    reason: str


def _text(row: dict, name: str, *, required: bool = True) -> str:
    value = row.get(name)
    if value is None or value == "":
        if required:
            raise RowError(_("%(column)s is empty.") % {"column": name})
        return ""
    if not isinstance(value, str):
        raise RowError(_("%(column)s is not text.") % {"column": name})
    try:
        return parsing.clean_text(value, max_length=TEXT_LIMITS.get(name, 200), required=required, label=name)
    except ValidationError as error:
        raise RowError(" ".join(error.messages)) from None


def _date(row: dict, name: str, *, required: bool = True) -> datetime.date | None:
    value = row.get(name)
    if value is None or value == "":
        if required:
            raise RowError(_("%(column)s is empty.") % {"column": name})
        return None
    text = parsing.ascii_form(str(value)).strip()
    if not DATE_RE.fullmatch(text):
        raise RowError(_("%(column)s is not a date written YYYY-MM-DD.") % {"column": name})
    try:
        day = datetime.date.fromisoformat(text)
    except ValueError:
        raise RowError(_("%(column)s is not a real date: %(value)s.") % {"column": name, "value": text}) from None
    if day < EARLIEST:
        raise RowError(_("%(column)s is before 1900.") % {"column": name})
    return day


def _face(row: dict) -> dict:
    value = row.get("face")
    if value in (None, ""):
        return {}
    if isinstance(value, str):
        if len(value) > FACE_MAX_CHARS:
            raise RowError(_("face has more than %(max)d characters.") % {"max": FACE_MAX_CHARS})
        try:
            value = json.loads(value)
        except ValueError:
            raise RowError(_("face is not a JSON object.")) from None
    if not isinstance(value, dict) or not all(isinstance(key, str) for key in value):
        raise RowError(_("face is not a JSON object."))
    for key, item in value.items():
        if not isinstance(item, str | int | float | bool) or (isinstance(item, str) and "\x00" in item):
            raise RowError(_("face.%(key)s is not a plain value.") % {"key": key[:40]})
        if "\x00" in key:
            raise RowError(_("face has a key with a NUL character."))
    return value


def row_digest(row: dict) -> str:
    """What a row of a file says, hashed as it is written there: a re-import of the same row is recognised before it
    is checked or its code encrypted (the encrypted code differs at every write, so it cannot be compared itself).
    The holder's code is part of it: the hash is keyed (hall.pii), so it cannot be tried against guesses."""
    face = row.get("face")
    values = [row.get(name) for name in COLUMNS if name != "face"]
    values.append(json.dumps(face, ensure_ascii=False, sort_keys=True) if isinstance(face, dict) else face)
    return pii.keyed_digest("\x1f".join("" if v is None else str(v) for v in values))


def known_identifier(row: dict) -> str:
    """The identifier a row names, as the registry stores it when the file writes it so (no check here)."""
    value = row.get("identifier")
    return value.strip() if isinstance(value, str) else ""


class RowCleaner:
    """Turns a row (a dict of column → value) into the stored values, or raises RowError. Built once per import
    with the known types; cheap per row, since a city's file has millions of them."""

    def __init__(self, type_ids: dict[str, int], *, today: datetime.date):
        self.type_ids = type_ids
        self.today = today

    def clean(self, row: dict) -> tuple:
        try:
            identifier = identifiers.parse(row.get("identifier") or "")
        except ValidationError as error:
            raise RowError(_("identifier: %(reason)s") % {"reason": " ".join(error.messages)}) from None
        type_code = parsing.ascii_form(str(row.get("type_code") or "")).strip().upper()
        type_id = self.type_ids.get(type_code)
        if type_id is None:
            raise RowError(_("type_code: no licence type has the code %(code)s.") % {"code": type_code[:32]})
        try:
            code_type = holder_code_type_clean(row.get("holder_code_type"))
            code = holder_code_clean(code_type, row.get("holder_code"), today=self.today)
        except ValidationError as error:
            # The reason only: the code itself is personal information and stays out of every report.
            raise RowError(_("holder_code: %(reason)s") % {"reason": " ".join(error.messages)}) from None
        number = _text(row, "number")
        holder_name = _text(row, "holder_name")
        issuer = _text(row, "issuer")
        issuer_code = parsing.ascii_form(str(row.get("issuer_code") or identifier.issuer_code)).strip().upper()
        if issuer_code != identifier.issuer_code:
            raise RowError(_("issuer_code differs from the issuer code in the identifier."))
        jurisdiction = parsing.ascii_form(str(row.get("jurisdiction_code") or "")).strip()
        if jurisdiction and not re.fullmatch(r"[0-9]{6,12}", jurisdiction):
            raise RowError(_("jurisdiction_code has 6 to 12 digits."))
        issued_on = _date(row, "issued_on")
        valid_from = _date(row, "valid_from", required=False) or issued_on
        valid_to = _date(row, "valid_to", required=False)
        if issued_on > self.today:
            raise RowError(_("issued_on is in the future."))
        if valid_to is not None and valid_to < valid_from:
            raise RowError(_("valid_to is before valid_from."))
        status_text = str(row.get("status") or LicenseStatus.VALID).strip()
        status = STATUS_NAMES.get(status_text)
        if status is None:
            raise RowError(
                _(
                    "status is one of valid, suspended, revoked, cancelled, penalty_revoked "
                    "(有效 暂扣 撤销 注销 吊销); expiry is read from valid_to."
                )
            )
        face = _face(row)
        digest = row_digest(row)
        return (
            str(identifier),
            type_id,
            number,
            holder_name,
            code_type,
            code,  # in clear here: the ORM encrypts it on save, the bulk path in `copy_line`
            holder_hash(code_type, code),
            issuer,
            issuer_code,
            jurisdiction,
            issued_on,
            valid_from,
            valid_to,
            status,
            face,
            digest,
        )


_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def copy_line(line: int, values: tuple) -> str:
    """A good row as one line of PostgreSQL's COPY text format (the line number first, the code encrypted). Only the
    free texts can hold a tab, a newline or a backslash: the other columns passed checks that allow none."""
    (identifier, type_id, number, holder_name, code_type, code, code_hash, issuer, issuer_code, jurisdiction,
     issued_on, valid_from, valid_to, status, face, digest) = values  # fmt: skip
    fields = (
        str(line),
        identifier,
        str(type_id),
        number.translate(_COPY_ESCAPES),
        holder_name.translate(_COPY_ESCAPES),
        code_type,
        pii.encrypt(code),
        code_hash,
        issuer.translate(_COPY_ESCAPES),
        issuer_code,
        jurisdiction,
        issued_on.isoformat(),
        valid_from.isoformat(),
        "\\N" if valid_to is None else valid_to.isoformat(),
        status,
        json.dumps(face, ensure_ascii=False).translate(_COPY_ESCAPES),
        digest,
    )
    return "\t".join(fields) + "\n"


# --- readers --------------------------------------------------------------------------------------------------------


class CountingReader(io.RawIOBase):
    """Counts the bytes read from a binary stream: the progress of an import is bytes read ÷ size."""

    def __init__(self, raw):
        self.raw = raw
        self.count = 0

    def readable(self):
        return True

    def readinto(self, buffer):
        data = self.raw.read(len(buffer))
        self.count += len(data)
        buffer[: len(data)] = data
        return len(data)


def _rows_of_csv(text: io.TextIOBase) -> Iterator[tuple[int, dict | Rejection]]:
    reader = csv.reader(text)
    try:
        heading = next(reader)
    except StopIteration:
        return
    names = [ALIASES.get(column.strip().lstrip("\ufeff")) for column in heading]
    missing = [column for column in REQUIRED if column not in names]
    if missing:
        yield 1, Rejection(1, _("The heading lacks the columns: %(columns)s.") % {"columns": ", ".join(missing)})
        return
    for values in reader:
        if not values:
            continue
        line = reader.line_num
        if len(values) != len(names):
            yield (
                line,
                Rejection(
                    line, _("The row has %(n)d fields, the heading %(m)d.") % {"n": len(values), "m": len(names)}
                ),
            )
            continue
        yield line, {name: value for name, value in zip(names, values, strict=True) if name}


def _rows_of_json_lines(text: io.TextIOBase) -> Iterator[tuple[int, dict | Rejection]]:
    for line, raw in enumerate(text, start=1):
        if not raw.strip():
            continue
        try:
            value = json.loads(raw)
        except ValueError:
            yield line, Rejection(line, _("The line is not JSON."))
            continue
        if not isinstance(value, dict):
            yield line, Rejection(line, _("The line is not a JSON object."))
            continue
        yield line, {ALIASES.get(key, ""): item for key, item in value.items()}


def rows_of(stream, *, format: str) -> Iterator[tuple[int, dict | Rejection]]:
    """(line, row) for every row of a binary stream in `format` ("csv" or "jsonl"), or (line, Rejection) for a row
    that cannot even be read."""
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", errors="strict", newline="" if format == "csv" else None)
    reader = _rows_of_csv(text) if format == "csv" else _rows_of_json_lines(text)
    try:
        yield from reader
    except UnicodeDecodeError:
        yield 0, Rejection(0, _("The file is not UTF-8 text: the import stopped here."))
    except csv.Error as error:
        yield 0, Rejection(0, _("The CSV is malformed (%(error)s): the import stopped here.") % {"error": error})


def format_of(file_name: str) -> str | None:
    name = file_name.lower()
    if name.endswith(".csv"):
        return "csv"
    if name.endswith((".jsonl", ".ndjson")):
        return "jsonl"
    return None
