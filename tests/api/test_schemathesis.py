"""The REST API against its own OpenAPI schema: Schemathesis (v4) fuzzes every operation of `/api/schema/`, anonymous
and as each role of the permission matrix, and proves that the API gives

    * no server error (`not_a_server_error`);
    * no status that the operation does not document (`status_code_conformance`): every 4xx is in the schema;
    * no body, content type or header outside the schema (`response_schema_conformance`, `content_type_conformance`,
      `response_headers_conformance`);
    * a 405 with `Allow` for a method the schema does not list (`unsupported_method`, `allow_header_conformance`).

    Each role runs as one test (`test_api_conforms_to_its_schema[<role>]`) with one subtest per operation. Both
    generation modes run, positive and negative, in the examples, coverage and fuzzing phases.

How it runs
    In-process, through Django's WSGI handler (`django.core.wsgi.get_wsgi_application()`; the project has no
    `hall/wsgi.py`). WSGI rather than `hall.asgi.application`: Schemathesis calls a WSGI application synchronously
    in the test's own thread, so the application uses the test's database connection and each case can run inside a
    transaction that is rolled back. Under ASGI the request runs on Schemathesis's event-loop thread and Django's
    sync-to-async worker, on another connection, and `hall.asgi.application` starts the hall's periodic jobs.

The world
    `build_world()` of the permission matrix: a centre with a sub-site and an unrelated centre, a clerk signed in to
    window 1 serving A001, A002 waiting, a citizen with a booking for tomorrow and one for today (checkable now).
    The test is transactional (`django_db(transaction=True)`, flushed by pytest-django afterwards); the world is
    seeded once per role test, and every generated case runs in a transaction that is rolled back, so every case of
    every operation meets the same world (and Hypothesis can replay and shrink a failure: nothing drifts).
    The callbacks a request leaves for commit (live events, SMS) run before the rollback.

Real ids
    A `flatmap_case` hook lets Hypothesis replace each id it generated (path parameters, ids in the body, the
    check-in code, the date of the slot list, the idempotency key, the identity and mobile numbers of a ticket)
    with one of the world's, or keep its own: most cases reach past `get_object_or_404` and the serializers into
    the services, some still ask for rows that do not exist. The coverage phase's cases are fixed in advance: a
    `map_case` hook gives them the world's values in turn, except in the part a negative case breaks on purpose
    (a path id `0.5`, `null` or `%C2%84` stays, to test the routing).

Roles
    Each role's user signs in once; its requests carry the session cookie and a CSRF cookie with the matching
    `X-CSRFToken` header, as the pages' scripts send them. Two device roles send a device token instead: a kiosk of
    the centre (may give out numbers) and the terminal of window 1 (may call there, for the clerk signed in to it).
    These headers replace the credentials Schemathesis generates from the schema's security schemes; the anonymous
    role sends those generated credentials (none, or garbage bearer tokens and session cookies), which fuzzes the
    authentication itself.

Repeatable
    A fixed seed, deterministic generation (`derandomize`, no example database) and a fixed number of examples per
    operation and mode: CI sees the same cases on every run.
"""

from __future__ import annotations

import datetime
import itertools
import logging
import traceback

import hypothesis.strategies as st
import pytest
import schemathesis
from django.conf import settings
from django.core.cache import cache
from django.core.signals import got_request_exception, request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, connections, transaction
from django.test import Client, TestCase
from django.utils import timezone
from django.utils.crypto import get_random_string
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    allow_header_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
    unsupported_method,
)

from centers.models import Center
from queueing.models import Appointment, Device, Window
from tests.factories import device_token
from tests.test_permission_matrix import OTHER_SUPERVISOR, ROLES, build_world

