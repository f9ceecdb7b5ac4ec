"""Hostile input: bad values in every form field, query parameter, path id, header and JSON body, as every role.

Built on the permission matrix (tests/test_permission_matrix.py): its rows name every URL pattern and every API
operation, its probes carry a valid request of each, and its world is the one every request starts from. Here each
probe is sent again with one value at a time replaced by a value of the corpus below, the other fields as the probe
has them (valid), and two things are checked:

1.  Nothing crashes: no 5xx, no exception out of the test client. A value that SQLite takes but PostgreSQL refuses
    (a NUL character, a text longer than its column) counts as a crash too: on PostgreSQL it is a 500.
2.  A refused request changes no row. Refused: a 4xx, a redirect to a sign-in page, a redirect that flashed an error
    message (``classify`` of the permission matrix: login, deny or error), or a POST answered 200 that re-renders a
    bound form with errors (a form page's refusal). Each request runs in a savepoint that is rolled back; the rows of
    every table are read before (once per probe, role and ``prepare``) and after each request, and after a refused
    one they must be equal (``TOLERATED_TABLES`` says what is left out, and why).

What is attacked (the request's other fields stay valid)
    * every field of the probe's ``data`` and the fields of the form or serializer the probe does not send
      (``BODY_FIELDS``); on fields read as lists (``LIST_FIELDS``) also a valid id next to the bad value;
    * every query parameter of a GET probe and the parameters its view reads (``QUERY_FIELDS``);
    * every ``{id}`` of the path (a row id or a signed token), with ids the URL converter refuses or that name nothing;
    * the ``Idempotency-Key`` header of every API POST;
    * whole JSON bodies of every API POST: nested 2000 deep, malformed, an array, a 1 MB string in each field.

``test_hostile_input[<row>]`` sends the corpus as one role per probe (the first the probe allows, else anonymous) and
runs by default; ``test_hostile_input_every_role[<row>]`` sends one value of each kind (``ONE_OF_EACH_KIND``) as
every other role of the probe and is ``slow``. Each reports every failure of its row at once: method, path, role,
where, field, value, and the status or exception (with the line of application code it came from).

Set ``HALL_HOSTILE_REPORT=<file>`` to have every failure also appended to that file as one JSON object a line, with
the notes below, for grouping. Notes, not failures: an accepted request that stored control, bidi or zero-width
characters (``hall/parsing.clean_text`` refuses or removes them).
"""

from __future__ import annotations

import functools
import json
import logging
import os
import traceback
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from string import Formatter
from urllib.parse import parse_qsl, quote, urlencode

import pytest
from django.apps import apps
from django.core.cache import cache
from django.db import connection, models, transaction
from django.test import Client

from hall.parsing import ZERO_WIDTH_AND_BIDI
from tests.test_permission_matrix import (
    ALLOW,
    ANONYMOUS,
    API_PREFIX,
    BROWSER_ACCEPT,
    CITIZEN_ONLY,
    DENY,
    LOGIN,
    MATRIX,
    MODEL_BACKEND,
    PUBLIC,
    SIGNED_IN_CLERK,
    WATCHES_CENTER,
    Probe,
    World,
    build_world,
    classify,
)

# --- The corpus ---------------------------------------------------------------------------------------------------

