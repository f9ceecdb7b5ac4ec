"""Opening hours with a break, and the working-day calendar: no numbers in the lunch break, on weekends or holidays,
yes on make-up working days; every refusal says when to come back, on the kiosk's button and when a number is asked
for, and nothing is written."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from centers.models import WorkdayOverride
from queueing.errors import QueueClosed
from queueing.models import Queue, Ticket
from queueing.selectors.kiosk import kiosk_zones
from queueing.services import ticket_issue
from tests.factories import QueueFactory

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
WEDNESDAY = datetime.date(2026, 12, 2)
SATURDAY = datetime.date(2026, 12, 5)


def at(day: datetime.date, hh: int, mm: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hh, mm), tzinfo=SHANGHAI)


@pytest.fixture
def queue():
    return QueueFactory(
        prefix="B",
        name="不动产登记",
        opens_at=datetime.time(8, 30),
        closes_at=datetime.time(17, 0),
        break_starts_at=datetime.time(12, 0),
        break_ends_at=datetime.time(13, 30),
        open_on_days_off=False,
    )


def refusal_at(queue: Queue, moment: datetime.datetime) -> str:
    travel, chinese = time_machine.travel(moment, tick=False), translation.override("zh-hans")
    with travel, chinese, pytest.raises(QueueClosed) as refused:
        ticket_issue(queue=queue, channel=Ticket.Channel.KIOSK)
    assert not Ticket.objects.exists()
    return str(refused.value.message)


def button_note(queue: Queue, moment: datetime.datetime) -> tuple[str, str]:
    with translation.override("zh-hans"):
        (zone,) = kiosk_zones(center=queue.center, now=moment)
    (choice,) = zone.queues
    return choice.state, choice.note


def test_the_lunch_break_gives_no_numbers_and_says_when_it_ends(queue):
    assert button_note(queue, at(WEDNESDAY, 12, 10)) == ("break", "午休中，13:30 恢复取号")
    assert refusal_at(queue, at(WEDNESDAY, 12, 10)) == "午休时间 12:00–13:30 暂停取号，请 13:30 后再来。"
    assert button_note(queue, at(WEDNESDAY, 11, 59)) == ("open", "")
    with time_machine.travel(at(WEDNESDAY, 13, 30), tick=False):
        assert ticket_issue(queue=queue, channel=Ticket.Channel.KIOSK).number == "B001"


def test_a_weekend_gives_no_numbers_and_names_the_next_working_day(queue):
    assert button_note(queue, at(SATURDAY, 10)) == ("day_off", "今日休息，12月7日（星期一） 开放")
    assert (
        refusal_at(queue, at(SATURDAY, 10))
        == "今天是周末或法定节假日，大厅不取号。请于 12月7日（星期一） 08:30 后前来。"
    )


def test_a_make_up_working_day_opens_and_a_declared_holiday_closes_and_is_skipped(queue):
    WorkdayOverride.objects.create(day=SATURDAY, is_working_day=True, note="调休上班")
    with time_machine.travel(at(SATURDAY, 10), tick=False):
        assert ticket_issue(queue=queue, channel=Ticket.Channel.KIOSK).number == "B001"
    Ticket.objects.all().delete()
    # A holiday on Monday the 7th: on Friday evening the citizen is sent to Tuesday.
    WorkdayOverride.objects.create(day=datetime.date(2026, 12, 7), is_working_day=False, note="假日")
    friday_evening = at(datetime.date(2026, 12, 4), 17, 30)
    assert refusal_at(queue, friday_evening) == "该队列取号时间截至 17:00，请于 12月5日（星期六） 08:30 后再来。"
    assert refusal_at(queue, at(datetime.date(2026, 12, 7), 9)).endswith("请于 12月8日（星期二） 08:30 后前来。")


def test_a_queue_open_on_days_off_gives_numbers_on_sunday(queue):
    queue.open_on_days_off = True
    queue.save()
    with time_machine.travel(at(datetime.date(2026, 12, 6), 10), tick=False):
        assert ticket_issue(queue=queue, channel=Ticket.Channel.KIOSK).number == "B001"


def test_in_english_the_day_is_said_in_english(queue):
    travel, english = time_machine.travel(at(SATURDAY, 10), tick=False), translation.override("en")
    with travel, english, pytest.raises(QueueClosed) as refused:
        ticket_issue(queue=queue, channel=Ticket.Channel.KIOSK)
    assert str(refused.value.message).endswith("Please come on December 7 (Monday), from 08:30.")


@pytest.mark.parametrize(
    ("fields", "field", "database_refuses"),
    [
        ({"break_starts_at": datetime.time(12), "break_ends_at": None}, "break_ends_at", True),
        ({"break_starts_at": datetime.time(13), "break_ends_at": datetime.time(12)}, "break_ends_at", True),
        ({"break_starts_at": datetime.time(7), "break_ends_at": datetime.time(9)}, "break_starts_at", False),
        ({"break_starts_at": datetime.time(16), "break_ends_at": datetime.time(18)}, "break_starts_at", False),
        ({"opens_at": datetime.time(18)}, "closes_at", False),
    ],
)
def test_hours_that_make_no_sense_are_refused(queue, fields, field, database_refuses):
    for name, value in fields.items():
        setattr(queue, name, value)
    with pytest.raises(ValidationError) as refused:
        queue.full_clean()
    assert field in refused.value.message_dict
    if database_refuses:  # a break cut in half or back to front never reaches a row, whatever writes it
        with pytest.raises(IntegrityError), transaction.atomic():
            Queue.objects.filter(pk=queue.pk).update(**fields)
