"""Giving a review: a served ticket once, a promised case at acceptance and at conclusion, an instant case once; the
rating period; every bad value refused with a message and nothing written; a bad review opening its rectification
with deadlines on the working-day calendar."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError

from centers.models import WorkdayOverride
from evaluations.models import Rectification, Review
from evaluations.services.reviews import rated_case, rated_ticket, review_submit
from hall.errors import DomainError
from matters import services as case_services
from matters.models import Case, CaseMaterial, CaseType
from queueing.models import Ticket
from tests.factories import MatterFactory, clerk_of, ticket_of_day

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
FRIDAY = datetime.date(2026, 12, 4)
APPLICANT = {"applicant_name": "张三明", "id_number": "11010519491231002X", "mobile": "13700000001"}


def moment(day: datetime.date, hh_mm: str) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.fromisoformat(hh_mm), tzinfo=SHANGHAI)


@pytest.fixture
def served(queue, window, clerk):
    """A ticket served at `window` by `clerk` on a Friday morning."""
    return ticket_of_day(queue, FRIDAY, "09:00", called="09:10", finished="09:25", window=window, clerk=clerk)


def submit(ticket, level, *, at="09:26", day=FRIDAY, **fields):
    """Rate `ticket` at the evaluator at that moment (the hall's clock there too)."""
    with time_machine.travel(moment(day, at), tick=False):
        return review_submit(rated=rated_ticket(ticket), channel=Review.Channel.EVALUATOR, level=level, **fields)


def test_a_served_ticket_is_rated_once_with_what_it_rates(served, window, clerk):
    review = submit(served, 5, scores={"attitude": 5, "efficiency": "４"}, tags=["quick"], comment=" 很快 ")
    assert (review.level, review.stage, review.channel, review.is_default) == (5, "service", "evaluator", False)
    assert review.scores == {"attitude": 5, "efficiency": 4} and review.tags == ["quick"] and review.comment == "很快"
    assert (review.window_id, review.clerk_id, review.center_id) == (window.pk, clerk.pk, served.center_id)
    assert review.served_at == served.finished_at and review.rated_on == FRIDAY
    assert not Rectification.objects.exists()
    with pytest.raises(DomainError) as refused:
        submit(served, 1, at="09:30")
    assert refused.value.code == "already_rated" and "已经评价" in str(refused.value.message)
    assert Review.objects.get().level == 5 and not Rectification.objects.exists()


@pytest.mark.parametrize("status", [Ticket.Status.WAITING, Ticket.Status.CALLED, Ticket.Status.NO_SHOW])
def test_a_ticket_not_served_has_nothing_to_rate(queue, window, status):
    ticket = ticket_of_day(queue, FRIDAY, "09:00", status=status, window=window)
    with pytest.raises(DomainError) as refused:
        rated_ticket(ticket)
    assert refused.value.code == "not_served" and "尚未办理" in str(refused.value.message)


def test_the_rating_period_is_seven_days(served):
    submit(served, 4, day=FRIDAY + datetime.timedelta(days=7), at="09:25")  # the last moment of the period
    Review.objects.all().delete()
    with pytest.raises(DomainError) as refused:
        submit(served, 4, day=FRIDAY + datetime.timedelta(days=7), at="09:26")
    assert refused.value.code == "review_period_over" and "7 天" in str(refused.value.message)
    assert not Review.objects.exists()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"level": 0}, "1 到 5"),
        ({"level": 6}, "1 到 5"),
        ({"level": "五"}, "1 到 5"),
        ({"level": True}, "1 到 5"),
        ({"level": None}, "1 到 5"),
        ({"level": 4, "scores": {"attitude": 9}}, "服务态度"),
        ({"level": 4, "scores": {"guide_accuracy": 4}}, "维度"),
        ({"level": 4, "scores": ["attitude", 5]}, "维度"),
        ({"level": 4, "tags": ["slow"]}, "标签"),  # a bad review's tag on a good review
        ({"level": 4, "tags": [{"x": 1}]}, "标签"),
        ({"level": 4, "tags": "quick"}, "标签"),
        ({"level": 4, "comment": "好" * 501}, "500"),
        ({"level": 4, "comment": "好\x00"}, "控制字符"),
        ({"level": 4, "comment": ["not", "text"]}, "文字"),
    ],
)
def test_bad_values_are_refused_with_a_message_and_nothing_written(served, fields, message):
    level = fields.pop("level")
    with pytest.raises(ValidationError) as refused:
        submit(served, level, **fields)
    assert message in " ".join(refused.value.messages)
    assert not Review.objects.exists()


def test_a_comment_with_markup_is_kept_as_written(served):
    review = submit(served, 3, comment='<script>alert("x")</script>')
    assert Review.objects.get(pk=review.pk).comment == '<script>alert("x")</script>'


