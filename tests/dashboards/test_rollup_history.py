"""`manage.py rollup_history`: the daily rollups of days the periodic job no longer reaches (it looks back a week)."""

import datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from dashboards import tasks
from dashboards.management.commands.rollup_history import Command
from dashboards.models import DailyQueueStat, DailyWindowStat
from queueing.models import Ticket
from tests.factories import CenterFactory, QueueFactory, WindowFactory, clerk_of, ticket_of_day

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime.datetime(2026, 3, 20, 10, 0, tzinfo=TZ)
TODAY = NOW.date()
OLD_DAY = TODAY - datetime.timedelta(days=20)  # 2026-02-28: far beyond the periodic job's week

pytestmark = pytest.mark.usefixtures("frozen")


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def make_ticket(queue, day, issued, *, finished=None, **fields):
    """A ticket of an earlier day: finished, or expired at that day's end."""
    status = Ticket.Status.FINISHED if finished else Ticket.Status.EXPIRED
    return ticket_of_day(queue, day, issued, finished=finished, status=status, **fields)


@pytest.fixture
def halls(db):
    """Two centres with a queue and a window each; the first has three tickets 20 days ago, two of them served."""
    east = CenterFactory(code="DC", name="东城区政务服务中心")
    west = CenterFactory(code="XC", name="西城区政务服务中心")
    queues, windows = {}, {}
    for center in (east, west):
        queues[center.code] = QueueFactory(center=center, prefix="A", name="商事登记")
        windows[center.code] = WindowFactory(center=center, zone=queues[center.code].zone, serves=[queues[center.code]])
    clerk = clerk_of(east, "clerk1")
    q, w = queues["DC"], windows["DC"]
    make_ticket(q, OLD_DAY, "09:00", called="09:10", finished="09:25", window=w, clerk=clerk)
    make_ticket(q, OLD_DAY, "09:05", called="09:30", finished="09:40", window=w, clerk=clerk)
    make_ticket(q, OLD_DAY, "10:00")  # never called
    make_ticket(queues["XC"], OLD_DAY + datetime.timedelta(days=2), "11:00")
    make_ticket(q, TODAY, "08:30")  # today is counted live, never rolled up
    return {"east": east, "west": west, "queues": queues, "windows": windows, "clerk": clerk}


def run(*args) -> str:
    out = StringIO()
    call_command("rollup_history", *args, stdout=out)
    return out.getvalue()


def rows(model, **filters) -> list[dict]:
    """The rollup rows as data, without what changes on every run (ids, computation time)."""
    return sorted(
        (
            {k: v for k, v in row.items() if k not in ("id", "computed_at")}
            for row in model.objects.filter(**filters).values()
        ),
        key=repr,
    )


def zh(message: str, **values) -> str:
    """What the command prints for `message` in the hall's language, whether or not the catalogue has it yet."""
    with translation.override("zh-hans"):
        return translation.gettext(message) % values


LINE = (
    "%(date)s: %(centers)d centre(s), %(issued)d issued, %(served)d served, "
    "%(queue_rows)d queue rows and %(window_rows)d window rows written"
)


def test_a_day_twenty_days_ago_gets_its_rows(halls):
    tasks.daily_rollups()  # the periodic job looks back a week only
    assert not DailyQueueStat.objects.filter(date__lt=TODAY - datetime.timedelta(days=7)).exists()

    with translation.override("zh-hans"):
        output = run()  # default range: the oldest ticket's day to yesterday

    stat = DailyQueueStat.objects.get(date=OLD_DAY)
    assert (stat.center, stat.queue) == (halls["east"], halls["queues"]["DC"])
    assert (stat.issued, stat.served, stat.waited_count) == (3, 2, 2)
    assert stat.wait_seconds_sum == (10 + 25) * 60 and stat.service_seconds_sum == (15 + 10) * 60
    assert sum(stat.hourly_intake) == 3 and stat.hourly_intake[9] == 2 and stat.hourly_intake[10] == 1
    window_stat = DailyWindowStat.objects.get(date=OLD_DAY)
    assert (window_stat.window, window_stat.clerk, window_stat.served) == (halls["windows"]["DC"], halls["clerk"], 2)
    assert DailyQueueStat.objects.get(date=OLD_DAY + datetime.timedelta(days=2)).center == halls["west"]
    assert not DailyQueueStat.objects.filter(date=TODAY).exists()

    lines = output.strip().splitlines()
    assert len(lines) == 20 + 1  # one line per day from 2026-02-28 to yesterday, then the summary
    values = {"centers": 1, "issued": 3, "served": 2, "queue_rows": 1, "window_rows": 1}
    assert lines[0] == zh(LINE, date="2026-02-28", **values)
    assert lines[1] == zh("%(date)s: no tickets, nothing written", date="2026-03-01")
    assert lines[-1] == zh(
        "%(days)d day(s) rolled up, %(first)s to %(last)s.", days=20, first="2026-02-28", last="2026-03-19"
    )


