"""History statistics: daily rollups, the month selector (rollups + live today), the pages and their exports."""

import csv
import datetime
import io
from zoneinfo import ZoneInfo

import openpyxl
import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import StaffMembership, StaffRole
from dashboards import tasks
from dashboards.models import DailyQueueStat, DailyWindowStat
from dashboards.selectors.history import HistoryFilters, history_report
from dashboards.services.rollups import stats_rollup_day, stats_rollup_recent_days
from queueing import services
from queueing.models import Ticket
from tests.factories import (
    CenterFactory,
    DepartmentFactory,
    MatterFactory,
    QueueFactory,
    UserFactory,
    WindowFactory,
    ZoneFactory,
    at,
    clerk_of,
    ticket_of_day,
)

TZ = ZoneInfo("Asia/Shanghai")
DAY = datetime.date(2026, 3, 10)
TODAY = datetime.date(2026, 3, 20)


@pytest.fixture
def hall(db):
    """A centre with two zones and queues, two windows (the second of the tax bureau) and two named clerks."""
    center = CenterFactory(name="东城区政务服务中心")
    zone_a = ZoneFactory(center=center, name="商事登记区")
    zone_b = ZoneFactory(center=center, name="税务区")
    queue_a = QueueFactory(center=center, zone=zone_a, prefix="A", name="商事登记")
    queue_b = QueueFactory(center=center, zone=zone_b, prefix="B", name="税务办理")
    market = DepartmentFactory(name="市场监督管理局")
    tax = DepartmentFactory(name="税务局")
    w1 = WindowFactory(center=center, zone=zone_a, number=1, name="综合受理", serves=[queue_a])
    w2 = WindowFactory(center=center, zone=zone_b, number=2, name="税务窗口", department=tax, serves=[queue_a, queue_b])
    c1 = clerk_of(center, "clerk1")
    c1.first_name, c1.last_name = "张伟", ""
    c1.save()
    c2 = clerk_of(center, "clerk2")
    c2.first_name, c2.last_name = "李娜", ""
    c2.save()
    matter = MatterFactory(department=market, name="企业设立登记")
    queue_a.matters.add(matter)
    return {
        "center": center,
        "zone_a": zone_a,
        "zone_b": zone_b,
        "queue_a": queue_a,
        "queue_b": queue_b,
        "market": market,
        "tax": tax,
        "matter": matter,
        "w1": w1,
        "w2": w2,
        "c1": c1,
        "c2": c2,
    }


def build_day(hall, day=DAY):
    """Five citizens: waits 3, 12, 70 (no-show), 20 (transferred on, then served) minutes, and one never called."""
    h = hall
    finished = Ticket.Status.FINISHED
    ticket_of_day(
        h["queue_a"], day, "09:05", called="09:08", finished="09:20", status=finished,
        window=h["w1"], clerk=h["c1"], matter=h["matter"],
    )  # fmt: skip
    ticket_of_day(
        h["queue_a"], day, "09:30", called="09:42", finished="09:50", status=finished,
        window=h["w2"], clerk=h["c2"], matter=h["matter"],
    )  # fmt: skip
    ticket_of_day(
        h["queue_a"], day, "10:10", called="11:20", status=Ticket.Status.EXPIRED,
        window=h["w1"], clerk=h["c1"], no_show_at=at(day, "11:30"),
    )  # fmt: skip
    ticket_of_day(h["queue_a"], day, "10:20", status=Ticket.Status.EXPIRED)
    first = ticket_of_day(
        h["queue_a"], day, "11:00", called="11:20", finished="11:25", status=Ticket.Status.TRANSFERRED,
        window=h["w1"], clerk=h["c1"],
    )  # fmt: skip
    ticket_of_day(
        h["queue_b"], day, "11:00", called="11:40", finished="11:55", status=finished,
        window=h["w2"], clerk=h["c2"], transferred_from=first,
    )  # fmt: skip


def rollup_totals(day=DAY) -> dict:
    rows = DailyQueueStat.objects.filter(date=day)
    fields = ["issued", "served", "no_show", "waited_count", "wait_seconds_sum", "service_seconds_sum"]
    totals = rows.aggregate(**{name: Sum(name) for name in fields})
    buckets, intake, served = {}, [0] * 24, [0] * 24
    for row in rows:
        for key, count in row.wait_buckets.items():
            buckets[key] = buckets.get(key, 0) + count
        intake = [a + b for a, b in zip(intake, row.hourly_intake, strict=True)]
        served = [a + b for a, b in zip(served, row.hourly_served, strict=True)]
    return {**totals, "buckets": buckets, "intake": intake, "served_hours": served, "rows": rows.count()}