# `serialized_rollback`: pytest-django flushes the database after each transactional test, and with it the rows the
# migrations create (the SMS templates); each role's test gets them back before the world is seeded.
pytestmark = [
    pytest.mark.slow,
    pytest.mark.exhaustive,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SCHEMA_URL = "/api/schema/?format=json"
MAX_EXAMPLES = 25  # per operation, role and generation mode of the fuzzing phase

CONFIG = schemathesis.Config.from_dict(
    {
        "seed": 20261013,
        "generation": {"mode": "all", "max-examples": MAX_EXAMPLES, "deterministic": True},
        # The examples, coverage and fuzzing phases run; the stateful phase needs links between operations, which
        # the schema does not declare.
        "phases": {"stateful": {"enabled": False}},
    }
)

# The checks that must hold for every response: the five of the module's docstring, and two about methods the schema
# does not list (405 with an `Allow` header, or 401/403 first when the operation needs a login; `Allow` on OPTIONS
# lists exactly the documented methods). Schemathesis's other checks cannot hold by design, or do not apply:
#   negative_data_rejection  the hooks put the world's ids into negative cases, which makes them valid; and the API
#                            accepts on purpose some values the schema calls invalid: an empty `date` is today (as an
#                            absent one), ids sent as strings ("12") where the schema says integer, properties it
#                            does not know (Django REST framework ignores them);
#   positive_data_acceptance valid requests are refused by design: 401/403 for the wrong role, 404 for an id that is
#                            no row, 409 for a ticket or window in another state, 400 for a rule of the hall or for a
#                            format the schema does not spell out (a mobile number, an identity number);
#   ignored_auth             it sends requests of its own, after the case's transaction is rolled back, and so would
#                            change the world; the anonymous role (no credentials, and Schemathesis's generated Basic
#                            credentials) covers the same ground;
#   use_after_free, ensure_resource_availability
#                            stateful: the schema has no links from an operation that creates to one that reads;
#   missing_required_header  the only header parameter (`Idempotency-Key`) is optional: nothing to check;
#   max_response_time        timing is not a property of the schema, and CI machines vary.
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    response_schema_conformance,
    content_type_conformance,
    response_headers_conformance,
    unsupported_method,
    allow_header_conformance,
]
KIOSK_DEVICE, WINDOW_TERMINAL = "kiosk_device", "window_terminal"
ALL_ROLES = (*ROLES, OTHER_SUPERVISOR, KIOSK_DEVICE, WINDOW_TERMINAL)


