"""axe-core (WCAG 2.1 A/AA) over every page of the hall, each at the size it is used at, in Chinese and English:
no serious or critical finding anywhere. Citizens' pages as a signed-in citizen on a phone, staff pages as the system
administrator on a laptop, the screens at 1920×1080, the kiosk portrait."""

import json

import pytest
from playwright.sync_api import expect

from tests.browser.accessibility import serious_findings
from tests.browser.test_big_screen import login

pytestmark = pytest.mark.browser

PHONE, LAPTOP, TV, KIOSK = (390, 844), (1366, 768), (1920, 1080), (1080, 1920)
PUBLIC = [
    ("/", LAPTOP),
    ("/kiosk/{center}/", KIOSK),
    ("/kiosk/{center}/?checkin=1", KIOSK),
    ("/kiosk/{center}/find/", KIOSK),
    ("/display/{center}/", TV),
    ("/display/{center}/zones/{zone}/", TV),
    ("/portal/login/", PHONE),
    ("/portal/register/", PHONE),
    ("/guide/", PHONE),
    ("/guide/matters/{matter}/", PHONE),
    ("/licenses/verify/", PHONE),
    ("/reviews/results/", PHONE),
    ("/evaluator/", (1280, 800)),
    ("/accounts/login/", LAPTOP),
]
CITIZEN = [
    ("/portal/", PHONE),
    ("/portal/take/", PHONE),
    ("/portal/tickets/", PHONE),
    ("/portal/appointments/", PHONE),
    ("/portal/reviews/", PHONE),
    ("/portal/profile/", PHONE),
    ("/portal/companies/", PHONE),
    ("/portal/licenses/", PHONE),
    ("/portal/cases/", PHONE),
    ("/portal/privacy/", PHONE),
    ("/portal/my-data/", PHONE),
    ("/portal/delete-account/", PHONE),
    ("{ticket}", PHONE),
]
STAFF = [
    ("/clerk/", LAPTOP),
    ("/cases/", LAPTOP),
    ("/supervise/windows/", LAPTOP),
    ("/station/", LAPTOP),
    ("/reviews/rectifications/", LAPTOP),
    ("/stats/", LAPTOP),
    ("/stats/cases/", LAPTOP),
    ("/stats/reviews/", LAPTOP),
    ("/stats/licences/", LAPTOP),
    ("/screen/{center}/", TV),
    ("/screen/overview/", TV),
    ("/console/{center}/", TV),
    ("/admin/", LAPTOP),
    ("/admin/queueing/queue/", LAPTOP),
    ("/admin/queueing/window/{window}/change/", LAPTOP),
    ("/admin/queueing/queue/{queue}/change/", LAPTOP),
    ("/admin/accounts/user/{user}/change/", LAPTOP),
    ("/admin/dashboards/displaynotice/add/", LAPTOP),
    ("/admin/auth/group/add/", LAPTOP),
]
IDS = """
import json
from django.contrib.auth import get_user_model
from centers.models import Center
from matters.models import Matter
from queueing import services
from queueing.links import live_ticket_path
from queueing.models import Queue, Ticket, Window
center = Center.objects.get(code="DEMO")
citizen = get_user_model().objects.get(username="citizen01")
queue = Queue.objects.get(center=center, prefix="G")
ticket = Ticket.objects.filter(queue=queue, citizen=citizen, status="waiting").first() or services.ticket_issue(
    queue=queue, channel=Ticket.Channel.WEB, citizen=citizen
)
print(json.dumps({
    "center": center.pk, "zone": center.zones.order_by("pk").first().pk, "queue": queue.pk,
    "matter": Matter.objects.filter(is_active=True).order_by("pk").first().pk,
    "window": Window.objects.filter(center=center).order_by("number").first().pk,
    "user": get_user_model().objects.get(username="clerk01").pk, "ticket": live_ticket_path(ticket),
}))
"""


def sweep(browser, base, pages, ids, locale, sign_in=None) -> dict:
    findings = {}
    for (width, height), group in _by_size(pages).items():
        context = browser.new_context(locale=locale, viewport={"width": width, "height": height})
        page = context.new_page()
        if sign_in:
            sign_in(page)
        for path in group:
            url = base + path.format(**ids)
            page.goto(url)
            page.wait_for_load_state("networkidle")
            found = serious_findings(page)
            if found:
                findings[f"{locale} {path}"] = [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in found]
        context.close()
    return findings


def _by_size(pages):
    groups: dict = {}
    for path, size in pages:
        groups.setdefault(size, []).append(path)
    return groups


@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
def test_no_serious_accessibility_finding_on_any_page(browser, hall_server, locale):
    base = hall_server.base
    ids = json.loads(hall_server.shell(IDS).strip().splitlines()[-1])

    def as_citizen(page):
        page.goto(f"{base}/portal/login/")
        page.fill("#id_mobile", "13800000001")
        page.fill("#id_password", "hall-demo-2026")
        page.locator("main button[type=submit]").first.click()
        expect(page).not_to_have_url(f"{base}/portal/login/")

    def as_admin(page):
        login(page, base, "admin", "/admin/")

    findings = sweep(browser, base, PUBLIC, ids, locale)
    findings |= sweep(browser, base, CITIZEN, ids, locale, as_citizen)
    findings |= sweep(browser, base, STAFF, ids, locale, as_admin)
    assert not findings, json.dumps(findings, ensure_ascii=False, indent=1)