# ---- Rollups --------------------------------------------------------------------------------------------------------


@time_machine.travel(datetime.datetime(2026, 3, 11, 9, 0, tzinfo=TZ), tick=False)
def test_rollup_of_a_day_counts_tickets_waits_and_hours(hall):
    build_day(hall)
    assert stats_rollup_day(center_id=hall["center"].pk, date=DAY) == 3  # (A, market), (A, none), (B, tax)

    totals = rollup_totals()
    assert totals["issued"] == 5  # the transferred citizen counts once
    assert totals["served"] == 3
    assert totals["no_show"] == 1
    assert totals["waited_count"] == 4
    assert totals["wait_seconds_sum"] == (3 + 12 + 70 + 20) * 60
    assert totals["service_seconds_sum"] == (12 + 8 + 15) * 60
    assert totals["buckets"] == {"0": 1, "5": 0, "10": 1, "15": 1, "30": 0, "60": 1}
    assert totals["intake"][9] == 2 and totals["intake"][10] == 2 and totals["intake"][11] == 1
    assert sum(totals["intake"]) == 5
    assert totals["served_hours"][9] == 2 and totals["served_hours"][11] == 1 and sum(totals["served_hours"]) == 3

    market_row = DailyQueueStat.objects.get(date=DAY, queue=hall["queue_a"], department=hall["market"])
    assert (market_row.issued, market_row.served, market_row.wait_max_seconds) == (2, 2, 12 * 60)
    tax_row = DailyQueueStat.objects.get(date=DAY, queue=hall["queue_b"])
    assert tax_row.department == hall["tax"]  # no matter: the department of the window that served it
    assert tax_row.zone == hall["zone_b"] and (tax_row.issued, tax_row.served) == (0, 1)

    per_window = (
        DailyWindowStat.objects.filter(date=DAY)
        .values("window__number")
        .annotate(served=Sum("served"), seconds=Sum("service_seconds_sum"))
    )
    assert {row["window__number"]: (row["served"], row["seconds"]) for row in per_window} == {
        1: (1, 12 * 60),
        2: (2, (8 + 15) * 60),
    }


@time_machine.travel(datetime.datetime(2026, 3, 11, 9, 0, tzinfo=TZ), tick=False)
def test_running_the_rollup_again_replaces_the_day(hall):
    build_day(hall)
    stats_rollup_day(center_id=hall["center"].pk, date=DAY)
    first = rollup_totals()
    stats_rollup_day(date=DAY)  # every centre, again
    stats_rollup_day(center_id=hall["center"].pk, date=DAY)
    assert rollup_totals() == first
    assert DailyWindowStat.objects.filter(date=DAY).count() == 3


@time_machine.travel(datetime.datetime(2026, 3, 20, 8, 0, tzinfo=TZ), tick=False)
def test_the_periodic_job_rolls_up_yesterday_and_missed_days_of_the_last_week(hall):
    for day in (datetime.date(2026, 3, 19), datetime.date(2026, 3, 15), datetime.date(2026, 3, 1)):
        ticket_of_day(hall["queue_a"], day, "09:00")
    result = tasks.daily_rollups()
    assert "1 earlier days caught up" in result
    rolled = set(DailyQueueStat.objects.values_list("date", flat=True))
    assert rolled == {datetime.date(2026, 3, 19), datetime.date(2026, 3, 15)}

    ticket_of_day(hall["queue_a"], datetime.date(2026, 3, 19), "23:50")  # yesterday is rolled up again each run
    assert "0 earlier days caught up" in stats_rollup_recent_days()
    assert DailyQueueStat.objects.get(date=datetime.date(2026, 3, 19)).issued == 2
    assert settings.HALL_PERIODIC_JOBS["dashboards.daily_rollups"] == 1800.0


# ---- The selector ----------------------------------------------------------------------------------------------------


def month(hall, **filters) -> HistoryFilters:
    values = {
        "center_id": hall["center"].pk,
        "date_from": datetime.date(2026, 3, 1),
        "date_to": datetime.date(2026, 3, 31),
    } | filters
    return HistoryFilters(**values)


