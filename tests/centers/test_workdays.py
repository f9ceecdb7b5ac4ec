"""The working-day calendar: holidays, make-up working days, the override table that wins, the confirmed horizon,
and the same answers through the command and the API."""

import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from centers.models import CalendarYear, WorkdayOverride
from centers.services import calendar_year_confirm, workday_override_delete, workday_override_save
from centers.workdays import work_calendar

D = datetime.date


@pytest.mark.django_db
def test_national_day_week_and_its_make_up_saturday():
    calendar = work_calendar()
    # Accepted Wednesday 2026-09-30 with 5 working days: 10-08, 10-09, 10-10 (make-up Saturday), 10-12, 10-13.
    assert calendar.add(D(2026, 9, 30), 5) == D(2026, 10, 13)
    assert not calendar.is_working_day(D(2026, 10, 1))
    assert not calendar.is_working_day(D(2026, 10, 7))
    assert calendar.is_working_day(D(2026, 10, 10))  # Saturday, 调休上班
    assert calendar.is_working_day(D(2026, 9, 20))  # Sunday, 调休上班
    assert not calendar.is_working_day(D(2026, 10, 11))  # an ordinary Sunday
    assert calendar.add(D(2026, 9, 30), 0) == D(2026, 9, 30)


@pytest.mark.django_db
def test_spring_festival_and_weekends_are_skipped():
    calendar = work_calendar()
    # Friday 2026-02-13: 02-14 is a make-up Saturday, then the festival runs to 02-23; 02-24 is the next working day.
    assert calendar.working_days(D(2026, 2, 13), D(2026, 2, 25)) == [
        D(2026, 2, 13),
        D(2026, 2, 14),
        D(2026, 2, 24),
        D(2026, 2, 25),
    ]
    assert calendar.count_between(D(2026, 2, 13), D(2026, 2, 24)) == 1


@pytest.mark.django_db
def test_an_override_wins_over_the_package():
    calendar = work_calendar()
    assert calendar.is_working_day(D(2026, 12, 31))
    workday_override_save(override=WorkdayOverride(day=D(2026, 12, 31), is_working_day=False, note="临时休息"))
    workday_override_save(override=WorkdayOverride(day=D(2026, 12, 26), is_working_day=True, note="调休上班"))
    calendar = work_calendar()
    assert not calendar.is_working_day(D(2026, 12, 31))
    assert calendar.is_working_day(D(2026, 12, 26))  # a Saturday
    override = WorkdayOverride.objects.get(day=D(2026, 12, 31))
    workday_override_delete(override=override)
    assert work_calendar().is_working_day(D(2026, 12, 31))


@pytest.mark.django_db
def test_past_the_last_confirmed_year_a_date_is_provisional():
    calendar = work_calendar()
    assert calendar.confirmed_through == 2026  # the migration confirms the year the package carries in full
    due = calendar.add(D(2026, 12, 3), 30)
    assert due.year == 2027 and calendar.is_provisional(due)
    assert not calendar.is_provisional(D(2026, 12, 31))
    calendar_year_confirm(year=2027, source="国务院办公厅通知")
    calendar = work_calendar()
    assert not calendar.is_provisional(due) and calendar.confirmed_through == 2027
    assert CalendarYear.objects.get(year=2027).source == "国务院办公厅通知"


@pytest.mark.django_db
def test_the_command_prints_the_due_date_and_the_working_days():
    out = StringIO()
    call_command("workdays", "add", "2026-09-30", "5", stdout=out)
    assert out.getvalue().strip() == "2026-10-13"
    out = StringIO()
    call_command("workdays", "list", "2026-09-25", "2026-10-12", stdout=out)
    assert out.getvalue().split() == [
        "2026-09-28",
        "2026-09-29",
        "2026-09-30",
        "2026-10-08",
        "2026-10-09",
        "2026-10-10",
        "2026-10-12",
    ]
    out = StringIO()
    call_command("workdays", "add", "２０２６-12-03", "30", stdout=out)  # full-width digits read as ASCII
    assert out.getvalue().startswith("2027-") and "2027" in out.getvalue().split("(")[1]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "args",
    [
        ("add", "2026-02-30", "5"),  # impossible date
        ("add", "2026-09-30", "-1"),
        ("add", "2026-09-30", "1e3"),
        ("add", "2026-09-30", "401"),
        ("list", "2026-10-12", "2026-09-25"),
    ],
)
def test_the_command_refuses_bad_input_with_a_message(args):
    with pytest.raises(CommandError) as raised:
        call_command("workdays", *args, stdout=StringIO())
    assert str(raised.value)


@pytest.mark.django_db
def test_the_api_answers_the_same():
    client = APIClient()
    response = client.get("/api/v1/calendar/due/", {"from": "2026-09-30", "days": "5"})
    assert response.status_code == 200
    assert response.json() == {
        "from": "2026-09-30",
        "days": 5,
        "due": "2026-10-13",
        "provisional": False,
        "confirmed_through": 2026,
    }
    assert "public" in response["Cache-Control"]
    listing = client.get("/api/v1/calendar/working-days/", {"first": "2026-09-25", "last": "2026-10-12"}).json()
    assert listing["working_days"][3:] == ["2026-10-08", "2026-10-09", "2026-10-10", "2026-10-12"]
    assert listing["provisional_from"] is None
    later = client.get("/api/v1/calendar/due/", {"from": "2026-12-03", "days": "30"}).json()
    assert later["provisional"] is True


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"from": "2026-02-30", "days": "5"}, "from"),
        ({"from": "2026-09-30", "days": "-3"}, "days"),
        ({"from": "2026-09-30", "days": "五"}, "days"),
        ({"from": "2026-09-30"}, "days"),
        ({"days": "5"}, "from"),
        ({"from": "2099-12-30", "days": "5"}, "days"),
        ({"from": "2026/09/30", "days": "5"}, "from"),
    ],
)
def test_the_api_refuses_bad_input_in_the_users_language(query, field):
    response = APIClient().get("/api/v1/calendar/due/", query, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400
    body = response.json()
    assert field in body["errors"] and body["detail"]