BAD_IDS = (
    "0",
    "-1",
    "3.5",
    "1e3",
    "abc",
    "",
    " 1",
    "9223372036854775807",  # 2^63 - 1: the largest id, names nothing
    "9223372036854775808",  # 2^63: overflows a 64-bit column
    "99999999999999999999",
    "²",  # a digit for str.isdigit(), not a decimal digit
    "９",  # full-width 9
    "١٢",  # Arabic-Indic 12
    "0x10",
)
BAD_DATES = ("2026-02-30", "2026-13-01", "0000-00-00", "99999-01-01", "2026-1-1")
BAD_TEXTS = (
    "a\x00b",  # NUL
    "\x07bell",
    "\u202eevil",  # right-to-left override
    "\u200b",  # zero-width space only
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "x" * 5000,
)
BAD_STRINGS = BAD_IDS + BAD_DATES + BAD_TEXTS
# JSON bodies also carry values of the wrong type.
BAD_JSON_VALUES = (None, True, 12, -5, 1.5, [], {}, [1, 2], {"a": 1}, 2**70)
# Path ids: the converter takes 1-18 ASCII digits, so all but "0" are a 404 before the view; tokens take any text.
BAD_PATH_IDS = ("0", "9223372036854775808", "99999999999999999999", "abc")
BAD_PATH_TOKENS = BAD_PATH_IDS + BAD_TEXTS
TOKEN_PLACEHOLDERS = {"token", "citizen_token", "station_token"}
# Whole JSON bodies.
BAD_BODIES = {
    "arrays nested 2000 deep": "[" * 2000 + "]" * 2000,
    "objects nested 2000 deep": '{"a":' * 2000 + "1" + "}" * 2000,
    "malformed JSON": "{",
}
MEGABYTE = "x" * (1 << 20)


@dataclass(frozen=True)
class Corpus:
    strings: tuple
    json_values: tuple
    path_ids: tuple
    path_tokens: tuple
    bodies: dict
    megabyte_in_every_field: bool


FULL_CORPUS = Corpus(BAD_STRINGS, BAD_JSON_VALUES, BAD_PATH_IDS, BAD_PATH_TOKENS, BAD_BODIES, True)
# The other roles of a probe: a form parses a value the same whoever sends it, so what a role changes is where it is
# turned away or which rows it may name. One value of each kind (an overflowing id, a digit that is not ASCII, an
# impossible date, NUL, an oversized text, a wrong JSON type, a malformed body) shows that, at a fifth of the cost.
ONE_OF_EACH_KIND = Corpus(
    ("9223372036854775808", "²", "2026-02-30", "a\x00b", "x" * 5000),
    (None, [], 2**70),
    ("0", "abc"),
    ("0", "a\x00b"),
    {"malformed JSON": "{"},
    False,
)

# --- What each row's endpoint reads (keyed by MATRIX row) -------------------------------------------------------------