@time_machine.travel(datetime.datetime(2026, 3, 20, 15, 0, tzinfo=TZ), tick=False)
def test_a_month_combines_rollups_days_not_rolled_up_and_today_live(hall):
    h = hall
    build_day(h)
    stats_rollup_day(center_id=h["center"].pk, date=DAY)
    Ticket.objects.filter(service_date=DAY).delete()  # from now on the 10th exists only in its rollup
    other_day = datetime.date(2026, 3, 12)  # not rolled up (the job was off): counted live
    ticket_of_day(
        h["queue_b"], other_day, "14:00", called="14:20", finished="14:30",
        status=Ticket.Status.FINISHED, window=h["w2"], clerk=h["c2"],
    )  # fmt: skip
    ticket_of_day(
        h["queue_a"], TODAY, "09:00", called="09:04", finished="09:10",
        status=Ticket.Status.FINISHED, window=h["w1"], clerk=h["c1"], matter=h["matter"],
    )  # fmt: skip
    ticket_of_day(h["queue_a"], TODAY, "14:50")

    report = history_report(month(h))

    assert (report.totals.issued, report.totals.served, report.totals.no_show) == (8, 5, 1)
    assert report.totals.waited_count == 6
    assert report.totals.mean_wait_minutes == round((3 + 12 + 70 + 20 + 20 + 4) / 6, 1)
    assert report.totals.longest_wait_minutes == 70
    assert report.totals.mean_service_minutes == round((12 + 8 + 15 + 10 + 6) / 5, 1)
    assert len(report.periods) == 20  # the 1st to today
    days = {row.start.day: row for row in report.periods}
    assert (days[10].figures.issued, days[10].live) == (5, False)
    assert (days[12].figures.served, days[12].live) == (1, True)
    assert (days[20].figures.issued, days[20].live) == (2, True)
    assert days[11].figures.issued == 0
    assert sum(report.hourly_intake) == 8 and report.hourly_intake[14] == 2
    assert report.hourly_served[9] == 3 and report.hourly_served[14] == 1
    # 0–5, 5–10, 10–15, 15–30, 30–60, over 60 minutes
    assert [count for _label, count in report.wait_buckets] == [2, 0, 1, 2, 0, 1]
    assert [(row.order, row.detail, row.served) for row in report.windows] == [(1, "商事登记区", 2), (2, "税务区", 3)]
    assert "综合受理" in report.windows[0].label
    assert {row.label: (row.served, row.mean_service_minutes) for row in report.clerks} == {
        "李娜": (3, round((8 + 15 + 10) / 3, 1)),
        "张伟": (2, 9.0),
    }
    assert report.today_included


@time_machine.travel(datetime.datetime(2026, 3, 20, 15, 0, tzinfo=TZ), tick=False)
def test_zone_department_and_month_granularity(hall):
    h = hall
    build_day(h)
    stats_rollup_day(center_id=h["center"].pk, date=DAY)
    build_day(h, day=TODAY)  # live

    by_zone = history_report(month(h, zone_id=h["zone_b"].pk))
    assert (by_zone.totals.issued, by_zone.totals.served) == (0, 2)
    assert [row.served for row in by_zone.windows] == [2]

    by_department = history_report(month(h, department_id=h["market"].pk))
    assert (by_department.totals.issued, by_department.totals.served) == (4, 4)
    assert {row.label: row.served for row in by_department.clerks} == {"张伟": 2, "李娜": 2}

    months = history_report(
        month(h, date_from=datetime.date(2026, 2, 1), granularity="month", department_id=h["tax"].pk)
    )
    assert [(row.label, row.figures.served) for row in months.periods] == [("2026-02", 0), ("2026-03", 2)]


