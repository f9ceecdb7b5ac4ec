"""The front page lists only what its visitor may open; `manage.py serve` prints every screen; the overview is
titled by what it shows."""

import re
from io import StringIO

import pytest

from accounts.models import StaffMembership, StaffRole
from centers.models import Center
from dashboards.management.commands.serve import Command
from dashboards.selectors.overview import city_overview
from dashboards.selectors.screens import EVERYTHING, center_screens, citizen_screens, staff_screens
from tests.factories import CenterFactory, UserFactory, WindowFactory, ZoneFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def hall():
    district = CenterFactory(name="示范区政务服务中心", level=Center.Level.DISTRICT)
    street = CenterFactory(name="东湖街道便民服务中心", level=Center.Level.STREET, parent=district)
    other = CenterFactory(name="另一区政务服务中心", level=Center.Level.DISTRICT)
    zone = ZoneFactory(center=district, name="商事登记")
    WindowFactory(center=district, zone=zone, number=1)
    return {"district": district, "street": street, "other": other}


def links(page: str) -> set[str]:
    return set(re.findall(r'href="([^"]+)"', page))


def test_a_visitor_sees_the_public_screens_only(client, hall):
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    found = links(page)
    district = hall["district"].pk
    assert {f"/kiosk/{district}/", f"/display/{district}/", "/portal/", "/guide/"} <= found
    assert f"/screen/{district}/" not in found and f"/console/{district}/" not in found
    assert "/clerk/" not in found and "/stats/" not in found and "/admin/" not in found
    assert 'data-testid="staff-screens"' not in page


def test_a_clerk_sees_their_workstation_but_no_supervisor_screen(client, hall):
    clerk = UserFactory(username="clerk")
    StaffMembership.objects.create(user=clerk, center=hall["district"], role=StaffRole.CLERK)
    client.force_login(clerk)
    found = links(client.get("/").content.decode())
    district = hall["district"].pk
    assert {"/clerk/", "/cases/", f"/screen/{district}/"} <= found
    assert f"/console/{district}/" not in found and "/supervise/windows/" not in found and "/admin/" not in found
    assert f"/screen/{hall['other'].pk}/" not in found


def test_a_supervisor_sees_the_console_of_their_centre_and_the_sites_below(client, hall):
    supervisor = UserFactory(username="duty")
    StaffMembership.objects.create(user=supervisor, center=hall["district"], role=StaffRole.SUPERVISOR)
    client.force_login(supervisor)
    found = links(client.get("/").content.decode())
    for center in (hall["district"], hall["street"]):
        assert {f"/console/{center.pk}/", f"/screen/{center.pk}/"} <= found
    assert f"/console/{hall['other'].pk}/" not in found
    assert {"/supervise/windows/", "/stats/", "/reviews/rectifications/"} <= found


def test_every_page_the_front_page_offers_opens_for_its_visitor(client, hall):
    supervisor = UserFactory(username="duty")
    StaffMembership.objects.create(user=supervisor, center=hall["district"], role=StaffRole.SUPERVISOR)
    client.force_login(supervisor)
    for url in links(client.get("/").content.decode()):
        if url.startswith("/") and not url.startswith("/static/"):
            assert client.get(url).status_code in (200, 302), url


def test_serve_prints_every_screen(hall):
    everything = [s.url for entry in center_screens(EVERYTHING) for s in entry.screens]
    everything += [s.url for s in citizen_screens() + staff_screens(EVERYTHING)]
    out = StringIO()
    command = Command(stdout=out)
    command._print_guide(host="127.0.0.1", port=8123, demo=False)
    printed = out.getvalue()
    assert all(f"http://127.0.0.1:8123{url}" in printed for url in everything)
    assert "/display/" in printed and "/zones/" in printed and "/kiosk/" in printed and "/find/" in printed


def test_the_overview_is_titled_by_what_it_shows(hall):
    assert city_overview(scope={hall["district"].pk, hall["street"].pk})["title"].startswith("示范区政务服务中心")
    assert city_overview(scope={hall["street"].pk})["title"] == "东湖街道便民服务中心"
    every = city_overview(scope=None)["title"]
    assert "3" in every
