"""The community station's page on a desktop screen: the worker of the demo station finds a queue of the district
hall by pinyin initials, takes a number for a citizen, and prints the slip; numbers are never shown in full."""

import re
import secrets

import pytest
from playwright.sync_api import expect

from hall import identity
from queueing.management.demo_data import DEMO_PASSWORD

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1366, "height": 768}


def a_new_identity_number() -> str:
    """An identity number nobody in the shared demo hall has used today (the per-person limits apply)."""
    first17 = "33010219850312" + f"{secrets.randbelow(1000):03d}"
    return first17 + identity.id_number_check_char(first17)


def test_the_station_worker_takes_a_number_for_a_citizen(browser, hall_server, shot):
    id_number, mobile = a_new_identity_number(), "139" + f"{secrets.randbelow(10**8):08d}"
    context = browser.new_context(locale="zh-CN", viewport=DESKTOP)
    page = context.new_page()
    page.goto(f"{hall_server.base}/accounts/login/?next=/station/")
    page.fill("#id_username", "station1")
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("main button[type=submit]")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.locator("#station-hall")).to_have_value(re.compile(r"\d+"))
    expect(page.locator("[data-station-show]")).to_be_hidden()  # the hall chooser submits by itself

    # A mistyped identity number: refused, nothing kept in full, the chosen queue still chosen.
    page.locator("[data-station-query]").fill("bdc")
    realty = page.locator("label.station-queue", has_text="不动产登记")
    expect(realty).to_be_visible()
    expect(page.locator("label.station-queue", has_text="商事登记")).to_be_hidden()
    realty.click()
    page.fill("#station-id", id_number[:-1] + ("0" if id_number[-1] != "0" else "1"))
    page.fill("#station-mobile", mobile)
    page.click("[data-station-submit]")
    expect(page.get_by_test_id("id-errors")).to_be_visible()
    expect(page.locator("label.station-queue", has_text="不动产登记").locator("input")).to_be_checked()
    assert id_number[:-1] not in page.content() and mobile not in page.content()
    expect(page.locator("#station-id")).to_have_value("")
    shot(page, "station-refused")

    page.fill("#station-id", id_number)
    page.select_option("#station-priority", "disabled")
    shot(page, "station-form")
    page.click("[data-station-submit]")

    expect(page.get_by_test_id("ticket-number")).to_have_text(re.compile(r"^B\d{3,}$"))
    expect(page.get_by_test_id("priority")).to_be_visible()
    expect(page.get_by_test_id("sms")).to_contain_text(identity.mask_mobile(mobile))
    expect(page.get_by_text(identity.mask_id_number(id_number))).to_be_visible()
    expect(page.get_by_test_id("live-link")).to_have_attribute("href", re.compile(r"/t/"))
    expect(page.locator("svg.kiosk-qr")).to_be_visible()
    assert id_number not in page.content() and mobile not in page.content()
    shot(page, "station-result")

    # Printed: the slip alone, 80 mm wide, black on white.
    page.emulate_media(media="print")
    expect(page.locator(".topbar")).to_be_hidden()
    expect(page.locator(".station-done")).to_be_hidden()
    expect(page.locator(".station-slip")).to_be_visible()
    assert page.locator(".station-slip").evaluate("n => n.getBoundingClientRect().width") <= 303
    assert page.locator(".station-slip .number").evaluate("n => getComputedStyle(n).color") == "rgb(0, 0, 0)"
    shot(page, "station-print")
    page.emulate_media(media="screen")

    # Next citizen: back to the form of the same hall, with a new key.
    page.get_by_test_id("again").click()
    expect(page.locator("[data-station-form]")).to_be_visible()
    context.close()