# Form or JSON fields of POST probes, besides the keys of the probe's `data` (queueing/views, accounts/views.py and
# accounts/forms.py, dashboards/views/console.py, queueing/api.py).
BODY_FIELDS: dict[str, tuple[str, ...]] = {
    "login": ("username", "password", "next"),
    "logout": ("next",),
    "set_language": ("language", "next"),
    "accounts:register": ("mobile", "code", "password1", "password2", "consent", "action"),
    "accounts:login": ("mobile", "password", "next"),
    "accounts:login_code": ("mobile", "code", "action", "next"),
    "accounts:elderly_mode": ("enabled", "next"),
    "accounts:profile": ("real_name", "id_number"),
    "accounts:companies": ("company_name", "uscc", "is_legal_representative"),
    "queueing:portal_take": ("queue", "key"),
    "queueing:portal_appointment_book": ("slot",),
    "queueing:kiosk_issue": ("queue", "matter", "id_number", "mobile", "idempotency_key", "print", "skip"),
    "queueing:kiosk_check_in": ("code", "idempotency_key", "print"),
    "queueing:station_issue": (
        "station",
        "hall",
        "queue",
        "id_number",
        "mobile",
        "priority_group",
        "idempotency_key",
        "id_number_kept",
        "mobile_kept",
    ),
    "dashboards:alert_resolve": ("resolution",),
    "dashboards:tidal_open": ("queue", "clerk"),
    "dashboards:dispatch": ("clerk",),
    "dashboards:queue_pause": ("reason",),
    "queueing:sign_in": ("window", "take_over"),
    "queueing:finish": ("ticket",),
    "queueing:pause": ("reason", "resume"),
    "queueing:ticket_action": ("reason", "to_queue", "to_window"),  # call: reason; transfer: to_queue, to_window
    "queueing:force_sign_out": ("reason",),
    "api-ticket-issue POST": ("queue", "channel", "id_number", "mobile"),
    "api-ticket-transfer POST": ("to_queue", "to_window"),
    "api-window-call-ticket POST": ("ticket", "reason"),
    "api-window-pause POST": ("reason",),
    "api-appointment-book POST": ("slot",),
    "api-appointment-check-in POST": ("center", "code"),
    "api-window-sign-in POST": ("take_over",),
    "api-window-force-sign-out POST": ("reason",),
    "matters:case_action": ("items", "days", "reason", "outcome", "tracking_number"),
    "matters:extension_decide": ("approve", "note"),
    "queueing:ticket_case": (
        "matter",
        "missing_reason",
        "applicant_name",
        "id_number",
        "mobile",
        "delivery",
        "post_address",
    ),
    "queueing:ticket_case_corrections": ("number",),
    "matters:apply": ("center",),
    "api-case-accept POST": ("checklist", "missing_reason", "delivery", "post_address"),
    "api-case-decline POST": ("reason",),
    "api-case-correction POST": ("items",),
    "api-case-extension POST": ("days", "reason"),
    "api-case-conclude POST": ("outcome", "reason"),
    "api-case-deliver POST": ("tracking_number",),
    "api-extension-decide POST": ("approve", "note"),
    "api-my-cases POST": ("matter", "center", "applicant_name", "id_number", "mobile"),
}
# HTML fields read with getlist(): also sent twice, a valid id and the bad value.
LIST_FIELDS: dict[str, tuple[str, ...]] = {"dashboards:tidal_open": ("queue", "clerk")}
# Query parameters of GET probes, besides those in the probe's path.
QUERY_FIELDS: dict[str, tuple[str, ...]] = {
    "licenses:verify": ("identifier", "via"),
    "licenses:serve_copy": ("grant",),
    "api-license-verify GET": ("identifier",),
    "login": ("next",),
    "accounts:login": ("next",),
    "accounts:login_code": ("next",),
    "schema": ("format", "lang"),
    "admin:*": ("q", "p", "o", "center__id__exact", "service_date__gte", "status__exact", "action__exact"),
    "queueing:portal_appointments": ("date", "queue"),
    "queueing:kiosk": ("queue", "matter", "print", "checkin"),
    "queueing:kiosk_ticket": ("kiosk", "print"),
    "queueing:station": ("station", "hall"),
    "dashboards:overview": ("root",),
    "dashboards:overview_data": ("root",),
    "dashboards:history": ("center", "zone", "department", "date_from", "date_to", "granularity"),
    "dashboards:history_csv": ("center", "zone", "department", "date_from", "date_to", "granularity"),
    "dashboards:history_xlsx": ("center", "zone", "department", "date_from", "date_to", "granularity"),
    "queueing:waiting_panel": ("window",),
    "api-slots GET": ("date",),
    "api-calendar-due GET": ("from", "days"),
    "api-calendar-working-days GET": ("first", "last"),
    "api-matters GET": ("q", "department", "theme"),
    "api-cases GET": ("status", "light"),
    "matters:guide": ("q", "department", "theme", "on", "back"),
    "matters:guide_matter": ("on", "back"),
    "matters:guide_bundle": ("on", "back"),
    "dashboards:case_stats": ("center", "department", "date_from", "date_to", "granularity", "by"),
    "dashboards:case_stats_csv": ("center", "department", "date_from", "date_to", "granularity", "by"),
    "dashboards:case_stats_xlsx": ("center", "department", "date_from", "date_to", "granularity", "by"),
    "dashboards:review_stats": ("center", "department", "date_from", "date_to", "granularity", "by", "defaults"),
    "dashboards:review_stats_csv": ("center", "department", "date_from", "date_to", "granularity", "by", "defaults"),
    "dashboards:review_stats_xlsx": ("center", "department", "date_from", "date_to", "granularity", "by", "defaults"),
    "evaluations:results": ("center", "month"),
    "dashboards:license_stats": ("center", "department", "date_from", "date_to"),
    "dashboards:license_stats_csv": ("center", "department", "date_from", "date_to"),
    "dashboards:license_stats_xlsx": ("center", "department", "date_from", "date_to"),
}
# Forms the matrix opens with GET only (or an action it does not probe): their POST, with valid-looking data.
EXTRA_PROBES: dict[str, tuple[Probe, ...]] = {
    "login": (Probe("POST", "/accounts/login/", PUBLIC, data={"username": "m-clerk", "password": "not-it"}),),
    "admin:*": (Probe("POST", "/admin/login/", PUBLIC, data={"username": "m-admin", "password": "not-it"}),),
    "accounts:login": (Probe("POST", "/portal/login/", PUBLIC, data={"mobile": "13800138000", "password": "not-it"}),),
    "accounts:login_code": (
        Probe("POST", "/portal/login/code/", PUBLIC, data={"mobile": "13800138000", "code": "123456"}),
        Probe("POST", "/portal/login/code/", PUBLIC, data={"mobile": "13800138000", "action": "send_code"}),
    ),
    "accounts:register": (
        Probe(
            "POST",
            "/portal/register/",
            PUBLIC,
            data={
                "mobile": "13800138009",
                "code": "123456",
                "password1": "Hall-2026-pw!",
                "password2": "Hall-2026-pw!",
                "consent": "on",
            },
        ),
        Probe("POST", "/portal/register/", PUBLIC, data={"mobile": "13800138009", "action": "send_code"}),
    ),
    # A second consent to the same notice, and a deletion without the password: refused, nothing changed.
    "accounts:privacy_consent": (Probe("POST", "/portal/privacy/consent/", CITIZEN_ONLY),),
    "accounts:account_delete": (
        Probe("POST", "/portal/delete-account/", CITIZEN_ONLY, data={"confirm": "1", "password": "not-it"}),
    ),
    "queueing:portal_take": (
        Probe("POST", "/portal/take/", CITIZEN_ONLY, data={"queue": "{queue}", "key": "hostile-take-1"}),
    ),
    "queueing:ticket_action": (
        Probe("POST", "/clerk/tickets/{t1}/transfer/", SIGNED_IN_CLERK, data={"to_queue": "{queue}"}),
    ),
    "queueing:ticket_case": (
        Probe(
            "POST",
            "/clerk/tickets/{t1}/case/",
            SIGNED_IN_CLERK,
            data={"matter": "{matter}", "applicant_name": "李四", "delivery": "pickup"},
        ),
    ),
    "matters:case_action": (
        Probe("POST", "/cases/{case}/extension/", WATCHES_CENTER, data={"days": "2", "reason": "专家评审"}),
        Probe("POST", "/cases/{case}/conclude/", WATCHES_CENTER, data={"outcome": "refused", "reason": "不符合条件"}),
    ),
}

