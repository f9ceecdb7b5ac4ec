"""The big screen (大屏) and the city overview in Chromium.

A call shows on the big screen within a second, without a reload (on the shared demo hall, as clerk12 at a free
pickup window); the stale mark shows while the server is away and goes when it is back (on a hall of this module's
own, which it may stop); screenshots at 1920×1080 and 3840×2160 of a busy morning, with nothing cut off; and alerts,
sent in the centre's language, worded in each screen's own.
"""

import json
import os
import re
import time
import urllib.request

import pytest
from playwright.sync_api import expect

from queueing.management.demo_data import DEMO_CENTER_CODE, DEMO_PASSWORD
from tests.embedded_server import OPEN_ALL_DAY_EVERY_DAY, HallServer, manage

pytestmark = pytest.mark.browser

SIZES = [(1920, 1080), (3840, 2160)]

# A busy morning in the demo hall of this module's own server: clerks at 13 windows and a tidal window opened by the
# supervisor, ~150 tickets spread over the hours before now, some served, one window paused, one queue's intake
# paused, and the alert scans run (queue warnings, long waits; a queue warning acknowledged).
BUSY_MORNING = (
    f"OPEN_ALL_DAY_EVERY_DAY = {OPEN_ALL_DAY_EVERY_DAY!r}\n"
    + """
import datetime, random
from django.contrib.auth import get_user_model
from django.utils import timezone
from dashboards.models import Alert
from dashboards.services import alerts as alert_services, scans
from queueing import services
from centers.models import Center
from queueing.models import Queue, Ticket, Window

rng = random.Random(7)
Queue.objects.update(**OPEN_ALL_DAY_EVERY_DAY)
users = {u.username: u for u in get_user_model().objects.all()}
demo = Center.objects.get(code="DEMO")
queues = {q.prefix: q for q in Queue.objects.filter(center=demo)}
windows = {w.number: w for w in Window.objects.filter(center=demo)}
supervisor = users["supervisor"]
now = timezone.now()
midnight = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
start = max(midnight, now - datetime.timedelta(hours=8))
seats = {1: "clerk01", 2: "clerk02", 3: "center_admin", 5: "clerk03", 6: "clerk04", 9: "clerk05", 11: "clerk06",
         13: "clerk07", 14: "clerk08", 16: "clerk09", 19: "clerk10", 20: "clerk11", 25: "clerk12"}
for number, username in seats.items():
    services.window_sign_in(window=windows[number], clerk=users[username])
services.tidal_window_open(window=windows[22], queues=[queues["A"], queues["B"]], supervisor=supervisor,
                           clerk=supervisor)
for prefix, count in {"A": 46, "B": 26, "C": 34, "D": 14, "E": 10, "F": 5, "G": 8, "H": 3}.items():
    for _ in range(count):
        services.ticket_issue(queue=queues[prefix], channel=Ticket.Channel.KIOSK)
tickets = list(Ticket.objects.filter(center=demo).order_by("pk"))
for i, ticket in enumerate(tickets):
    at = start + (now - start) * (i / len(tickets) * 0.97)
    Ticket.objects.filter(pk=ticket.pk).update(issued_at=at, queued_at=at)
staffed = {n: users[u] for n, u in seats.items() if n != 11}
staffed[22] = supervisor
for round_ in range(4):
    for number, clerk in staffed.items():
        ticket = services.window_call_next(window=Window.objects.get(pk=windows[number].pk), clerk=clerk)
        if ticket is not None and round_ < 3:
            services.ticket_finish(ticket=ticket, clerk=clerk)
for ticket in Ticket.objects.filter(center=demo, called_at__isnull=False):
    called = min(ticket.queued_at + datetime.timedelta(minutes=rng.randint(6, 28)),
                 now - datetime.timedelta(minutes=rng.randint(1, 14)))
    fields = {"called_at": called}
    if ticket.status == Ticket.Status.FINISHED:
        fields["finished_at"] = min(called + datetime.timedelta(minutes=rng.randint(4, 16)), now)
    Ticket.objects.filter(pk=ticket.pk).update(**fields)
services.window_pause(window=Window.objects.get(pk=windows[11].pk), clerk=users["clerk06"], reason="系统维护")
services.queue_intake_pause(queue=queues["H"], supervisor=supervisor, reason="帮办人员外出")
scans.alerts_scan_wait_timeouts()
scans.alerts_scan_long_services()
scans.alerts_scan_load()
taken = Alert.objects.filter(center=demo, kind=Alert.Kind.QUEUE_LOAD, severity="yellow").order_by("id").first()
alert_services.alert_acknowledge(alert_id=taken.pk, user=supervisor)
"""
)


