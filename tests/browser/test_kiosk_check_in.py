"""Appointment check-in on the kiosk's portrait touch screen: the entry on the start screen, the code typed on the
keypad, a refused code shown in large text, then the slip of the appointment's priority ticket."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

TOUCH_TARGET = 88  # px, the smallest a finger hits reliably
KIOSK = {"width": 1080, "height": 1920}

# Run inside the hall (its own database and keys): a citizen booked into a slot of queue A starting now, and a code
# that no appointment of today has.
MAKE_APPOINTMENT = """
import datetime, secrets
from django.utils import timezone
from accounts.models import CitizenProfile, User
from hall import identity
from queueing.models import Appointment, AppointmentSlot, Queue
now = timezone.localtime().replace(second=0, microsecond=0)
queue = Queue.objects.get(center__code="DEMO", prefix="A")
slot, _ = AppointmentSlot.objects.get_or_create(
    queue=queue, date=now.date(), starts_at=now.time(),
    defaults={"ends_at": (now + datetime.timedelta(minutes=30)).time(), "capacity": 4})
first17 = "11010519800101" + f"{secrets.randbelow(1000):03d}"
user = User.objects.create(username="checkin-" + secrets.token_hex(4), kind="citizen")
id_number = first17 + identity.id_number_check_char(first17)
profile = CitizenProfile.objects.create(user=user, real_name="赵云", id_number=id_number)
used = set(Appointment.objects.filter(slot__date=now.date()).values_list("code", flat=True))
code, unknown = sorted(c for c in (f"{secrets.randbelow(10**6):06d}" for _ in range(20)) if c not in used)[:2]
Appointment.objects.create(slot=slot, citizen=user, identity_hash=profile.id_number_hash, code=code)
print("CODES", code, unknown)
"""


def make_appointment(hall_server) -> tuple[str, str]:
    out = hall_server.shell(MAKE_APPOINTMENT)
    _label, code, unknown = next(line for line in out.splitlines() if line.startswith("CODES")).split()
    return code, unknown


def assert_touch_targets(page, selector):
    boxes = [b.bounding_box() for b in page.locator(selector).all() if b.is_visible()]
    assert boxes, selector
    for box in boxes:
        assert box["height"] >= TOUCH_TARGET and box["width"] >= TOUCH_TARGET, (selector, box)


def type_code(page, code):
    for digit in code:
        page.locator(f'[data-code-key="{digit}"]').tap()


def test_check_in_on_the_keypad_gives_the_appointment_slip(browser, hall_server, demo_center_id, shot):
    code, unknown = make_appointment(hall_server)
    context = browser.new_context(locale="zh-CN", viewport=KIOSK, has_touch=True)
    page = context.new_page()
    page.goto(f"{hall_server.base}/kiosk/{demo_center_id}/")

    entry = page.locator("[data-kiosk-checkin-open]")
    expect(entry).to_be_visible()
    assert_touch_targets(page, "[data-kiosk-checkin-open]")
    assert entry.bounding_box()["width"] > KIOSK["width"] * 0.8  # big: as wide as the screen
    shot(page, "kiosk-check-in-entry")
    entry.tap()

    sheet = page.locator("[data-kiosk-checkin]")
    expect(sheet).to_be_visible()
    expect(page.locator("[data-kiosk-keyboard]")).to_be_hidden()  # the letter keyboard is not for this step
    confirm = sheet.locator("[data-kiosk-checkin-confirm]")
    expect(confirm).to_be_disabled()
    assert_touch_targets(page, "[data-kiosk-checkin] button")

    # A code nobody booked: refused in large text on the kiosk, the sheet open again, nothing issued.
    type_code(page, unknown)
    expect(sheet.locator("[data-kiosk-code]")).to_have_value(unknown)
    expect(confirm).to_be_enabled()
    confirm.tap()
    refusal = page.get_by_test_id("check-in-refusal")
    expect(refusal).to_be_visible()
    expect(sheet).to_be_visible()
    assert float(refusal.evaluate("n => parseFloat(getComputedStyle(n).fontSize)")) >= 26
    shot(page, "kiosk-check-in-refused")

    # The right code, with a slip of the finger corrected on the way.
    page.locator('[data-code-key="9"]').tap()
    expect(refusal).to_be_hidden()  # a new attempt
    page.locator('[data-code-key="backspace"]').tap()
    type_code(page, code)
    expect(sheet.locator("[data-kiosk-code]")).to_have_value(code)
    expect(sheet.locator(".kiosk-code-box.is-filled")).to_have_count(6)
    shot(page, "kiosk-check-in")
    confirm.tap()

    expect(page.get_by_test_id("ticket-number")).to_have_text(re.compile(r"^A\d{3,}$"))
    expect(page.get_by_test_id("priority")).to_contain_text("预约")
    expect(page.locator("svg.kiosk-qr")).to_be_visible()
    expect(page.locator("body")).to_have_attribute("data-return-after", "20")
    assert code not in page.content()
    shot(page, "kiosk-check-in-slip")

    # Elderly mode: the same sheet, larger.
    page.goto(f"{hall_server.base}/kiosk/{demo_center_id}/")
    page.locator("[data-kiosk-checkin-open]").tap()
    normal = page.locator(".kiosk-code-box").first.evaluate("n => n.getBoundingClientRect().height")
    context.add_cookies([{"name": "hall_elderly", "value": "1", "url": hall_server.base}])
    page.goto(f"{hall_server.base}/kiosk/{demo_center_id}/?checkin=1")
    expect(page.locator("body")).to_have_class(re.compile(r"\belderly\b"))
    expect(page.locator("[data-kiosk-checkin]")).to_be_visible()
    type_code(page, "12")
    larger = page.locator(".kiosk-code-box").first.evaluate("n => n.getBoundingClientRect().height")
    assert larger > normal
    assert_touch_targets(page, "[data-kiosk-checkin] button")
    shot(page, "kiosk-check-in-elderly")
    # Back closes the sheet and the start screen is as before.
    page.locator("[data-kiosk-checkin-close]").tap()
    expect(page.locator("[data-kiosk-checkin]")).to_be_hidden()
    expect(page.locator("[data-kiosk-keyboard]")).to_be_visible()
    assert "checkin=1" not in page.url
    context.close()