def test_running_it_again_replaces_the_rows_and_never_duplicates_them(halls):
    run("--from", "2026-02-28", "--to", "2026-03-02")
    queue_rows, window_rows = rows(DailyQueueStat), rows(DailyWindowStat)
    assert len(queue_rows) == 2 and len(window_rows) == 1

    late = make_ticket(halls["queues"]["DC"], OLD_DAY, "15:00")  # a ticket imported late
    run("--from", "2026-02-28", "--to", "2026-03-02")
    run("--from", "2026-02-28", "--to", "2026-02-28")
    assert DailyQueueStat.objects.count() == 2 and rows(DailyWindowStat) == window_rows
    assert DailyQueueStat.objects.get(date=OLD_DAY).issued == 4
    late.delete()
    run("--from", "2026-02-28", "--to", "2026-03-02")
    assert rows(DailyQueueStat) == queue_rows


def test_one_centre_by_its_code(halls):
    output = run("--center", "XC")
    assert set(DailyQueueStat.objects.values_list("center__code", "date")) == {("XC", datetime.date(2026, 3, 2))}
    assert output.splitlines()[0].startswith("2026-03-02")  # the range starts at that centre's oldest ticket


def test_days_without_tickets_keep_their_rollup(halls):
    """Tickets may be archived once rolled up: their day's statistics must survive a later backfill."""
    run("--from", "2026-02-28", "--to", "2026-02-28")
    before = rows(DailyQueueStat)
    Ticket.objects.filter(service_date=OLD_DAY).delete()
    run("--from", "2026-02-28", "--to", "2026-02-28")
    assert rows(DailyQueueStat) == before


@pytest.mark.parametrize(
    ("args", "message", "values"),
    [
        (
            ["--from", "2026-02-30"],
            "%(option)s: “%(value)s” is not a date; write it as YYYY-MM-DD, for example 2026-03-01.",
            {"option": "--from", "value": "2026-02-30"},
        ),
        (
            ["--to", "28/02/2026"],
            "%(option)s: “%(value)s” is not a date; write it as YYYY-MM-DD, for example 2026-03-01.",
            {"option": "--to", "value": "28/02/2026"},
        ),
        (
            ["--from", "2026-03-10", "--to", "2026-03-01"],
            "The first day (%(first)s) is after the last day (%(last)s).",
            {"first": "2026-03-10", "last": "2026-03-01"},
        ),
        (
            ["--to", "2026-03-20"],
            "The last day must be before today (%(today)s): today is counted live, not rolled up.",
            {"today": "2026-03-20"},
        ),
        (["--center", "NOPE"], "No centre has the code “%(code)s”.", {"code": "NOPE"}),
    ],
)
def test_bad_input_is_refused_with_a_message_and_nothing_is_written(halls, args, message, values):
    with translation.override("zh-hans"), pytest.raises(CommandError) as refused:
        run(*args)
    assert str(refused.value) == zh(message, **values)
    assert not DailyQueueStat.objects.exists() and not DailyWindowStat.objects.exists()


def test_from_the_command_line_bad_input_exits_non_zero_without_a_traceback(halls, capsys, monkeypatch):
    # run_from_argv closes the database connections when done; inside the test's transaction it must not.
    monkeypatch.setattr("django.core.management.base.connections.close_all", lambda: None)
    with translation.override("zh-hans"), pytest.raises(SystemExit) as exited:
        Command().run_from_argv(["manage.py", "rollup_history", "--center", "NOPE"])
    assert exited.value.code == 1
    stderr = capsys.readouterr().err
    assert zh("No centre has the code “%(code)s”.", code="NOPE") in stderr and "Traceback" not in stderr
    assert not DailyQueueStat.objects.exists()


def test_nothing_to_roll_up_when_there_are_no_past_tickets(db):
    with translation.override("zh-hans"):
        output = run()
    assert output.strip() == zh("No tickets up to %(last)s: nothing to roll up.", last="2026-03-19")
    assert not DailyQueueStat.objects.exists()