# --- The database fingerprint -----------------------------------------------------------------------------------------

# Tables a request may change whatever its answer: left out of "a refused request changes nothing", still read for
# values PostgreSQL would refuse (a 5000-character username in the failed sign-in log is a 500 there):
#   django_session     a session is saved whenever a request touches it (messages, language, sign-in, sign-out);
#   axes_*             django-axes records sign-in attempts, and a refused sign-in is exactly one;
#   licenses_licenseaccess        a refused use of someone's licences is logged on purpose (用证 log);
#   licenses_licenseverification  every public verification is logged, a malformed identifier's too;
# and in hall_auditentry the sign-in, failed sign-in and sign-out entries (accounts/receivers.py) are not read: a
# refused sign-in is audited on purpose. Every other row of every table (users, tickets, sessions of windows,
# counters, audit of actions, idempotency records, notifications ...) is compared.
TOLERATED_TABLES = frozenset(
    {
        "django_session",
        "axes_accessattempt",
        "axes_accessattemptexpiration",
        "axes_accessfailurelog",
        "axes_accesslog",
        "licenses_licenseaccess",
        "licenses_licenseverification",
    }
)
SKIPPED_AUDIT_ACTIONS = ("login", "login_failed", "logout")


@dataclass(frozen=True)
class Table:
    name: str
    sql: str
    fields: tuple[models.Field, ...]  # in the order of the columns; the primary key first
    tolerated: bool  # a refused request may change it (TOLERATED_TABLES)