def test_the_live_figures_of_a_day_equal_its_rollup(hall):
    """The same day seen live and from its rollup, made through the real services (issue, call, transfer…)."""
    h = hall
    center = h["center"]
    with time_machine.travel(datetime.datetime(2026, 3, 10, 8, 55, tzinfo=TZ), tick=False) as clock:
        services.window_sign_in(window=h["w1"], clerk=h["c1"])
        services.window_sign_in(window=h["w2"], clerk=h["c2"])
        issued = [
            services.ticket_issue(queue=h["queue_a"], channel=Ticket.Channel.KIOSK, matter=h["matter"]),
            services.ticket_issue(queue=h["queue_a"], channel=Ticket.Channel.KIOSK),
            services.ticket_issue(queue=h["queue_a"], channel=Ticket.Channel.WEB),
        ]
        clock.move_to(at(DAY, "09:07"))
        first = services.window_call_next(window=h["w1"], clerk=h["c1"])
        second = services.window_call_next(window=h["w2"], clerk=h["c2"])
        clock.move_to(at(DAY, "09:19"))
        services.ticket_finish(ticket=first, clerk=h["c1"])
        onward = services.ticket_transfer(ticket=second, clerk=h["c2"], to_queue=h["queue_b"])
        clock.move_to(at(DAY, "09:40"))
        third = services.window_call_next(window=h["w1"], clerk=h["c1"])
        services.ticket_no_show(ticket=third, clerk=h["c1"])
        again = services.window_call_next(window=h["w2"], clerk=h["c2"])
        assert again.pk == onward.pk
        clock.move_to(at(DAY, "10:05"))
        services.ticket_finish(ticket=again, clerk=h["c2"])
        assert {t.pk for t in issued} == {first.pk, second.pk, third.pk}

        clock.move_to(datetime.datetime(2026, 3, 11, 10, 0, tzinfo=TZ))
        filters = HistoryFilters(center_id=center.pk, date_from=DAY, date_to=DAY)
        live = history_report(filters)
        stats_rollup_day(center_id=center.pk, date=DAY)
        rolled = history_report(filters)

    assert live.periods[0].live and not rolled.periods[0].live
    assert (live.totals.issued, live.totals.served, live.totals.no_show) == (3, 2, 1)
    assert live.totals == rolled.totals
    assert live.hourly_intake == rolled.hourly_intake and live.hourly_served == rolled.hourly_served
    assert live.wait_buckets == rolled.wait_buckets
    assert live.windows == rolled.windows and live.clerks == rolled.clerks


def report_queries(filters) -> int:
    with CaptureQueriesContext(connection) as queries:
        history_report(filters)
    return len(queries)


@time_machine.travel(datetime.datetime(2026, 3, 31, 12, 0, tzinfo=TZ), tick=False)
def test_the_month_selector_runs_the_same_queries_for_3_and_for_30_days(hall):
    h = hall

    def serve_on(day):
        ticket_of_day(
            h["queue_a"], day, "10:00", called="10:10", finished="10:20",
            status=Ticket.Status.FINISHED, window=h["w1"], clerk=h["c1"],
        )  # fmt: skip

    filters = month(h)
    for day in range(28, 31):
        serve_on(datetime.date(2026, 3, day))
        stats_rollup_day(center_id=h["center"].pk, date=datetime.date(2026, 3, day))
    serve_on(TODAY.replace(day=31))
    few = report_queries(filters)
    assert history_report(filters).totals.served == 4

    for day in range(1, 28):
        serve_on(datetime.date(2026, 3, day))
        if day % 2:  # some days rolled up, some still live
            stats_rollup_day(center_id=h["center"].pk, date=datetime.date(2026, 3, day))
    many = report_queries(filters)
    assert history_report(filters).totals.served == 31
    assert few == many


# ---- Pages and exports --------------------------------------------------------------------------------------------


def stats_url(name="dashboards:history", **params) -> str:
    from urllib.parse import urlencode

    return reverse(name) + ("?" + urlencode(params) if params else "")


@pytest.fixture
def month_data(hall):
    with time_machine.travel(datetime.datetime(2026, 3, 20, 15, 0, tzinfo=TZ), tick=False):
        build_day(hall)
        stats_rollup_day(center_id=hall["center"].pk, date=DAY)
        build_day(hall, day=TODAY)
    return hall


RANGE = {"date_from": "2026-03-01", "date_to": "2026-03-31"}


