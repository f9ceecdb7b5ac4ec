"""The headline figures on a fixture whose every figure is worked out by hand below."""

import datetime
import itertools

import pytest

from matters.models import Case, CaseMaterial, CaseType
from matters.statistics import accepted_between, case_figures, case_figures_today, catalogue_figures
from queueing.models import CaseTicket, Ticket
from queueing.selectors.cases import case_figures_by_window
from tests.factories import CenterFactory, MatterFactory, QueueFactory, UserFactory, WindowFactory, ticket_of_day

pytestmark = pytest.mark.django_db
D = datetime.date
NOW = datetime.datetime(2026, 11, 2, 9, 0, tzinfo=datetime.UTC)
_numbers = itertools.count(1)


def case(matter, center, clerk, accepted_on, *, status="accepted", on_time=None, visits=1, light=""):
    return Case.objects.create(
        number=f"T{next(_numbers):05d}",
        matter=matter,
        center=center,
        department=matter.department,
        channel=Case.Channel.WINDOW,
        status=status,
        applicant_name="王五",
        submitted_at=NOW,
        accepted_at=NOW,
        accepted_on=accepted_on,
        accepted_by=clerk,
        on_time=on_time,
        visits=visits,
        light=light,
        concluded_on=accepted_on + datetime.timedelta(days=2) if status in ("concluded", "delivered") else None,
    )


@pytest.fixture
def fixture():
    center = CenterFactory()
    online = MatterFactory(name="网办事项", online_depth=4, visits=0)  # online
    offline = MatterFactory(name="现场事项", online_depth=2, visits=2, case_type=CaseType.PROMISED)  # not online
    ann, bob = UserFactory(username="ann"), UserFactory(username="bob", first_name="李强")
    # November 2: five cases.
    c1 = case(online, center, ann, D(2026, 11, 2), status="concluded", on_time=True, visits=0)
    c2 = case(online, center, ann, D(2026, 11, 2), status="delivered", on_time=True, visits=1)
    c3 = case(offline, center, bob, D(2026, 11, 2), status="concluded", on_time=False, visits=3)
    case(offline, center, bob, D(2026, 11, 2), status="accepted", light="red")
    case(offline, center, bob, D(2026, 11, 2), status="correction", light="yellow")
    # November 3: two cases, one concluded on time with two visits.
    case(online, center, ann, D(2026, 11, 3), status="concluded", on_time=True, visits=2)
    case(online, center, ann, D(2026, 11, 3), status="accepted", light="yellow")
    # Outside the range, and not a case of any period (online application not yet accepted).
    case(online, center, ann, D(2026, 10, 30), status="concluded", on_time=True)
    Case.objects.create(
        number="T-SUB",
        matter=online,
        center=center,
        department=online.department,
        channel="portal",
        status="submitted",
        applicant_name="赵六",
        submitted_at=NOW,
    )
    return {"center": center, "online": online, "offline": offline, "ann": ann, "bob": bob, "cases": (c1, c2, c3)}


def test_the_whole_range(fixture):
    (total,) = case_figures(accepted_between(D(2026, 11, 2), D(2026, 11, 3)))
    # 7 received; concluded: c1, c2, c3 and the 3rd-of-November one = 4; on time 3 of 4; visits ≤ 1: c1 (0), c2 (1)
    # = 2 of 4; online: c1, c2 and both of the 3rd = 4 of 7; visits of the concluded 0 + 1 + 3 + 2 = 6, mean 1.5.
    assert (total.received, total.concluded, total.on_time, total.at_most_one_visit, total.online, total.visits) == (
        7,
        4,
        3,
        2,
        4,
        6,
    )
    assert total.concluded_rate == 57.14 and total.on_time_rate == 75.0 and total.one_visit_rate == 50.0
    assert total.online_rate == 57.14 and total.mean_visits == 1.5


