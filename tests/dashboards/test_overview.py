"""The city overview: every centre a user may watch, its figures of today, and who may open it."""

from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import StaffMembership, StaffRole, User
from accounts.selectors import center_access
from dashboards.models import Alert
from dashboards.selectors.overview import city_overview
from queueing import services
from queueing.models import Ticket, Window
from tests.factories import CenterFactory, QueueFactory, UserFactory, WindowFactory, clerk_of

pytestmark = pytest.mark.django_db
PAGE = "/screen/overview/"
DATA = "/screen/overview/data/"


def member(username, center, role):
    user = UserFactory(username=username)
    StaffMembership.objects.create(user=user, center=center, role=role)
    return user


def alert(center, severity, key, state=Alert.State.OPEN):
    return Alert.objects.create(
        center=center,
        kind=Alert.Kind.QUEUE_LOAD,
        severity=severity,
        state=state,
        subject_key=key,
        subject=key,
        opened_at=timezone.now(),
    )


@pytest.fixture
def tree():
    """A city centre with a district centre under it and a street centre under that; an unrelated centre beside."""
    city = CenterFactory(code="CITY", name="市中心", level="city")
    district = CenterFactory(code="DIST", name="区中心", level="district", parent=city)
    street = CenterFactory(code="STREET", name="街道中心", level="street", parent=district)
    other = CenterFactory(code="OTHER", name="别的中心", level="district")
    return SimpleNamespace(city=city, district=district, street=street, other=other)


@pytest.fixture
def busy_district(tree):
    """The district centre: 5 tickets (1 served, 1 at a window, 3 waiting), 2 windows of which 1 open, alerts."""
    district = tree.district
    queue = QueueFactory(center=district, prefix="A")
    window = WindowFactory(center=district, zone=queue.zone, number=1, serves=[queue])
    WindowFactory(center=district, zone=queue.zone, number=2, serves=[queue])
    for _ in range(5):
        services.ticket_issue(queue=queue, channel=Ticket.Channel.KIOSK)
    clerk = clerk_of(district)
    services.window_sign_in(window=window, clerk=clerk)
    services.ticket_finish(ticket=services.window_call_next(window=window, clerk=clerk), clerk=clerk)
    services.window_call_next(window=window, clerk=clerk)
    alert(district, "red", "queue:1")
    alert(district, "yellow", "queue:2", state=Alert.State.ACKNOWLEDGED)
    alert(district, "yellow", "queue:3", state=Alert.State.RESOLVED)
    return district


def rows(data):
    return {row["name"]: row for row in data["centers"]}


def test_figures_per_centre(tree, busy_district):
    data = city_overview(scope=None)
    shown = rows(data)
    row = shown["区中心"]
    assert (row["issued"], row["served"], row["waiting"], row["called"], row["in_service"]) == (5, 1, 3, 1, 0)
    assert (row["windows_open"], row["windows_total"]) == (1, 2)
    assert (row["alerts_red"], row["alerts_yellow"], row["warning"]) == (1, 1, "red")
    assert row["level"] == "normal"  # 3 waiting for one open window, below the default 4
    assert row["longest_wait_minutes"] >= 0
    assert row["screen_url"] == reverse("dashboards:screen", kwargs={"center_id": tree.district.pk})
    quiet = shown["街道中心"]
    assert (quiet["issued"], quiet["waiting"], quiet["windows_open"], quiet["level"], quiet["warning"]) == (
        0,
        0,
        0,
        None,
        None,
    )
    assert data["totals"]["issued"] == 5 and data["totals"]["alerts_red"] == 1


def test_the_tree_comes_parents_first_with_depths(tree):
    order = [(row["name"], row["depth"]) for row in city_overview(scope=None)["centers"]]
    assert order.index(("市中心", 0)) < order.index(("区中心", 1)) < order.index(("街道中心", 2))
    assert ("别的中心", 0) in order


def test_a_root_shows_its_subtree(tree):
    names = [row["name"] for row in city_overview(scope=None, root_id=tree.district.pk)["centers"]]
    assert names == ["区中心", "街道中心"]


def test_the_number_of_queries_does_not_grow_with_centres(tree, busy_district, django_assert_num_queries):
    with django_assert_num_queries(6):
        city_overview(scope=None)
    for n in range(6):
        center = CenterFactory(parent=busy_district)
        WindowFactory(center=center, state=Window.State.OPEN)
        alert(center, "yellow", f"queue:x{n}")
    with django_assert_num_queries(6):
        assert len(city_overview(scope=None)["centers"]) == 10


def test_scope_of_each_role(tree):
    assert center_access(member("sup", tree.district, StaffRole.SUPERVISOR)).seen_ids == {
        tree.district.pk,
        tree.street.pk,
    }
    assert center_access(member("admin_city", tree.city, StaffRole.CENTER_ADMIN)).seen_ids == {
        tree.city.pk,
        tree.district.pk,
        tree.street.pk,
    }
    assert center_access(member("clerk", tree.district, StaffRole.CLERK)).seen_ids == {tree.district.pk}
    assert center_access(member("head", tree.district, StaffRole.DEPARTMENT_HEAD)).seen_ids == {tree.district.pk}
    assert center_access(UserFactory(username="nobody")).seen_ids == set()
    assert center_access(UserFactory(username="root", is_superuser=True)).seen_ids is None


def test_a_supervisor_sees_the_centres_under_them_and_not_another_one(client, tree, busy_district):
    client.force_login(member("sup", tree.other, StaffRole.SUPERVISOR))
    response = client.get(DATA)
    assert response.status_code == 200
    assert [row["name"] for row in response.json()["centers"]] == ["别的中心"]

    client.force_login(member("sup2", tree.district, StaffRole.SUPERVISOR))
    assert [row["name"] for row in client.get(DATA).json()["centers"]] == ["区中心", "街道中心"]


def test_a_clerk_sees_their_own_centre_only(client, tree, busy_district):
    client.force_login(User.objects.get(username="clerk"))
    assert [row["name"] for row in client.get(DATA).json()["centers"]] == ["区中心"]


def test_the_system_admin_sees_every_centre(client, tree):
    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))
    assert len(client.get(DATA).json()["centers"]) == 4


def test_anonymous_callers_are_sent_to_sign_in(client, tree):
    for url in (PAGE, DATA):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_citizens_and_staff_overseeing_nothing_are_refused(client, tree):
    client.force_login(UserFactory(username="citizen", kind=User.Kind.CITIZEN))
    assert client.get(PAGE).status_code == 403
    assert client.get(DATA).status_code == 403
    client.force_login(UserFactory(username="lonely"))
    assert client.get(PAGE).status_code == 403
    assert client.get(DATA).status_code == 403


def test_a_root_outside_the_scope_is_refused(client, tree):
    client.force_login(member("sup", tree.district, StaffRole.SUPERVISOR))
    assert client.get(DATA, {"root": tree.street.pk}).json()["centers"][0]["name"] == "街道中心"
    assert client.get(DATA, {"root": tree.city.pk}).status_code == 403
    assert client.get(DATA, {"root": "x1"}).status_code == 404


def test_the_page_links_each_centre_to_its_big_screen(client, tree, busy_district):
    client.force_login(member("sup", tree.city, StaffRole.SUPERVISOR))
    response = client.get(PAGE)
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="overview-data"' in body
    assert reverse("dashboards:screen", kwargs={"center_id": tree.district.pk}) in body
    assert 'data-poll-url="/screen/overview/data/"' in body
    assert "<script>" not in body  # no inline script: the page's code is a file (CSP)
    assert response["Cache-Control"].startswith("max-age=0")
