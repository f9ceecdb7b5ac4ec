"""Replay a database of the previous schema and migrate it forward; print what the hall then holds, as JSON.

Run in a process of its own (tests/migrations/test_forward.py starts it) against an empty database named by the
usual settings (HALL_SQLITE_PATH, or DATABASE_URL):

1. migrate to the schema of `PREVIOUS_SCHEMA` (the apps' migrations as they stood before the organisation moved
   to `centers`);
2. load the rows of `previous_schema_day.json.gz` through the models of that schema, as the old code wrote them
   (`load_demo` plus one day of tickets, made at the commit the file names);
3. migrate to the newest schema;
4. read back every row and the day's figures with today's code, at the moment the day was recorded.
"""

import datetime
import gzip
import json
import os
import sys
from collections import Counter
from pathlib import Path

import django

FIXTURE = Path(__file__).with_name("previous_schema_day.json.gz")
PREVIOUS_SCHEMA = {
    "accounts": "0001_initial",
    "licenses": "0001_initial",  # the registry's own migrations came after the move (they name centers)
    "dashboards": "0004_alert_subject_params",
    "hall": "0002_supervision",
    "matters": "0001_initial",
    "notifications": "0003_station_ticket_issued_template",
    "queueing": "0004_ticket_flow",
}
# Apps the recorded schema did not have: centers was born with the move, evaluations' models came later.
BORN_SINCE = {"centers", "evaluations"}
# Where the models of the previous schema live now.
MOVED = {
    "queueing.center": "centers.center",
    "queueing.zone": "centers.zone",
    "matters.department": "centers.department",
    "queueing.staffmembership": "accounts.staffmembership",
    "queueing.centersettings": "queueing.queueingsettings",
}


def load_document() -> dict:
    with gzip.open(FIXTURE, "rt", encoding="utf-8") as handle:
        return json.load(handle)


def migrate_to_previous_schema(connection) -> object:
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    graph = executor.loader.graph
    targets = [
        (app, PREVIOUS_SCHEMA.get(app) or max(name for leaf_app, name in graph.leaf_nodes() if leaf_app == app))
        for app in sorted({app for app, _name in graph.leaf_nodes()})
        if app not in BORN_SINCE
    ]
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def load_rows(old_apps, records: list[dict]) -> None:
    """Insert the rows as they were: keys, stored times and all (no auto_now, no defaults recomputed)."""
    from django.core.management.color import no_style
    from django.db import connection, transaction

    by_model: dict[str, list] = {}
    many_to_many: list[tuple] = []
    for record in records:
        model = old_apps.get_model(record["model"])
        for field in model._meta.concrete_fields:  # these classes are throwaway: keep the recorded times
            field.auto_now = field.auto_now_add = False
        row = model(pk=record["pk"])
        for name, value in record["fields"].items():
            field = model._meta.get_field(name)
            if field.many_to_many:
                many_to_many.append((model, field, record["pk"], value))
            elif field.is_relation:
                setattr(row, field.attname, value)
            else:
                setattr(row, name, field.to_python(value))
        by_model.setdefault(record["model"], []).append(row)
    with transaction.atomic():  # foreign keys are checked at commit, so the order of the tables does not matter
        for label, rows in by_model.items():
            model = old_apps.get_model(label)
            model.objects.all().delete()  # rows the migrations seeded (message templates) are in the record too
            model.objects.bulk_create(rows)
        for _model, field, pk, targets in many_to_many:
            through = field.remote_field.through
            source = field.m2m_field_name()
            target = field.m2m_reverse_field_name()
            through.objects.bulk_create(
                through(**{f"{source}_id": pk, f"{target}_id": target_pk}) for target_pk in targets
            )
    models = [old_apps.get_model(label) for label in by_model]
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(statement)


def migrate_to_newest(connection) -> None:
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def read_back(document: dict) -> dict:
    """Every row of the recorded models, and the day's figures as today's code computes them."""
    import time_machine
    from django.apps import apps

    expected = document["expected"]
    counts = Counter(record["model"] for record in document["records"])
    found = {}
    for old_label in counts:
        model = apps.get_model(MOVED.get(old_label, old_label))
        found[old_label] = model.objects.count()
    with time_machine.travel(datetime.datetime.fromisoformat(expected["now"]), tick=False):
        figures = read_figures(expected)
    return {"recorded": dict(counts), "found": found, "organisation": read_organisation(), **figures}


def read_organisation() -> dict:
    from accounts.models import StaffMembership
    from centers.models import Center, Department, Zone
    from queueing.models import QueueingSettings, Window

    return {
        "centers": sorted(Center.objects.values_list("code", "name", "level", "parent__code")),
        "zones": sorted(Zone.objects.values_list("center__code", "code", "name")),
        "departments": sorted(Department.objects.values_list("code", "name")),
        "memberships": sorted(
            StaffMembership.objects.values_list("user__username", "center__code", "role", "department__code"),
            key=str,
        ),
        "windows": sorted(
            Window.objects.values_list("center__code", "number", "zone__code", "department__code"), key=str
        ),
        "settings_centers": sorted(QueueingSettings.objects.values_list("center__code", flat=True)),
    }


def read_figures(expected: dict) -> dict:
    from centers.models import Center
    from dashboards.selectors import figures
    from queueing.models import Queue, Ticket, Window
    from queueing.services.counters import counters_check_today

    day = datetime.date.fromisoformat(expected["day"])
    center = Center.objects.get(code=expected["center_code"])
    per_queue = {}
    for queue in Queue.objects.filter(center=center):
        tickets = Ticket.objects.filter(queue=queue, service_date=day)
        per_queue[queue.prefix] = {
            "issued": tickets.filter(transferred_from__isnull=True).count(),
            "finished": tickets.filter(status="finished").count(),
            "waiting": tickets.filter(status="waiting").count(),
            "at_windows": tickets.filter(status__in=["called", "serving"]).count(),
            "no_show": tickets.filter(status="no_show").count(),
            "transferred": tickets.filter(status="transferred").count(),
        }
    served = {
        str(window.number): Ticket.objects.filter(window=window, status="finished", service_date=day).count()
        for window in Window.objects.filter(center=center).exclude(kind="tidal")  # as recorded
    }
    # The counters are derived data: the upgrade drops them and the periodic check rebuilds today's.
    rebuilt = counters_check_today()
    return {
        "totals": figures.center_totals(center_id=center.pk),
        "per_queue": per_queue,
        "served_per_window": served,
        "counter_rows_rebuilt": rebuilt,
        "counter_rows_off_after": counters_check_today(),
    }


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hall.settings")
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    django.setup()
    from django.db import connection

    document = load_document()
    old_apps = migrate_to_previous_schema(connection)
    load_rows(old_apps, document["records"])
    migrate_to_newest(connection)
    json.dump(read_back(document), sys.stdout, ensure_ascii=False, default=str)


if __name__ == "__main__":
    main()
