"""The evaluator (评价器) at a window, in Chromium at a tablet's size (1280×800): paired with its token, idle with the
clerk's card, the rating screen when the clerk finishes a ticket, thanks, and the review stored."""

import base64
import json

import pytest
import requests
from playwright.sync_api import expect

from queueing.management.demo_data import DEMO_PASSWORD
from tests.browser.accessibility import no_serious_accessibility_findings

pytestmark = pytest.mark.browser

TABLET = {"width": 1280, "height": 800}
# The smallest PNG there is (one pixel): enough for the idle card to show a photo rather than the initial.
PIXEL_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)

# A specialized window of the demo hall that no other test uses (they take the general ones), CLERK signed in with a
# photo, and an evaluator and a window terminal registered at it; printed as JSON for the test.
SET_UP = """
import base64, json
from django.contrib.auth import get_user_model
from accounts.services import staff_photo_set
from queueing import services
from queueing.models import Device, Window, WindowSession
from queueing.services.devices import device_register
clerk = get_user_model().objects.get(username=CLERK)
window = (Window.objects.filter(center__code="DEMO", kind="specialized", queue_links__isnull=False)
          .exclude(pk__in=WindowSession.objects.filter(ended_at__isnull=True).values("window"))
          .order_by("-number").first())
services.window_sign_in(window=window, clerk=clerk)
staff_photo_set(user=clerk, data=base64.b64decode(PHOTO))
def register(name, *may):
    device = Device(center=window.center, name=name, capabilities=list(may), window=window)
    device.full_clean(exclude=["token_prefix", "token_hash"])
    return device_register(device=device)
print(json.dumps({
    "window": window.pk, "number": window.number, "queue": window.queue_links.first().queue_id,
    "evaluator": register("评价器 E2E", "evaluate"), "terminal": register("窗口终端 E2E", "call", "issue"),
    "staff_number": clerk.staff_number,
}))
"""
NO_REVIEW_OF = """
from evaluations.models import Review
print("none" if not Review.objects.filter(ticket_id={ticket}).exists() else "some")
"""
REVIEW_OF = """
from evaluations.models import Review
review = Review.objects.get(ticket_id={ticket})
print(f"{{review.channel}} {{review.level}} {{','.join(review.tags)}} {{review.clerk.username}}")
"""

# A bad review, given by SMS link today, of a ticket clerk01 served at window 1 yesterday (written as the history
# holds it, so today's figures of the shared demo hall stay as they are); prints the review's id.
BAD_REVIEW = """
import datetime
from django.contrib.auth import get_user_model
from django.utils import timezone
from evaluations.services.reviews import rated_ticket, review_submit
from queueing.models import Ticket, Window
window = Window.objects.get(center__code="DEMO", number=1)
queue = window.queue_links.first().queue
yesterday = timezone.localtime() - datetime.timedelta(days=1)
sequence = 900 + Ticket.objects.filter(queue=queue, service_date=yesterday.date(), sequence__gte=900).count()
ticket = Ticket.objects.create(
    center=window.center, queue=queue, service_date=yesterday.date(), sequence=sequence,
    number=f"{queue.prefix}{sequence}",
    channel=Ticket.Channel.KIOSK, status=Ticket.Status.FINISHED, issued_at=yesterday, queued_at=yesterday,
    first_called_at=yesterday, called_at=yesterday, finished_at=yesterday + datetime.timedelta(minutes=12),
    window=window, clerk=get_user_model().objects.get(username="clerk01"),
)
review = review_submit(rated=rated_ticket(ticket), channel="sms", level=1, tags=["attitude"], comment="等了很久")
print(review.pk)
"""


def shell(hall_server, code: str) -> str:
    return hall_server.shell(code).strip().splitlines()[-1]


def serve_one_ticket(base: str, hall: dict) -> dict:
    """The clerk's side, through the window terminal's API: a number taken, called, served and finished."""
    http = requests.Session()
    http.headers["Authorization"] = f"Bearer {hall['terminal']}"
    ticket = http.post(f"{base}/api/v1/tickets/", json={"queue": hall["queue"]}, timeout=10)
    assert ticket.status_code == 201, ticket.text
    called = http.post(f"{base}/api/v1/windows/{hall['window']}/call-next/", json={}, timeout=10)
    assert called.status_code == 200, called.text
    ticket_id = called.json()["id"]
    for step in ("start", "finish"):
        done = http.post(f"{base}/api/v1/tickets/{ticket_id}/{step}/", json={}, timeout=10)
        assert done.status_code == 200, done.text
    return called.json()