@pytest.fixture(scope="module")
def own_hall(tmp_path_factory):
    """A second embedded hall, with a busy morning: this module stops and starts it, the shared one stays up."""
    var = tmp_path_factory.mktemp("big-screen-hall")
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(HALL_VAR_DIR=str(var), HALL_SNAPSHOT_PERIOD="2", HALL_INPROCESS_JOBS="1", PYTHONUNBUFFERED="1")
    manage("migrate", "-v0", env=env)
    manage("load_demo", "--quiet", "--no-traffic", env=env)
    manage("shell", "-c", BUSY_MORNING, env=env)
    server = HallServer(env=env, var=var)
    server.start()
    yield server
    server.stop()


def center_id_of(base: str, code: str = DEMO_CENTER_CODE) -> int:
    with urllib.request.urlopen(f"{base}/api/v1/centers/?format=json", timeout=5) as response:
        return next(c["id"] for c in json.load(response) if c["code"] == code)


def login(page, base, username, next_path):
    page.goto(f"{base}/accounts/login/?next={next_path}")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"**{next_path}")


def csrf_headers(context) -> dict:
    token = next(c["value"] for c in context.cookies() if c["name"] == "csrftoken")
    return {"X-CSRFToken": token}


def test_a_call_shows_on_the_big_screen_within_a_second_without_reloading(browser, hall_server, demo_center_id):
    base, center_id = hall_server.base, demo_center_id
    supervisor = browser.new_context(locale="zh-CN", viewport={"width": 1920, "height": 1080})
    screen = supervisor.new_page()
    login(screen, base, "supervisor", f"/screen/{center_id}/")
    expect(screen.locator("body")).to_have_attribute("data-live", "live")
    screen.evaluate("window.__sameDocument = true")
    navigations = []
    screen.on("framenavigated", lambda frame: navigations.append(frame.url) if frame == screen.main_frame else None)

    # clerk12, this test's own clerk, at a pickup window nobody else uses (browser tests share one hall).
    clerk = browser.new_context(locale="zh-CN")
    login(clerk.new_page(), base, "clerk12", "/clerk/")
    api = f"{base}/api/v1"
    pickup = clerk.request.get(f"{api}/centers/{center_id}/queues/").json()
    queue = next(q for q in pickup if q["prefix"] == "G")
    candidates = [w for w in clerk.request.get(f"{api}/centers/{center_id}/windows/").json() if w["kind"] == "pickup"]
    window = None
    for candidate in candidates:
        if clerk.request.post(f"{api}/windows/{candidate['id']}/sign-in/", headers=csrf_headers(clerk)).ok:
            window = candidate
            break
    assert window is not None, "no free pickup window in the shared hall"
    tile = screen.locator(f'[data-window="{window["number"]}"]')
    expect(tile).to_have_class(re.compile(r"\bstate-open\b"), timeout=2000)

    issued_before = int(screen.locator('[data-total="issued"]').inner_text())
    token = hall_server.register_device(center_id, "issue")
    kiosk = browser.new_context(extra_http_headers={"Authorization": f"Bearer {token}"})
    ticket = kiosk.request.post(f"{api}/tickets/", data={"queue": queue["id"], "channel": "kiosk"})
    assert ticket.status == 201, ticket.text()
    number = ticket.json()["number"]
    expect(screen.locator('[data-total="issued"]')).not_to_have_text(str(issued_before), timeout=1000)

    for _ in range(10):  # tickets of G left waiting by other tests are served first
        called = clerk.request.post(f"{api}/windows/{window['id']}/call-next/", headers=csrf_headers(clerk))
        assert called.status == 200, called.text()
        started = time.monotonic()
        current = called.json()
        expect(tile.locator("[data-ticket]")).to_have_text(current["number"], timeout=1000)
        assert time.monotonic() - started < 1.0
        if current["number"] == number:
            break
        clerk.request.post(f"{api}/tickets/{current['id']}/finish/", headers=csrf_headers(clerk))
    expect(tile.locator("[data-ticket]")).to_have_text(number)
    expect(tile.locator(".bs-elapsed")).to_contain_text("0:0")  # the service timer runs from the call
    assert screen.evaluate("window.__sameDocument") is True and navigations == []

    clerk.request.post(f"{api}/tickets/{current['id']}/finish/", headers=csrf_headers(clerk))
    clerk.request.post(f"{api}/windows/sign-out/", headers=csrf_headers(clerk))
    expect(tile).to_have_attribute("data-level", "closed", timeout=2000)
    for context in (supervisor, clerk, kiosk):
        context.close()


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_screenshots_of_a_busy_morning_fit_the_screen(browser, own_hall, shot, width, height):
    base, center_id = own_hall.base, center_id_of(own_hall.base)
    context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": height})
    page = context.new_page()
    login(page, base, "supervisor", f"/screen/{center_id}/")
    expect(page.locator("body")).to_have_attribute("data-live", "live")
    expect(page.locator(".bs-tile")).to_have_count(26)
    expect(page.locator(".bs-alert").first).to_be_visible()
    page.wait_for_timeout(500)  # the chart's first paint
    page.wait_for_function("() => document.fonts.status === 'loaded'")
    fits = page.evaluate(
        """() => {
        const doc = document.documentElement;
        const outside = [...document.querySelectorAll('.bs-tile, .bs-figure, .bs-panel')]
            .map(el => el.getBoundingClientRect())
            .filter(r => r.bottom > innerHeight + 1 || r.right > innerWidth + 1).length;
        const clipped = [...document.querySelectorAll('.bs-ticket.num, .bs-figure strong, .bs-wno')]
            .filter(el => el.scrollWidth > el.clientWidth + 1).length;
        return {scrolls: doc.scrollHeight > innerHeight || doc.scrollWidth > innerWidth, outside, clipped};
    }"""
    )
    assert fits == {"scrolls": False, "outside": 0, "clipped": 0}
    # Read from ten metres: the centre figures and the tickets at the windows are large.
    # Measured in one step in the page: the tiles are drawn again with every snapshot, and a handle taken first
    # may be gone by the time it is measured.
    height_of = "el => el.getBoundingClientRect().height"
    figure = page.locator('[data-total="issued"]').evaluate(height_of)
    ticket = page.locator(".bs-tile.has-ticket .bs-ticket").first.evaluate(height_of)
    assert figure > height * 0.045 and ticket > height * 0.03
    # Levels, tidal, paused windows and the other apps' empty figures are shown as such.
    expect(page.locator('[data-window="11"]')).to_contain_text("系统维护")
    expect(page.locator('[data-window="22"] .bs-tidal-badge')).to_be_visible()
    expect(page.locator('[data-figure="satisfaction_today"]')).to_have_text("—")  # nobody has rated today yet
    expect(page.locator('[data-figure-note="satisfaction_today"]')).to_be_hidden()
    expect(page.locator('[data-figure-note="licence_calls_today"]')).to_be_hidden()
    for figure in ("cases_today", "cases_concluded_today", "cases_yellow", "cases_red", "licence_calls_today"):
        expect(page.locator(f'[data-figure="{figure}"]')).to_have_text(re.compile(r"^[0-9]+$"))
    # Who took an alert shows under it. The scans keep raising alerts while the hall runs, and newer ones push
    # older ones out of the panel: the alert checked is the first one shown, taken now if nobody has yet.
    first = page.locator(".bs-alert").first
    alert_id = first.get_attribute("data-alert")
    if "is-acknowledged" not in (first.get_attribute("class") or ""):
        taken = page.request.post(
            f"{base}/console/{center_id}/alerts/{alert_id}/acknowledge/",
            headers=csrf_headers(context),
            max_redirects=0,
        )
        assert taken.status == 302, taken.text()
    expect(page.locator(f'.bs-alert[data-alert="{alert_id}"] .bs-alert-ack')).to_be_visible()
    shot(page, f"big-screen-{width}x{height}")

    page.goto(f"{base}/screen/overview/")
    first = page.locator(".ov-center").first
    expect(first).to_contain_text("示范区政务服务中心")  # the supervisor's centre first, its sub-sites after it
    assert page.locator(".ov-center").count() >= 2
    assert page.evaluate("document.documentElement.scrollHeight <= innerHeight")
    shot(page, f"overview-{width}x{height}")
    first.click()
    expect(page.locator("body.big-screen")).to_have_attribute("data-live", "live")  # drill-down to the big screen
    context.close()