@functools.cache
def fingerprint_tables() -> tuple[Table, ...]:
    quote_name = connection.ops.quote_name
    tables = []
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.proxy or not meta.managed:
            continue
        fields = (meta.pk, *(f for f in meta.concrete_fields if f is not meta.pk))
        sql = f"SELECT {', '.join(quote_name(f.column) for f in fields)} FROM {quote_name(meta.db_table)}"
        if meta.db_table == "hall_auditentry":
            skipped = ", ".join(f"'{action}'" for action in SKIPPED_AUDIT_ACTIONS)
            sql += f" WHERE action NOT IN ({skipped})"
        tables.append(Table(name=meta.db_table, sql=sql, fields=fields, tolerated=meta.db_table in TOLERATED_TABLES))
    return tuple(tables)


Fingerprint = dict[str, dict[object, tuple]]


def fingerprint(tables: Iterable[Table] | None = None) -> Fingerprint:
    """Every row of every compared table (or of `tables`), by primary key: small, since the world is small."""
    rows: Fingerprint = {}
    with connection.cursor() as cursor:
        for table in fingerprint_tables() if tables is None else tables:
            cursor.execute(table.sql)
            rows[table.name] = {row[0]: tuple(row) for row in cursor.fetchall()}
    return rows


WriteCounters = dict[str, int] | int


