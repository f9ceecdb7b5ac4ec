"""Elderly mode (适老化) on every citizen page at phone size: no text under 18 px, no touch target under 44 × 44 px,
as Chromium lays the page out; and no serious axe-core finding there."""

import json

import pytest
from playwright.sync_api import expect

from tests.browser.accessibility import no_serious_accessibility_findings, too_small_for_elderly

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
CITIZEN_PAGES = [
    "/portal/",
    "/portal/take/",
    "/portal/tickets/",
    "/portal/appointments/",
    "/portal/reviews/",
    "/portal/profile/",
    "/portal/companies/",
    "/portal/licenses/",
    "/portal/cases/",
    "/portal/privacy/",
    "/portal/my-data/",
    "/portal/delete-account/",
    "/guide/",
    "/licenses/verify/",
    "/reviews/results/",
]
# A number of the citizen's own (for the live ticket page) and a matter's guide page.
SET_UP = """
import json
from django.contrib.auth import get_user_model
from matters.models import Matter
from queueing import services
from queueing.links import live_ticket_path
from queueing.models import Queue, Ticket
citizen = get_user_model().objects.get(username="citizen01")
queue = Queue.objects.get(center__code="DEMO", prefix="H")
ticket = services.ticket_issue(queue=queue, channel=Ticket.Channel.WEB, citizen=citizen)
matter = Matter.objects.filter(is_active=True).order_by("pk").first()
print(json.dumps({"ticket": live_ticket_path(ticket), "matter": f"/guide/matters/{matter.pk}/"}))
"""


def test_every_citizen_page_in_elderly_mode_has_big_text_and_big_targets(browser, hall_server, shot):
    extra = json.loads(hall_server.shell(SET_UP).strip().splitlines()[-1])
    base = hall_server.base
    context = browser.new_context(locale="zh-CN", viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(f"{base}/portal/login/")
    page.fill("#id_mobile", "13800000001")
    page.fill("#id_password", "hall-demo-2026")
    page.locator("main button[type=submit]").first.click()
    page.get_by_test_id("elderly-on").click()
    expect(page.locator("html")).to_have_class("elderly")
    problems = {}
    for path in [*CITIZEN_PAGES, extra["ticket"], extra["matter"]]:
        page.goto(base + path)
        found = too_small_for_elderly(page)
        if found["small"] or found["tiny"]:
            problems[path] = found
        no_serious_accessibility_findings(page)
    assert not problems, json.dumps(problems, ensure_ascii=False, indent=1)
    page.goto(base + extra["ticket"])
    expect(page.locator("body")).to_have_attribute("data-live", "live")
    shot(page, "elderly-live-ticket")
    context.close()