def test_stale_mark_while_the_server_is_away_and_gone_when_it_is_back(browser, own_hall, shot):
    base, center_id = own_hall.base, center_id_of(own_hall.base)
    context = browser.new_context(locale="zh-CN", viewport={"width": 1920, "height": 1080})
    screen = context.new_page()
    login(screen, base, "supervisor", f"/screen/{center_id}/")
    overview = context.new_page()
    overview.goto(f"{base}/screen/overview/")
    marks = [page.locator(".stale-mark") for page in (screen, overview)]
    expect(screen.locator("body")).to_have_attribute("data-live", "live")
    for mark in marks:
        expect(mark).to_be_hidden()

    own_hall.stop()
    expect(screen.locator("body")).to_have_attribute("data-live", "stale", timeout=5000)
    expect(overview.locator("body")).to_have_attribute("data-live", "stale", timeout=12000)  # a poll every 5 s
    for mark in marks:
        expect(mark).to_be_visible()
        expect(mark).to_have_text("连接中断——数据可能不是最新")
        assert mark.bounding_box()["height"] > 1080 * 0.03  # large enough to see across the hall
    shot(screen, "big-screen-stale")
    shot(overview, "overview-stale")

    own_hall.start()
    expect(screen.locator("body")).to_have_attribute("data-live", "live", timeout=20000)
    expect(overview.locator("body")).to_have_attribute("data-live", "live", timeout=12000)
    for mark in marks:
        expect(mark).to_be_hidden()
    context.close()