def write_counters() -> WriteCounters:
    """What the database has written so far in this transaction, counted by the database itself and never going down
    (a rolled-back savepoint still counts): per table on PostgreSQL, in all on SQLite. Reading it is one statement,
    where the fingerprint is one per table, and most hostile requests write nothing."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT relname, n_tup_ins + n_tup_upd + n_tup_del FROM pg_stat_xact_user_tables")
            return dict(cursor.fetchall())
        cursor.execute("SELECT total_changes()")
        return cursor.fetchone()[0]


def fingerprint_after(before: Fingerprint, counted: WriteCounters) -> Fingerprint:
    """The fingerprint now, given `before` and the write counters when the database last held it: only the tables
    written since are read again."""
    now = write_counters()
    if now == counted:
        return before
    if isinstance(now, int):
        return fingerprint()
    written = [table for table in fingerprint_tables() if now.get(table.name) != counted.get(table.name)]
    return {**before, **fingerprint(written)}


@dataclass(frozen=True)
class Change:
    table: Table
    pk: object
    kind: str  # "added", "removed", "changed"
    columns: tuple[int, ...]  # indexes of the columns that differ (all of them for an added row)
    row: tuple


def changes(before: Fingerprint, after: Fingerprint) -> list[Change]:
    found = []
    for table in fingerprint_tables():
        old, new = before[table.name], after[table.name]
        if old == new:
            continue
        for pk, row in new.items():
            if pk not in old:
                found.append(Change(table, pk, "added", tuple(range(len(row))), row))
            elif old[pk] != row:
                differ = tuple(i for i, (a, b) in enumerate(zip(old[pk], row, strict=True)) if a != b)
                found.append(Change(table, pk, "changed", differ, row))
        found += [Change(table, pk, "removed", (), row) for pk, row in old.items() if pk not in new]
    return found


def describe_changes(found: list[Change]) -> str:
    parts = []
    for change in found[:6]:
        if change.kind == "changed":
            names = ", ".join(change.table.fields[i].name for i in change.columns)
            parts.append(f"{change.table.name} #{change.pk} changed ({names})")
        else:
            parts.append(f"{change.table.name} #{change.pk} {change.kind}")
    more = f" … and {len(found) - 6} more" if len(found) > 6 else ""
    return "; ".join(parts) + more


def _is_unclean(text: str) -> bool:
    return any(
        (unicodedata.category(char) == "Cc" and char not in "\t\n\r") or ord(char) in ZERO_WIDTH_AND_BIDI
        for char in text
    )


def stored_problems(found: list[Change]) -> tuple[list[str], list[str]]:
    """(values PostgreSQL refuses, values with control/bidi/zero-width characters) among the written columns."""
    refused, unclean = [], []
    for change in found:
        for index in change.columns:
            field, value = change.table.fields[index], change.row[index]
            if not isinstance(value, str):
                continue
            where = f"{change.table.name}.{field.column} #{change.pk}"
            if "\x00" in value or (isinstance(field, models.JSONField) and "\\u0000" in value):
                refused.append(f"{where}: NUL character (PostgreSQL refuses it)")
            elif isinstance(field, models.CharField) and field.max_length and len(value) > field.max_length:
                refused.append(f"{where}: {len(value)} characters in a varchar({field.max_length})")
            if _is_unclean(value):
                unclean.append(f"{where}: {show(value)}")
    return refused, unclean


# --- Requests -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Attack:
    """One request of a probe with one bad value."""

    where: str  # body, query, path, header, whole body
    name: str  # the field, parameter, placeholder or header; for whole bodies what the body is
    value: object
    path: str
    body: str | None = None  # None: a GET
    headers: tuple[tuple[str, str], ...] = ()


def show(value, limit: int = 40) -> str:
    text = repr(value)
    if len(text) <= limit:
        return text
    size = f" ({len(value)} chars)" if isinstance(value, str) else ""
    return text[: limit - 1] + "…" + size


def _formatted(value, ids):
    if isinstance(value, str):
        return value.format(**ids)
    if isinstance(value, list):
        return [_formatted(item, ids) for item in value]
    return value


def _placeholders(template: str) -> list[str]:
    return [name for _text, name, _spec, _conv in Formatter().parse(template) if name]


def is_api(probe: Probe) -> bool:
    return probe.path.startswith("/" + API_PREFIX)


def attacks(row: str, probe: Probe, ids: dict, corpus: Corpus = FULL_CORPUS) -> Iterator[Attack]:
    api = is_api(probe)
    template, _sep, query_template = probe.path.partition("?")
    path = template.format(**ids)
    query = [(key, _formatted(value, ids)) for key, value in parse_qsl(query_template, keep_blank_values=True)]
    data = {key: _formatted(value, ids) for key, value in (probe.data or {}).items()}

    def url(base: str, params: list[tuple[str, str]]) -> str:
        return f"{base}?{urlencode(params)}" if params else base

    def encode(body: dict) -> str:
        return json.dumps(body) if api else urlencode(body, doseq=True)

    # Path ids and tokens.
    for name in _placeholders(template):
        for value in corpus.path_tokens if name in TOKEN_PLACEHOLDERS else corpus.path_ids:
            bad_path = template.format(**{**ids, name: quote(value, safe="")})
            yield Attack("path", name, value, url(bad_path, query), None if probe.method == "GET" else encode(data))
    if probe.method == "GET":
        names = list(dict.fromkeys([key for key, _value in query] + list(QUERY_FIELDS.get(row, ()))))
        for name in names:
            for value in corpus.strings:
                params = [(key, old) for key, old in query if key != name] + [(name, value)]
                yield Attack("query", name, value, url(path, params))
        return
    target = url(path, query)
    names = list(dict.fromkeys(list(data) + list(BODY_FIELDS.get(row, ()))))
    for name in names:
        for value in corpus.strings + (corpus.json_values if api else ()):
            yield Attack("body", name, value, target, encode({**data, name: value}))
        if not api and name in LIST_FIELDS.get(row, ()):
            valid = data.get(name) or str(ids["queue"] if name == "queue" else ids["clerk_user"])
            for value in corpus.strings:
                yield Attack("body", f"{name}[]", [valid, value], target, encode({**data, name: [valid, value]}))
    if api:
        for value in corpus.strings:
            yield Attack("header", "Idempotency-Key", value, target, encode(data), (("HTTP_IDEMPOTENCY_KEY", value),))
        for what, body in corpus.bodies.items():
            yield Attack("whole body", what, body, target, body)
        yield Attack("whole body", "a JSON array", [data], target, json.dumps([data]))
        for name in (names or ["x"]) if corpus.megabyte_in_every_field else (names or ["x"])[:1]:
            yield Attack("whole body", f"1 MB string in {name}", MEGABYTE, target, encode({**data, name: MEGABYTE}))


def _send(client: Client, probe: Probe, attack: Attack):
    api = is_api(probe)
    accept = "application/json" if api else BROWSER_ACCEPT
    headers = dict(attack.headers)
    if attack.body is None:
        return client.get(attack.path, HTTP_ACCEPT=accept, **headers)
    content_type = "application/json" if api else "application/x-www-form-urlencoded"
    return client.generic(
        probe.method, attack.path, attack.body.encode(), content_type=content_type, HTTP_ACCEPT=accept, **headers
    )


def _form_errors(response) -> bool:
    context = response.context
    form = context.get("form") if context is not None and hasattr(context, "get") else None
    return bool(form is not None and getattr(form, "is_bound", False) and form.errors)


def refusal(response, *, probe: Probe, role: str) -> str | None:
    """Why the request was refused, or None when it was not (see the module docstring)."""
    outcome, detail = classify(response, role=role, api=is_api(probe), marker=None)
    if outcome in (LOGIN, DENY, "error"):
        return f"{outcome}: {detail}"
    if probe.method == "POST" and response.status_code == 200 and _form_errors(response):
        return "200 with form errors"
    return None


PROJECT = Path(__file__).resolve().parents[1]


def where_raised(error: BaseException) -> str:
    """The line that raised, and the last line of application code on the way (not the venv, not the tests)."""
    frames = traceback.extract_tb(error.__traceback__)
    if not frames:
        return "?"

    def place(frame) -> str:
        name = frame.filename
        for root in (str(PROJECT) + "/", "/site-packages/"):
            if root in name:
                name = name.split(root, 1)[1]
        return f"{name}:{frame.lineno} in {frame.name}"

    own = [
        f
        for f in frames
        if f.filename.startswith(str(PROJECT)) and "/.venv/" not in f.filename and "/tests/" not in f.filename
    ]
    raised = place(frames[-1])
    if own and own[-1] is not frames[-1]:
        return f"raised at {raised}; from {place(own[-1])}"
    return f"raised at {raised}"


@dataclass(frozen=True)
class Failure:
    kind: str  # crash, crash on PostgreSQL, refused but changed rows, note: stored unclean text
    row: str
    method: str
    path: str
    role: str
    where: str
    name: str
    value: str
    detail: str

    def line(self) -> str:
        return (
            f"  [{self.kind}] {self.method} {self.path} as {self.role}: {self.where} {self.name}={self.value} "
            f"→ {self.detail}"
        )


NOTE = "note: stored unclean text"


def attack_probe(row: str, probe: Probe, *, world: World, role: str, corpus: Corpus = FULL_CORPUS) -> list[Failure]:
    """Send every attack of `probe` as `role`; the world, `prepare` and the sign-in are set up once, in a savepoint
    rolled back at the end, and each attack runs in a savepoint of its own."""
    found: list[Failure] = []

    def fail(kind: str, attack: Attack, detail: str) -> None:
        found.append(
            Failure(kind, row, probe.method, probe.path, role, attack.where, attack.name, show(attack.value), detail)
        )

    with transaction.atomic():
        cache.clear()
        if probe.prepare is not None:
            probe.prepare(world)
        client = Client()
        if world.users[role] is not None:
            client.force_login(world.users[role], backend=MODEL_BACKEND)
        cookies = {name: morsel.value for name, morsel in client.cookies.items()}
        before = fingerprint()
        for attack in attacks(row, probe, world.ids, corpus):
            counted = write_counters()  # every attack is rolled back: the database holds `before` again
            with transaction.atomic():
                cache.clear()  # rate limits and throttles count per address: every request starts fresh
                client.cookies = SimpleCookie(cookies)  # the sign-in, without what the previous answer set
                try:
                    response = _send(client, probe, attack)
                except Exception as error:  # reported with the others, not the end of the row
                    fail("crash", attack, f"{type(error).__name__}: {str(error)[:120]} ({where_raised(error)})")
                    transaction.set_rollback(True)
                    continue
                if response.status_code >= 500:
                    fail("crash", attack, f"{response.status_code} {response.content[:120]!r}")
                    transaction.set_rollback(True)
                    continue
                try:
                    written = changes(before, fingerprint_after(before, counted))
                except Exception as error:
                    fail("crash", attack, f"the transaction is broken after the answer: {type(error).__name__}")
                    transaction.set_rollback(True)
                    continue
                refused = refusal(response, probe=probe, role=role)
                compared = [change for change in written if not change.table.tolerated]
                if refused and compared:
                    fail("refused but changed rows", attack, f"{refused[:100]}; {describe_changes(compared)}")
                postgres, unclean = stored_problems(written)
                for problem in postgres:
                    fail("crash on PostgreSQL", attack, f"{response.status_code}, stored {problem}")
                for problem in unclean:
                    fail(NOTE, attack, f"{response.status_code}, stored {problem}")
                transaction.set_rollback(True)
        transaction.set_rollback(True)
    return found


def probes(row: str) -> tuple[Probe, ...]:
    return MATRIX[row] + EXTRA_PROBES.get(row, ())


def quick_role(probe: Probe) -> str:
    return next((role for role, expected in probe.expect.items() if expected == ALLOW), ANONYMOUS)


def failing(failures: list[Failure]) -> list[Failure]:
    """The failures (notes left out), each also appended to HALL_HOSTILE_REPORT when it is set."""
    report = os.environ.get("HALL_HOSTILE_REPORT")
    if report:
        with open(report, "a", encoding="utf-8") as out:
            for failure in failures:
                out.write(json.dumps(asdict(failure), ensure_ascii=False) + "\n")
    return [failure for failure in failures if failure.kind != NOTE]


def described(row: str, failures: list[Failure]) -> str:
    return f"{row}: {len(failures)} failure(s) with hostile input\n" + "\n".join(f.line() for f in failures)


@pytest.fixture
def world(db) -> World:
    return build_world()


@pytest.fixture
def quiet_logs():
    """Thousands of 400s and 404s: the request loggers would fill the report of a failure."""
    previous = logging.root.manager.disable
    logging.disable(logging.CRITICAL)
    yield
    logging.disable(previous)


@pytest.fixture
def fast_hashing(settings):
    """A refused sign-in still runs the password hasher once (no timing oracle): the default one would make the
    sign-in rows take half a minute. Which hasher runs changes no answer."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


