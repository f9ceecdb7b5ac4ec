"""After a review: the rectification of a bad one (核实 → 整改 → 回访) carried by the department's head or a
supervisor, an appeal that another supervisor decides, the suspicious-rating rules, and the default ratings."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from accounts.models import StaffMembership, StaffRole
from evaluations.models import Appeal, Rectification, Review
from evaluations.services.appeals import appeal_decide, appeal_file
from evaluations.services.defaults import reviews_apply_defaults
from evaluations.services.rectifications import rectification_call_back, rectification_rectify, rectification_verify
from evaluations.services.reviews import rated_ticket, review_submit
from hall.errors import Conflict, DomainError, NotAllowed
from queueing.models import Ticket
from tests.factories import DepartmentFactory, UserFactory, clerk_of, ticket_of_day

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
FRIDAY = datetime.date(2026, 12, 4)


def moment(day: datetime.date, hh_mm: str) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.fromisoformat(hh_mm), tzinfo=SHANGHAI)


@pytest.fixture
def department(window):
    department = DepartmentFactory(name="市场监管局")
    window.department = department
    window.save(update_fields=["department"])
    return department


@pytest.fixture
def head(queue, department):
    user = UserFactory(username="head")
    StaffMembership.objects.create(
        user=user, center=queue.center, role=StaffRole.DEPARTMENT_HEAD, department=department
    )
    return user


def supervisor_of(center, username: str):
    user = UserFactory(username=username)
    StaffMembership.objects.create(user=user, center=center, role=StaffRole.SUPERVISOR)
    return user


def served_ticket(queue, window, clerk, *, called="09:10", finished="09:25", day=FRIDAY):
    return ticket_of_day(queue, day, "09:00", called=called, finished=finished, window=window, clerk=clerk)


def rate(ticket, level, *, at, source="", **fields):
    return review_submit(rated=rated_ticket(ticket), channel="evaluator", level=level, at=at, source=source, **fields)


@pytest.fixture
def bad_review(queue, window, clerk, department):
    return rate(served_ticket(queue, window, clerk), 1, at=moment(FRIDAY, "09:26"), tags=["slow"])


def test_the_head_carries_the_rectification_through_its_three_steps(bad_review, head):
    rectification = bad_review.rectification
    with time_machine.travel(moment(FRIDAY, "14:00"), tick=False):
        rectification_verify(rectification=rectification, user=head, finding="窗口当时系统故障，已向群众致歉")
    with pytest.raises(Conflict):  # the callback comes after the rectification, not before
        rectification_call_back(rectification=rectification, user=head, result="satisfied")
    with time_machine.travel(moment(datetime.date(2026, 12, 9), "10:00"), tick=False):
        rectification_rectify(rectification=rectification, user=head, measures="更换终端，增加高峰时段窗口")
    with time_machine.travel(moment(datetime.date(2026, 12, 10), "16:00"), tick=False):
        rectification_call_back(
            rectification=rectification,
            user=head,
            result=Rectification.CallbackResult.SATISFIED,
            note="群众表示满意",
            called_at=moment(datetime.date(2026, 12, 10), "15:30"),
        )
    done = Rectification.objects.get()
    assert done.status == "called_back" and done.callback_result == "satisfied" and done.called_back_by == head
    assert done.verified_at == moment(FRIDAY, "14:00") and done.finding.startswith("窗口当时系统故障")
    assert done.called_back_at == moment(datetime.date(2026, 12, 10), "15:30")
    with pytest.raises(Conflict):
        rectification_verify(rectification=done, user=head, finding="again")


def test_only_the_departments_head_or_a_supervisor_carries_it(bad_review, clerk, queue):
    other_head = UserFactory(username="other-head")
    StaffMembership.objects.create(
        user=other_head, center=queue.center, role=StaffRole.DEPARTMENT_HEAD, department=DepartmentFactory()
    )
    for user in (clerk, other_head):
        with pytest.raises(NotAllowed):
            rectification_verify(rectification=bad_review.rectification, user=user, finding="看过了")
    rectification_verify(
        rectification=bad_review.rectification, user=supervisor_of(queue.center, "sup"), finding="看过了"
    )
    assert Rectification.objects.get().status == "verified"


@pytest.mark.parametrize(
    ("finding", "message"),
    [("", "必填"), ("   \u200b ", "必填"), ("查" * 501, "500"), ("有\x07响铃", "控制字符")],
)
def test_a_step_without_a_proper_note_changes_nothing(bad_review, head, finding, message):
    with pytest.raises(DomainError) as refused:
        rectification_verify(rectification=bad_review.rectification, user=head, finding=finding)
    assert message in str(refused.value.message)
    assert Rectification.objects.get().status == "open"


def test_a_callback_in_the_future_or_with_an_unknown_result_is_refused(bad_review, head):
    rectification = bad_review.rectification
    with time_machine.travel(moment(FRIDAY, "14:00"), tick=False):
        rectification_verify(rectification=rectification, user=head, finding="核实")
        rectification_rectify(rectification=rectification, user=head, measures="整改")
        with pytest.raises(DomainError):
            rectification_call_back(rectification=rectification, user=head, result="happy")
        with pytest.raises(DomainError):
            rectification_call_back(
                rectification=rectification, user=head, result="satisfied", called_at=moment(FRIDAY, "15:00")
            )
    assert Rectification.objects.get().status == "rectified"


def test_an_upheld_appeal_excludes_the_review_and_withdraws_its_rectification(bad_review, clerk, queue):
    appeal = appeal_file(review=bad_review, user=clerk, reason="该群众在评价器上连续误触")
    with pytest.raises(Conflict):
        appeal_file(review=bad_review, user=clerk, reason="再次申诉")
    first, second = supervisor_of(queue.center, "sup-1"), supervisor_of(queue.center, "sup-2")
    with pytest.raises(NotAllowed):
        appeal_decide(appeal=appeal, user=clerk, upheld=True)
    appeal_decide(appeal=appeal, user=first, upheld=True, note="监控显示误触")
    assert Appeal.objects.get().status == "upheld" and Review.objects.get().excluded is True
    assert Rectification.objects.get().status == "withdrawn"
    with pytest.raises(Conflict):
        appeal_decide(appeal=appeal, user=second, upheld=False)


def test_a_rejected_appeal_leaves_the_review_counted(bad_review, clerk, queue):
    appeal = appeal_file(review=bad_review, user=supervisor_of(queue.center, "filer"), reason="疑似恶意差评")
    with pytest.raises(NotAllowed):  # the filer does not decide their own appeal
        appeal_decide(appeal=appeal, user=appeal.filed_by, upheld=True)
    appeal_decide(appeal=appeal, user=supervisor_of(queue.center, "decider"), upheld=False)
    assert Review.objects.get().excluded is False and Rectification.objects.get().status == "open"


def test_a_good_review_cannot_be_appealed_nor_by_a_clerk_of_another_window(queue, window, clerk, department):
    good = rate(served_ticket(queue, window, clerk), 5, at=moment(FRIDAY, "09:26"))
    with pytest.raises(DomainError) as refused:
        appeal_file(review=good, user=clerk, reason="无")
    assert refused.value.code == "appeal_not_bad"
    bad = rate(served_ticket(queue, window, clerk), 2, at=moment(FRIDAY, "09:40"))
    with pytest.raises(NotAllowed):
        appeal_file(review=bad, user=clerk_of(queue.center, "another"), reason="不是我")
    assert not Appeal.objects.exists()


def test_a_review_seconds_after_the_call_is_flagged_not_dropped(queue, window, clerk):
    ticket = served_ticket(queue, window, clerk, called="09:10", finished="09:10")
    review = rate(ticket, 5, at=moment(FRIDAY, "09:10") + datetime.timedelta(seconds=12))
    assert review.suspicious == ["soon_after_call"]
    patient = rate(served_ticket(queue, window, clerk, called="10:00", finished="10:05"), 5, at=moment(FRIDAY, "10:06"))
    assert patient.suspicious == []
    assert Review.objects.count() == 2


def test_a_review_timed_before_its_service_is_flagged(queue, window, clerk):
    ticket = served_ticket(queue, window, clerk, called="09:10", finished="09:30")
    review = rate(ticket, 4, at=moment(FRIDAY, "09:29"))
    assert review.suspicious == ["before_service"]


def test_a_burst_from_one_device_flags_every_review_of_it(queue, window, clerk):
    times = ["11:00", "11:01", "11:02"]
    reviews = [
        rate(
            served_ticket(queue, window, clerk, called="10:00", finished="10:30"),
            5,
            at=moment(FRIDAY, t),
            source="device:7",
        )
        for t in times
    ]
    other = rate(
        served_ticket(queue, window, clerk, called="10:00", finished="10:30"),
        5,
        at=moment(FRIDAY, "11:02"),
        source="device:8",
    )
    flagged = {r.pk: r.suspicious for r in Review.objects.all()}
    assert [flagged[r.pk] for r in reviews] == [["burst"], ["burst"], ["burst"]]
    assert flagged[other.pk] == []
    later = rate(
        served_ticket(queue, window, clerk, called="10:00", finished="10:30"),
        5,
        at=moment(FRIDAY, "11:30"),
        source="device:7",
    )
    assert later.suspicious == []


def test_unrated_services_get_the_default_once_after_the_period(queue, window, clerk):
    rated = served_ticket(queue, window, clerk, finished="09:25")
    rate(rated, 5, at=moment(FRIDAY, "09:30"))
    unrated = served_ticket(queue, window, clerk, finished="09:40")
    recent = served_ticket(queue, window, clerk, day=datetime.date(2026, 12, 10), finished="09:40")
    ticket_of_day(queue, FRIDAY, "09:00", status=Ticket.Status.NO_SHOW, window=window)
    run = reviews_apply_defaults(now=moment(datetime.date(2026, 12, 11), "10:00"))
    assert (run.tickets, run.cases) == (1, 0)
    default = Review.objects.get(ticket=unrated)
    assert (default.level, default.is_default, default.channel) == (3, True, "default")
    assert default.rated_at == moment(datetime.date(2026, 12, 11), "09:40") and default.window_id == window.pk
    assert not Review.objects.filter(ticket=recent).exists()
    assert reviews_apply_defaults(now=moment(datetime.date(2026, 12, 11), "11:00")).tickets == 0
    assert Review.objects.count() == 2 and not Rectification.objects.exists()