def test_a_bad_review_opens_its_rectification_with_working_day_deadlines(served, window):
    # Friday 4 December 2026: callback by the next working day, rectification by the fifteenth. Make Monday 7th a
    # day off, as a centre may: both deadlines move one working day.
    WorkdayOverride.objects.create(day=datetime.date(2026, 12, 7), is_working_day=False, note="调休")
    review = submit(served, 1, tags=["slow", "attitude"], comment="等了很久")
    rectification = Rectification.objects.get()
    assert rectification.review == review and rectification.status == "open"
    assert rectification.department_id == review.department_id and rectification.center_id == served.center_id
    assert rectification.callback_due == datetime.date(2026, 12, 8)
    assert rectification.rectify_due == datetime.date(2026, 12, 28)
    assert rectification.opened_at == moment(FRIDAY, "09:26")


@pytest.fixture
def promised_case(center_of_queue, clerk):
    matter = MatterFactory(
        name="食品经营许可证核发", case_type=CaseType.PROMISED, legal_limit_days=20, promised_limit_days=5
    )
    return _accepted(matter, center_of_queue, clerk)


@pytest.fixture
def center_of_queue(queue):
    return queue.center


def _accepted(matter, center, clerk):
    with time_machine.travel(moment(FRIDAY, "10:00"), tick=False):
        return case_services.case_accept(
            matter=matter, center=center, clerk=clerk, checklist=_checklist(matter), **APPLICANT
        )


def _checklist(matter) -> dict:
    return {material.pk: CaseMaterial.State.RECEIVED for material in matter.materials.all()}


def test_a_promised_case_is_rated_at_acceptance_and_at_conclusion(promised_case, clerk):
    accepted = review_submit(
        rated=rated_case(promised_case, stage=Review.Stage.ACCEPTANCE),
        channel="sms",
        level=4,
        at=moment(FRIDAY, "11:00"),
    )
    with pytest.raises(DomainError) as early:
        rated_case(promised_case, stage=Review.Stage.CONCLUSION)
    assert early.value.code == "not_served"
    with time_machine.travel(moment(datetime.date(2026, 12, 8), "15:00"), tick=False):
        concluded_case = case_services.case_conclude(case=promised_case, clerk=clerk, outcome=Case.Outcome.APPROVED)
    with time_machine.travel(moment(datetime.date(2026, 12, 8), "16:00"), tick=False):
        concluded = review_submit(
            rated=rated_case(concluded_case, stage=Review.Stage.CONCLUSION), channel="qr", level=2
        )
    assert [(r.stage, r.level) for r in Review.objects.order_by("rated_at")] == [("acceptance", 4), ("conclusion", 2)]
    assert accepted.department_id == promised_case.department_id and concluded.clerk_id == clerk.pk
    assert Rectification.objects.get().review == concluded


def test_an_instant_case_is_rated_once_at_conclusion(queue, clerk):
    matter = MatterFactory(name="个体工商户注销登记", case_type=CaseType.INSTANT)
    case = _accepted(matter, queue.center, clerk)
    with pytest.raises(DomainError) as refused:
        rated_case(case, stage=Review.Stage.ACCEPTANCE)
    assert refused.value.code == "not_served" and "办结" in str(refused.value.message)


def test_a_review_online_scores_the_online_dimensions(promised_case):
    Case.objects.filter(pk=promised_case.pk).update(channel=Case.Channel.PORTAL)
    promised_case.refresh_from_db()
    rated = rated_case(promised_case, stage=Review.Stage.ACCEPTANCE)
    review = review_submit(
        rated=rated, channel="web", level=5, scores={"guide_accuracy": 5}, at=moment(FRIDAY, "12:00")
    )
    assert review.scores == {"guide_accuracy": 5}
    with pytest.raises(ValidationError):
        review_submit(rated=rated, channel="web", level=5, scores={"attitude": 5}, at=moment(FRIDAY, "12:00"))


def test_clerk_of_another_centre_is_not_needed_to_rate(queue, window):
    """The citizen rates; no staff member is asked: a ticket served by a clerk since gone still has its review."""
    other = clerk_of(queue.center, "clerk-gone")
    ticket = ticket_of_day(queue, FRIDAY, "09:00", called="09:05", finished="09:15", window=window, clerk=other)
    other.delete()
    ticket.refresh_from_db()
    review = submit(ticket, 5)
    assert review.clerk_id is None and review.window_id == window.pk


@pytest.mark.parametrize(
    ("at", "message"),
    [
        (datetime.datetime(2026, 12, 4, 9, 30), "时区"),  # naive
        ("2026-12-04T09:30:00+08:00", "时区"),
        (moment(FRIDAY, "09:40"), "将来"),  # ten minutes ahead of the hall's clock
    ],
)
def test_a_devices_time_must_be_a_real_time_not_ahead_of_the_halls_clock(served, at, message):
    with time_machine.travel(moment(FRIDAY, "09:30"), tick=False), pytest.raises(DomainError) as refused:
        review_submit(rated=rated_ticket(served), channel="evaluator", level=5, at=at)
    assert message in str(refused.value.message) and not Review.objects.exists()


@pytest.mark.parametrize("channel", ["default", "fax", "x" * 40])
def test_a_citizen_channel_is_required(served, channel):
    with pytest.raises(DomainError) as refused:
        review_submit(rated=rated_ticket(served), channel=channel, level=5, at=moment(FRIDAY, "09:26"))
    assert refused.value.code == "channel" and not Review.objects.exists()
