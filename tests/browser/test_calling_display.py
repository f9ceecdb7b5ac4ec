"""The calling display in Chromium at 1920×1080 and 3840×2160: several windows calling at once, each number at least a
tenth of the screen's height with its window, floor and zone; the last eight calls; a calm idle state; a notice;
nothing cut off; no serious axe-core finding.

On the shared demo hall, in zones other tests leave alone: 社保医保 (windows 9–12) calls, 税务 (13–15) stays idle.
"""

import json

import pytest
from playwright.sync_api import expect

from tests.browser.accessibility import no_serious_accessibility_findings

pytestmark = pytest.mark.browser

SIZES = [(1920, 1080), (3840, 2160)]

# Four clerks call at the four windows of 社保医保; the first call is started (being served, no longer "calling").
CALLS = """
import json
from django.contrib.auth import get_user_model
from centers.models import Zone
from dashboards.models import DisplayNotice
from queueing import services
from queueing.models import Queue, Ticket, Window

users = {u.username: u for u in get_user_model().objects.all()}
zone = Zone.objects.get(center__code="DEMO", code="SHEBAO")
idle = Zone.objects.get(center__code="DEMO", code="SHUIWU")
queue = Queue.objects.get(center__code="DEMO", prefix="C")
for _ in range(5):
    services.ticket_issue(queue=queue, channel=Ticket.Channel.KIOSK)
called = []
for number, username in [(9, "clerk05"), (10, "center_admin"), (11, "clerk06"), (12, "admin")]:
    window = Window.objects.get(center__code="DEMO", number=number)
    services.window_sign_in(window=window, clerk=users[username])
    called.append(services.window_call_next(window=window, clerk=users[username]).number)
services.ticket_start(ticket=Ticket.objects.get(number=called[0], queue=queue, status="called"), clerk=users["clerk05"])
DisplayNotice.objects.create(center=zone.center, zone=zone, title="办事提醒", text="社保卡补办请携带身份证原件。")
print(json.dumps({"center": zone.center_id, "zone": zone.pk, "idle": idle.pk, "called": called, "floor": zone.floor,
                  "zone_name": zone.name}))
"""


def fits_the_screen(page) -> bool:
    size = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.scrollHeight]")
    return size[0] <= page.viewport_size["width"] and size[1] <= page.viewport_size["height"]


def number_heights(page, selector) -> list[float]:
    return page.eval_on_selector_all(selector, "els => els.map(e => parseFloat(getComputedStyle(e).fontSize))")


def test_the_display_shows_several_calls_large_with_where_to_go_and_an_idle_zone_calmly(browser, hall_server, shot):
    hall = json.loads(hall_server.shell(CALLS).strip().splitlines()[-1])
    base, center = hall_server.base, hall["center"]
    on_the_way = hall["called"][1:]  # the first one is being served already
    for width, height in SIZES:
        context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": height})
        page = context.new_page()

        page.goto(f"{base}/display/{center}/zones/{hall['zone']}/")
        expect(page.locator("body")).to_have_attribute("data-live", "live")
        current = page.locator(".current-call")
        expect(current).to_have_count(3)
        # Newest call first, each with its window, floor and zone.
        assert [current.nth(i).locator(".call-number").inner_text() for i in range(3)] == on_the_way[::-1]
        expect(current.first).to_contain_text("12号窗口")
        expect(current.first.locator(".call-place")).to_have_text(f"{hall['floor']} · {hall['zone_name']}")
        expect(page.locator("[data-idle]")).to_be_hidden()
        expect(page.locator(".recent-call")).to_have_count(4)
        assert all(size >= height / 10 for size in number_heights(page, ".call-number"))
        expect(page.locator("[data-notices]")).to_contain_text("社保卡补办请携带身份证原件。")
        expect(page.locator(".queue-chip[data-queue=C]")).to_contain_text("社保医保")
        assert fits_the_screen(page)
        no_serious_accessibility_findings(page)
        shot(page, f"display-calls-{width}x{height}")

        page.goto(f"{base}/display/{center}/zones/{hall['idle']}/")
        expect(page.locator("body")).to_have_attribute("data-live", "live")
        expect(page.locator("[data-idle]")).to_be_visible()
        expect(page.locator("[data-idle]")).to_contain_text("请在等候区就座")
        expect(page.locator(".current-call")).to_have_count(0)
        expect(page.locator("[data-notices]")).to_be_hidden()
        assert fits_the_screen(page)
        no_serious_accessibility_findings(page)
        shot(page, f"display-idle-{width}x{height}")
        context.close()