@time_machine.travel(datetime.datetime(2026, 3, 20, 15, 0, tzinfo=TZ), tick=False)
def test_the_page_shows_totals_charts_and_tables(client, month_data):
    client.force_login(month_data["c1"])
    response = client.get(stats_url(center=month_data["center"].pk, **RANGE), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="total-issued">10<' in page and 'data-testid="total-served">6<' in page
    assert "东城区政务服务中心" in page and "张伟" in page and "综合受理" in page
    assert 'id="history-data"' in page and "vendor/chartjs/chart.umd.min.js" in page
    assert "<script>" not in page  # CSP: data in a JSON block, code in files only


@time_machine.travel(datetime.datetime(2026, 3, 20, 15, 0, tzinfo=TZ), tick=False)
def test_csv_export_has_a_bom_a_header_and_chinese_rows(client, month_data):
    client.force_login(month_data["c1"])
    response = client.get(
        stats_url("dashboards:history_csv", center=month_data["center"].pk, **RANGE), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["Service hall statistics", "东城区政务服务中心"]
    assert [
        "Period",
        "Issued",
        "Served",
        "No-shows",
        "Mean wait (min)",
        "Longest wait (min)",
        "Mean service (min)",
    ] in rows
    assert ["2026-03-10", "5", "3", "1", "26.2", "70.0", "11.7"] in rows
    assert ["张伟", "2", "12.0"] in rows and ["李娜", "4", "11.5"] in rows
    assert any(row[:2] == ["Window 1 综合受理", "商事登记区"] for row in rows)


@time_machine.travel(datetime.datetime(2026, 3, 20, 15, 0, tzinfo=TZ), tick=False)
def test_xlsx_export_opens_with_openpyxl(client, month_data):
    client.force_login(month_data["c2"])
    response = client.get(
        stats_url("dashboards:history_xlsx", center=month_data["center"].pk, **RANGE), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    sheets = ["Summary", "Per day", "Per hour", "Wait distribution", "Per window", "Per clerk"]
    assert book.sheetnames == [*sheets, "Service level per queue", "Time at the windows per clerk"]
    clerks = [list(row) for row in book["Per clerk"].iter_rows(values_only=True)]
    assert clerks[0] == ["Clerk", "Served", "Mean service (min)"]
    assert ["李娜", 4, 11.5] in clerks and ["张伟", 2, 12.0] in clerks
    summary = dict(book["Summary"].iter_rows(values_only=True))
    assert summary["Centre"] == "东城区政务服务中心" and summary["Issued"] == 10


def test_anonymous_is_sent_to_sign_in(client, hall):
    for name in ("dashboards:history", "dashboards:history_csv", "dashboards:history_xlsx"):
        response = client.get(stats_url(name, center=hall["center"].pk))
        assert response.status_code == 302 and reverse("login") in response["Location"]


def test_citizens_and_other_centres_staff_are_refused(client, hall):
    citizen = UserFactory(username="citizen", kind="citizen")
    client.force_login(citizen)
    assert client.get(stats_url(center=hall["center"].pk)).status_code == 403
    assert client.get(stats_url()).status_code == 403

    outsider = clerk_of(CenterFactory(name="西城区政务服务中心"), "outsider")
    client.force_login(outsider)
    for name in ("dashboards:history", "dashboards:history_csv", "dashboards:history_xlsx"):
        assert client.get(stats_url(name, center=hall["center"].pk)).status_code == 403
    own = client.get(stats_url())
    assert own.status_code == 200 and "西城区政务服务中心" in own.content.decode()
    assert "东城区政务服务中心" not in own.content.decode()


def test_a_department_head_sees_the_centre(client, hall):
    head = UserFactory(username="head")
    StaffMembership.objects.create(
        user=head, center=hall["center"], role=StaffRole.DEPARTMENT_HEAD, department=hall["tax"]
    )
    client.force_login(head)
    assert client.get(stats_url(center=hall["center"].pk)).status_code == 200


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"date_from": "2026-03-10", "date_to": "2026-03-01"}, "The end date is before the start date."),
        ({"date_from": "2024-01-01", "date_to": "2026-03-01"}, "Choose a range of at most 366 days."),
        ({"date_from": "2026-02-30"}, "2026-02-30 is not a date of the calendar."),
        ({"center": "999999"}, "Unknown centre."),
        ({"zone": "999999"}, "This zone is not in the chosen centre."),
    ],
)
def test_bad_filters_show_a_message(client, hall, params, message):
    client.force_login(hall["c1"])
    response = client.get(stats_url(**params), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert message in response.content.decode()
    assert 'data-testid="total-issued"' not in response.content.decode()
    export = client.get(stats_url("dashboards:history_csv", **params), HTTP_ACCEPT_LANGUAGE="en")
    assert export.status_code == 400 and message in export.content.decode()


@time_machine.travel(datetime.datetime(2024, 12, 31, 10, 0, tzinfo=TZ), tick=False)
def test_every_quick_range_is_a_valid_filter(client, hall):
    import re

    client.force_login(hall["c1"])
    page = client.get(stats_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    links = re.findall(r'<a href="\?([^"]+)"', page)
    assert len(links) == 5
    for query in links:
        response = client.get(reverse("dashboards:history") + "?" + query.replace("&amp;", "&"))
        assert 'data-testid="history-errors"' not in response.content.decode(), query