def test_the_evaluator_pairs_shows_the_clerk_and_takes_a_review(browser, hall_server, shot):
    base = hall_server.base
    photo = base64.b64encode(PIXEL_PNG).decode()
    hall = json.loads(shell(hall_server, f"PHOTO = {photo!r}\nCLERK = 'clerk07'\n" + SET_UP))
    context = browser.new_context(locale="zh-CN", viewport=TABLET, has_touch=True)
    page = context.new_page()

    # Not paired yet: the pairing form. A wrong token is refused in words and pairs nothing.
    page.goto(f"{base}/evaluator/")
    page.fill("#id_token", "hdt_not-a-token")
    page.get_by_role("button", name="配对").click()
    expect(page.locator("#token-error")).to_contain_text("不是窗口评价器的令牌")
    no_serious_accessibility_findings(page)
    page.fill("#id_token", hall["evaluator"])
    page.get_by_role("button", name="配对").click()

    # Idle: who serves at this window.
    expect(page.locator("[data-clerk-name]")).to_have_text("吴芳")
    expect(page.locator("[data-clerk-number]")).to_have_text(f"工号 {hall['staff_number']}")
    expect(page.locator("[data-photo-box] img")).to_be_visible()
    expect(page.locator("body")).to_have_attribute("data-live", "live")
    shot(page, "evaluator-idle-1280x800")
    no_serious_accessibility_findings(page)

    # The clerk finishes a ticket: the rating screen comes by itself, with the number.
    called = serve_one_ticket(base, hall)
    expect(page.locator("[data-view=rate]")).to_be_visible(timeout=5000)
    expect(page.locator("[data-rate-number]")).to_have_text(called["number"])
    expect(page.locator(".ev-face")).to_have_count(5)
    page.locator(".ev-face", has_text="不满意").first.tap()
    expect(page.locator("[data-tags=bad]")).to_be_visible()
    expect(page.locator("[data-tags=good]")).to_be_hidden()
    page.locator("[data-tags=bad] .ev-tag", has_text="解释不清").tap()
    shot(page, "evaluator-rating-1280x800")
    no_serious_accessibility_findings(page)
    # Nothing on the rating screen is cut off or needs scrolling at the tablet's size.
    assert page.evaluate("document.documentElement.scrollHeight") <= TABLET["height"]
    page.get_by_role("button", name="提交评价").tap()

    expect(page.locator(".ev-thanks-text")).to_be_visible()
    shot(page, "evaluator-thanks-1280x800")
    assert shell(hall_server, REVIEW_OF.format(ticket=called["id"])) == "evaluator 2 unclear clerk07"
    # Thanks, then idle again (HALL_EVALUATOR_THANKS_SECONDS), the review's outbox emptied.
    expect(page.locator("[data-view=idle]")).to_be_visible(timeout=10000)
    assert page.evaluate("localStorage.getItem('hall-evaluator-outbox')") == "[]"

    # Portrait tablets too: the faces stay in one row, nothing cut off.
    page.set_viewport_size({"width": 800, "height": 1280})
    unrated = serve_one_ticket(base, hall)
    expect(page.locator("[data-view=rate]")).to_be_visible(timeout=5000)
    shot(page, "evaluator-rating-800x1280")
    assert page.evaluate("document.documentElement.scrollWidth") <= 800
    context.close()

    # The citizen walked away without rating: the link (QR code, SMS) opens the review on a phone.
    link = shell(hall_server, f"from evaluations.links import review_path; print(review_path({unrated['id']}, 'sms'))")
    phone = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, has_touch=True).new_page()
    phone.goto(base + link)
    expect(phone.get_by_role("heading", name="评价本次服务")).to_be_visible()
    expect(phone.locator("[data-tags]").first).to_be_hidden()  # tags follow the chosen level
    phone.get_by_label("满意", exact=True).check()
    expect(phone.locator("[data-tags=good]")).to_be_visible()
    phone.get_by_label("办事快").check()
    phone.fill("#id_comment", "<b>很好</b>")
    no_serious_accessibility_findings(phone)
    shot(phone, "review-phone-390x844")
    phone.get_by_role("button", name="提交评价").click()
    expect(phone.locator(".rv-thanks")).to_have_text("该服务已经评价过了，谢谢您。")
    expect(phone.locator(".rv-comment")).to_have_text("<b>很好</b>")
    shot(phone, "review-phone-done-390x844")
    assert shell(hall_server, REVIEW_OF.format(ticket=unrated["id"])) == "sms 4 quick clerk07"