def test_per_day_and_per_clerk(fixture):
    days = {f.period: f for f in case_figures(accepted_between(D(2026, 11, 1), D(2026, 11, 30)), period="day")}
    assert sorted(days) == [D(2026, 11, 2), D(2026, 11, 3)]
    assert (days[D(2026, 11, 2)].received, days[D(2026, 11, 2)].concluded) == (5, 3)
    assert (days[D(2026, 11, 3)].received, days[D(2026, 11, 3)].on_time_rate) == (2, 100.0)
    clerks = {f.key: f for f in case_figures(accepted_between(D(2026, 11, 1), D(2026, 11, 30)), by="clerk")}
    ann, bob = clerks[fixture["ann"].pk], clerks[fixture["bob"].pk]
    # Ann: 4 received (c1, c2, two on the 3rd), 3 concluded, all on time, visits 0 + 1 + 2.
    assert (ann.received, ann.concluded, ann.on_time_rate, ann.mean_visits) == (4, 3, 100.0, 1.0)
    # Bob: 3 received, 1 concluded late with 3 visits; nothing online.
    assert (bob.received, bob.on_time_rate, bob.one_visit_rate, bob.online_rate, bob.label) == (
        3,
        0.0,
        0.0,
        0.0,
        "李强",
    )
    month = case_figures(accepted_between(D(2026, 10, 1), D(2026, 11, 30)), period="month")
    assert [(f.period, f.received) for f in month] == [(D(2026, 10, 1), 1), (D(2026, 11, 1), 7)]


def test_a_rate_of_nothing_is_none(fixture):
    (empty,) = case_figures(accepted_between(D(2026, 12, 1), D(2026, 12, 31)))
    assert empty.received == 0 and empty.concluded_rate is None and empty.mean_visits is None


def test_per_window_through_the_tickets_that_opened_the_cases(fixture):
    queue = QueueFactory(center=fixture["center"])
    window = WindowFactory(center=fixture["center"], zone=queue.zone, number=7)
    c1, _c2, c3 = fixture["cases"]
    for c in (c1, c3):
        ticket = ticket_of_day(queue, D(2026, 11, 2), "09:00", status=Ticket.Status.FINISHED, window=window)
        CaseTicket.objects.create(case=c, ticket=ticket, window=window, role=CaseTicket.Role.ACCEPTED)
    rows = {f.key: f for f in case_figures_by_window(accepted_between(D(2026, 11, 2), D(2026, 11, 2)))}
    assert (rows[window.pk].received, rows[window.pk].concluded, rows[window.pk].label) == (2, 2, "7")
    assert rows[None].received == 3  # c2 and the two open ones were opened at no window here


def test_the_big_screens_figures_today(fixture):
    today = case_figures_today(center_id=fixture["center"].pk, today=D(2026, 11, 2))
    # Accepted on the 2nd: 5. Concluded on the 2nd: none (concluded two days after acceptance). Open: one red on
    # the 2nd; yellow: the correction on the 2nd and the open one of the 3rd.
    assert today == type(today)(received=5, concluded=0, yellow=2, red=1)
    assert case_figures_today(center_id=fixture["center"].pk, today=D(2026, 11, 4)).concluded == 3


def test_the_catalogues_own_rates(fixture):
    figures = catalogue_figures()
    assert (figures.matters, figures.at_most_one_visit, figures.online) == (2, 1, 1)
    assert figures.online_rate == 50.0


def test_materials_settled_by_e_licence_are_counted_without_multiplying_the_cases(fixture):
    c1, c2, c3 = fixture["cases"]
    State = CaseMaterial.State
    for line_case, states in ((c1, [State.E_LICENSE, State.E_LICENSE, State.RECEIVED]), (c3, [State.E_LICENSE])):
        for index, state in enumerate(states):
            CaseMaterial.objects.create(case=line_case, name=f"材料{index}", state=state)
    CaseMaterial.objects.create(case=c2, name="申请书", state=State.RECEIVED)
    (total,) = case_figures(accepted_between(D(2026, 11, 2), D(2026, 11, 3)))
    assert (total.received, total.concluded, total.e_licensed) == (7, 4, 3)
    by_day = {
        row.period: row.e_licensed
        for row in case_figures(accepted_between(D(2026, 11, 2), D(2026, 11, 3)), period="day")
    }
    assert by_day == {D(2026, 11, 2): 3, D(2026, 11, 3): 0}