ROWS = list(MATRIX)


@pytest.mark.parametrize("row", ROWS)
def test_hostile_input(row, world, quiet_logs, fast_hashing):
    failures = []
    for probe in probes(row):
        failures += attack_probe(row, probe, world=world, role=quick_role(probe))
    found = failing(failures)
    assert not found, described(row, found)


@pytest.mark.slow
@pytest.mark.exhaustive
@pytest.mark.parametrize("row", ROWS)
def test_hostile_input_every_role(row, world, quiet_logs, fast_hashing):
    failures = []
    for probe in probes(row):
        for role in probe.expect:
            if role == quick_role(probe):
                continue  # test_hostile_input sent it every value
            failures += attack_probe(row, probe, world=world, role=role, corpus=ONE_OF_EACH_KIND)
    found = failing(failures)
    assert not found, described(row, found)


def test_field_lists_name_matrix_rows():
    """The field lists follow the matrix: a row renamed or removed there must be renamed or removed here."""
    unknown = {*BODY_FIELDS, *QUERY_FIELDS, *LIST_FIELDS, *EXTRA_PROBES} - set(MATRIX)
    assert not unknown, f"rows not in the permission matrix: {sorted(unknown)}"


def test_fingerprint_after_an_attack_sees_what_it_wrote(db):
    """The sweep re-reads only the tables the database counts as written: a write in a rolled-back savepoint leaves
    the fingerprint as it was, a write that stays shows up in its own table."""
    from centers.models import Center

    before = fingerprint()
    counted = write_counters()
    with transaction.atomic():
        Center.objects.create(code="ROLLED", name="回滚")
        transaction.set_rollback(True)
    assert fingerprint_after(before, counted) == before

    counted = write_counters()
    center = Center.objects.create(code="KEPT", name="留下")
    found = changes(before, fingerprint_after(before, counted))
    assert [(change.table.name, change.kind, change.pk) for change in found] == [
        (Center._meta.db_table, "added", center.pk)
    ]