@pytest.fixture(scope="module")
def wsgi_app():
    """Django's WSGI handler, without its connection housekeeping: after each request it would close the test's
    database connection (and with it the case's transaction), as Django's own test client prevents too."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield get_wsgi_application()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture(scope="module", autouse=True)
def _migrated_rows_back(django_db_blocker):
    """The flush after the last role's test also removes the rows the migrations create (SMS templates): put them
    back, so that the tests after this module find the database as the migrations left it."""
    yield
    with django_db_blocker.unblock():
        for connection in connections.all():
            contents = getattr(connection, "_test_serialized_contents", None)
            if contents:
                connection.creation.deserialize_db_from_string(contents)


@pytest.fixture(autouse=True)
def _quiet_refusals():
    """Thousands of refused requests: their warnings (django.request 4xx, axes's failed logins) are not news; a 500
    is still logged, with its traceback."""
    loggers = [logging.getLogger(name) for name in ("django.request", "axes")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.ERROR)
    yield
    for logger, level in zip(loggers, levels, strict=True):
        logger.setLevel(level)


@pytest.fixture(params=ALL_ROLES)
def role(request) -> str:
    return request.param


@pytest.fixture
def world(transactional_db):
    world = build_world()
    today = Appointment.objects.get(code="222222")
    world.ids.update(today_appointment=today.pk, today_slot=today.slot_id)
    return world


def real_values(world) -> dict[str, dict[str, list]]:
    """Where each of the world's ids goes: path parameters (strings), body properties, query and header values."""
    ids = world.ids
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    return {
        "path": {
            name: [str(value) for value in values]
            for name, values in {
                "center_id": [ids["center"], ids["sub"], ids["other"]],
                "queue_id": [ids["queue"], ids["sub_queue"]],
                "window_id": [ids["w1"], ids["w2"], ids["ws"], ids["ws2"], ids["tidal"]],
                "ticket_id": [ids["t1"], ids["t2"], ids["citizen_ticket"]],
                "appointment_id": [ids["appointment"], ids["today_appointment"]],
            }.items()
        },
        "body": {
            "queue": [ids["queue"], ids["sub_queue"]],
            "to_queue": [ids["queue"], ids["sub_queue"], None],
            "to_window": [ids["w2"], ids["ws"], None],
            "ticket": [ids["t2"], ids["t1"], ids["citizen_ticket"]],
            "slot": [ids["slot"], ids["today_slot"]],
            "center": [ids["center"], ids["sub"]],
            "code": ["222222", "111111"],
            "id_number": ["", "11010519491231002X"],
            "mobile": ["", "13800138000"],
        },
        "query": {"date": [tomorrow.isoformat(), timezone.localdate().isoformat()]},
        "headers": {"Idempotency-Key": ["schemathesis-key-0001", "schemathesis-key-0002"]},
    }


def _containers(case) -> dict:
    """The parts of a request the world's values go to, by the name `real_values` gives them."""
    return {"path": case.path_parameters, "body": case.body, "query": case.query, "headers": case.headers}


LOCATIONS = {"path": "path", "body": "body", "query": "query", "headers": "header"}


def _phase(case) -> str | None:
    return case.meta.phase.name.value if case.meta is not None else None


@pytest.fixture
def api_schema(wsgi_app, role, world):
    schema = schemathesis.openapi.from_wsgi(SCHEMA_URL, wsgi_app, config=CONFIG)
    values = real_values(world)
    turns = {
        (where, name): itertools.cycle(choices) for where, names in values.items() for name, choices in names.items()
    }

    @schema.hook
    def flatmap_case(context, case):
        """Fuzzing: Hypothesis picks the world's value or keeps the generated one."""
        if _phase(case) == "coverage":
            return st.just(case)
        strategies = {}
        for where, container in _containers(case).items():
            if not hasattr(container, "keys"):  # a negative body may be a list, a string, null
                continue
            for name, choices in values[where].items():
                if name in container:
                    strategies[(where, name)] = st.sampled_from([*choices, container[name]])
        if not strategies:
            return st.just(case)

        def apply(chosen):
            for (where, name), value in chosen.items():
                _containers(case)[where][name] = value
            return case

        return st.fixed_dictionaries(strategies).map(apply)

    @schema.hook
    def map_case(context, case):
        """Coverage: the world's values, in turn, everywhere but in the part a negative case breaks on purpose."""
        if _phase(case) != "coverage":
            return case
        broken = None
        if case.meta.generation.mode.is_negative:
            # The part it breaks ("path", "body", "query", "header"); when it does not say, nothing is replaced.
            broken = getattr(case.meta.phase.data.parameter_location, "value", None) or "anything"
        for where, container in _containers(case).items():
            if broken in (LOCATIONS[where], "anything") or not hasattr(container, "keys"):
                continue
            for name in values[where]:
                if name in container:
                    container[name] = next(turns[(where, name)])
        return case

    return schema


def credentials(world, role) -> dict[str, str]:
    """The headers `role` signs its requests with: a device token, or a session with its CSRF pair."""
    center = Center.objects.get(pk=world.ids["center"])
    if role == KIOSK_DEVICE:
        return {"Authorization": f"Bearer {device_token(center, Device.Capability.ISSUE)}"}
    if role == WINDOW_TERMINAL:
        window = Window.objects.get(pk=world.ids["w1"])
        token = device_token(center, Device.Capability.CALL, window=window, name="1号窗口呼叫器")
        return {"Authorization": f"Bearer {token}"}
    user = world.users.get(role)
    if user is None:
        return {}
    browser = Client()
    browser.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    csrf = get_random_string(32)
    cookies = f"{settings.SESSION_COOKIE_NAME}={browser.session.session_key}; {settings.CSRF_COOKIE_NAME}={csrf}"
    return {"Cookie": cookies, "X-CSRFToken": csrf}


@pytest.fixture(autouse=True)
def _node_id_for_lazy_schema(request):
    """Schemathesis 4.32's lazy schemas read and rename `Node._nodeid`, which pytest 9.2 keeps as `_id`."""
    if not hasattr(request.node, "_nodeid"):
        request.node._nodeid = request.node.nodeid


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
def test_api_conforms_to_its_schema(case, role, world):
    headers = credentials(world, role)
    crashes = []

    def record(sender, request=None, **kwargs):
        crashes.append(traceback.format_exc())

    got_request_exception.connect(record, weak=False)
    cache.clear()  # throttles count per client address: every case starts afresh
    try:
        with transaction.atomic():
            with TestCase.captureOnCommitCallbacks(execute=True):
                response = case.call(headers=headers)
            transaction.set_rollback(True)
        case.validate_response(response, checks=CHECKS, headers=headers)  # raises what a check found
        assert not crashes, "the server raised while answering"
    except BaseException as error:  # a FailureGroup is a BaseExceptionGroup
        for text in crashes:  # the server's traceback, with the application line of a 500
            error.add_note(text)
        raise
    finally:
        got_request_exception.disconnect(record)