# A long wait raised now, in another process than the server's and in zh-hans: the server's screens get it with their
# next snapshot (every 2 s here), its subject written in Chinese.
LONG_WAIT_NOW = """
import datetime, json
from django.utils import timezone, translation
from dashboards.models import Alert
from dashboards.services import scans
from queueing import services

translation.activate("zh-hans")
queue = Queue.objects.get(center__code="DEMO", prefix="G")
ticket = services.ticket_issue(queue=queue, channel=Ticket.Channel.KIOSK)
Ticket.objects.filter(pk=ticket.pk).update(queued_at=timezone.now() - datetime.timedelta(minutes=40))
scans.alerts_scan_wait_timeouts()
alert = Alert.objects.get(kind=Alert.Kind.WAIT_TIMEOUT, ticket=ticket)
print(json.dumps({"id": alert.pk, "number": ticket.number, "queue": queue.name, "subject": alert.subject}))
"""


def test_an_alert_raised_in_chinese_is_worded_in_the_language_of_each_big_screen(browser, own_hall, shot):
    """The socket's alerts are in the centre's language; each page words their kind and subject in its own, from
    the alert's facts, in the snapshot and in a change alike."""
    base, center_id = own_hall.base, center_id_of(own_hall.base)
    context = browser.new_context(locale="en-US", viewport={"width": 1920, "height": 1080})
    page = context.new_page()
    login(page, base, "supervisor", f"/screen/{center_id}/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("body")).to_have_attribute("data-live", "live")
    raised = json.loads(own_hall.shell(LONG_WAIT_NOW).strip().splitlines()[-1])
    assert raised["subject"] == f"{raised['number']}（{raised['queue']}）已等候 40 分钟"
    in_english = f"{raised['number']} ({raised['queue']}) has waited 40 minutes"

    row = page.locator(f".bs-alert[data-alert='{raised['id']}']")
    expect(row.locator(".bs-alert-subject")).to_have_text(in_english, timeout=5000)
    expect(row.locator(".bs-alert-kind")).to_have_text("Long wait")
    expect(page.locator(".bs-alert-kind", has_text="Queue warning").first).to_be_visible()
    expect(page.locator(".bs-alerts")).not_to_contain_text(re.compile("已等候|等候超时|号段预警"))

    # A change comes as a delta, built once for every supervisor's screen in zh-hans: still worded in English.
    acknowledge = f"{base}/console/{center_id}/alerts/{raised['id']}/acknowledge/"
    acknowledged = page.request.post(acknowledge, headers=csrf_headers(context), max_redirects=0)
    assert acknowledged.status == 302, acknowledged.text()
    expect(row).to_have_class(re.compile(r"\bis-acknowledged\b"), timeout=2000)
    expect(row.locator(".bs-alert-subject")).to_have_text(in_english)
    expect(row.locator(".bs-alert-kind")).to_have_text("Long wait")
    shot(page, "big-screen-en-1920x1080")

    # The language switch (as the base layout's) turns the same screen Chinese.
    switched = page.request.post(
        f"{base}/i18n/setlang/", form={"language": "zh-hans"}, headers=csrf_headers(context), max_redirects=0
    )
    assert switched.status == 302
    page.reload()
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(row.locator(".bs-alert-subject")).to_have_text(raised["subject"])
    expect(row.locator(".bs-alert-kind")).to_have_text("等候超时")
    expect(page.locator(".bs-alerts")).not_to_contain_text(re.compile("has waited|Long wait|Queue warning"))
    context.close()