def test_offline_the_evaluator_says_so_keeps_the_review_and_sends_it_when_back(browser, hall_server, shot):
    base = hall_server.base
    photo = base64.b64encode(PIXEL_PNG).decode()
    hall = json.loads(shell(hall_server, f"PHOTO = {photo!r}\nCLERK = 'clerk08'\n" + SET_UP))
    page = browser.new_context(locale="zh-CN", viewport=TABLET, has_touch=True).new_page()
    network = {"up": True}
    open_routes = []

    def through(route):
        # The evaluator's socket passes here: on to the hall while the network is up, refused while it is down.
        if not network["up"]:
            route.close()
            return
        route.connect_to_server()
        open_routes.append(route)

    page.route_web_socket("**/ws/evaluator/", through)
    page.goto(f"{base}/evaluator/")
    page.fill("#id_token", hall["evaluator"])
    page.get_by_role("button", name="配对").click()
    expect(page.locator("body")).to_have_attribute("data-live", "live")
    called = serve_one_ticket(base, hall)
    expect(page.locator("[data-rate-number]")).to_have_text(called["number"], timeout=5000)

    network["up"] = False  # the tablet's network drops
    for route in open_routes:
        route.close()
    expect(page.locator(".ev-offline")).to_be_visible()
    shot(page, "evaluator-offline-1280x800")
    page.locator(".ev-face", has_text="非常满意").tap()
    page.get_by_role("button", name="提交评价").tap()
    expect(page.locator(".ev-thanks-text")).to_be_visible()
    assert len(json.loads(page.evaluate("localStorage.getItem('hall-evaluator-outbox')"))) == 1
    assert shell(hall_server, NO_REVIEW_OF.format(ticket=called["id"])) == "none"

    network["up"] = True  # back: the tablet reconnects by itself and sends what it kept
    expect(page.locator("body")).to_have_attribute("data-live", "live", timeout=45000)
    for _ in range(50):
        if page.evaluate("localStorage.getItem('hall-evaluator-outbox')") == "[]":
            break
        page.wait_for_timeout(200)
    assert page.evaluate("localStorage.getItem('hall-evaluator-outbox')") == "[]"
    assert shell(hall_server, REVIEW_OF.format(ticket=called["id"])) == "evaluator 5  clerk08"


def test_the_supervisor_follows_a_bad_review_up(browser, hall_server, shot):
    """A bad review from a link lands on the supervisor's desk; its page records the verification."""
    base = hall_server.base
    made = hall_server.shell(BAD_REVIEW).strip().splitlines()[-1]
    page = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 768}).new_page()
    page.goto(f"{base}/accounts/login/?next=/reviews/rectifications/")
    page.fill("#id_username", "supervisor")
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("form:has(#id_username) button[type=submit]")
    row = page.get_by_test_id("rectifications").locator("tr", has_text="非常不满意").first
    expect(row).to_contain_text("核实并联系")
    no_serious_accessibility_findings(page)
    shot(page, "review-desk-1366x768")
    page.goto(f"{base}/reviews/{made}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("非常不满意")
    no_serious_accessibility_findings(page)
    page.fill("#id_text", "已电话联系群众，核实为高峰期等候过久")
    page.get_by_role("button", name="登记本环节").click()
    expect(page.locator(".messages")).to_contain_text("已保存")
    expect(page.get_by_role("heading", level=2).first).to_contain_text("已核实")
    shot(page, "review-detail-1366x768")


def test_the_review_figures_pages_read_well_on_screen_paper_and_phone(browser, hall_server, shot):
    base = hall_server.base
    hall_server.shell(BAD_REVIEW)
    page = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 768}).new_page()
    page.goto(f"{base}/accounts/login/?next=/stats/reviews/")
    page.fill("#id_username", "supervisor")
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("form:has(#id_username) button[type=submit]")
    expect(page.get_by_test_id("kpi-reviews")).not_to_have_text("0")
    no_serious_accessibility_findings(page)
    shot(page, "review-stats-1366x768")
    page.emulate_media(media="print")
    expect(page.locator(".history-filters")).to_be_hidden()  # the monthly report prints without its controls
    shot(page, "review-stats-print")

    phone = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}).new_page()
    phone.goto(f"{base}/reviews/results/")
    expect(phone.get_by_test_id("results-bad")).to_contain_text("非常不满意")
    no_serious_accessibility_findings(phone)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    shot(phone, "review-results-390x844")
