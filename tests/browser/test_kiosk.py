"""The kiosk in Chromium on its portrait touch screen: search by pinyin initials on the on-screen keyboard, skip the
identity step, get the slip with its QR code; then the slip as an 80 mm thermal printer sees it."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

TOUCH_TARGET = 88  # px, the smallest a finger hits reliably


def assert_touch_targets(page, selector):
    for box in [b.bounding_box() for b in page.locator(selector).all() if b.is_visible()]:
        assert box["height"] >= TOUCH_TARGET and box["width"] >= TOUCH_TARGET, (selector, box)


def type_on_screen(page, letters):
    for letter in letters:
        page.locator(f'[data-key="{letter}"]').tap()


def test_search_by_initials_skip_the_id_step_and_get_the_slip(browser, hall_server, demo_center_id, shot):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1080, "height": 1920}, has_touch=True)
    page = context.new_page()
    page.goto(f"{hall_server.base}/kiosk/{demo_center_id}/")
    expect(page.locator("button.kiosk-queue", has_text="不动产登记")).to_be_visible()
    assert_touch_targets(page, ".kiosk-key")
    assert_touch_targets(page, "button.kiosk-queue")

    type_on_screen(page, "bdc")
    expect(page.locator(".kiosk-query")).to_have_value("bdc")
    expect(page.locator("[data-kiosk-zones]")).to_be_hidden()
    found = page.locator(".kiosk-result:visible")
    expect(found.first).to_contain_text("不动产登记")
    realty = page.locator('.kiosk-result[data-matter=""]:visible', has_text="不动产登记")
    expect(realty).to_have_count(1)
    names = found.locator(".kiosk-name").all_inner_texts()
    assert names and all("不动产" in name for name in names), names  # 商事登记, 社保医保 … are filtered out
    assert_touch_targets(page, ".kiosk-result:visible")
    shot(page, "kiosk-search")

    # Backspace and clear on the keyboard; initials of words further in the name; full pinyin.
    page.locator('[data-key="backspace"]').tap()
    expect(page.locator(".kiosk-query")).to_have_value("bd")
    page.locator('[data-key="clear"]').tap()
    expect(page.locator("[data-kiosk-zones]")).to_be_visible()
    type_on_screen(page, "gs")
    names = found.locator(".kiosk-name").all_inner_texts()
    assert {"个体工商户设立登记", "有限责任公司设立登记", "工伤认定"} <= set(names), names
    assert "商事登记" not in names  # shanG Shi: not across the middle of syllables
    page.locator('[data-key="clear"]').tap()
    type_on_screen(page, "budongchan")
    expect(realty).to_have_count(1)
    page.locator('[data-key="clear"]').tap()
    type_on_screen(page, "bdc")

    realty.tap()
    step = page.locator("[data-kiosk-step]")
    expect(step).to_be_visible()
    expect(step.locator("#kiosk-id-title")).to_be_visible()
    expect(step.locator("[data-kiosk-chosen]")).to_have_text("不动产登记")
    for digit in "1101":
        step.locator(f'[data-digit="{digit}"]').tap()
    expect(step.locator("[data-kiosk-id]")).to_have_value("1101")
    expect(step.locator("[data-kiosk-confirm]")).to_be_disabled()  # 18 characters or nothing
    assert_touch_targets(page, "[data-kiosk-step] button")
    shot(page, "kiosk-id-step")
    step.locator("[data-kiosk-skip]").tap()

    number = page.get_by_test_id("ticket-number")
    expect(number).to_have_text(re.compile(r"^B\d{3,}$"))
    qr = page.locator("svg.kiosk-qr")
    expect(qr).to_be_visible()
    box = qr.bounding_box()
    assert box["width"] >= 150 and abs(box["width"] - box["height"]) < 1
    expect(page.locator("body")).to_have_attribute("data-return-after", "20")
    expect(page.locator("[data-kiosk-print]")).to_be_visible()
    assert "1101" not in page.content()
    shot(page, "kiosk-slip")

    # The 80 mm thermal printer: 302 CSS px wide, print media, black on white, only the slip.
    slip_url = page.url
    printer = context.new_page()
    printer.set_viewport_size({"width": 302, "height": 900})
    printer.emulate_media(media="print")
    printer.goto(slip_url)
    expect(printer.locator(".kiosk-head")).to_be_hidden()
    expect(printer.locator(".kiosk-slip-actions")).to_be_hidden()
    expect(printer.locator("svg.kiosk-qr")).to_be_visible()
    expect(printer.get_by_text("请留意叫号屏幕和语音呼叫")).to_be_visible()
    assert printer.locator(".kiosk-slip .number").evaluate("n => getComputedStyle(n).color") == "rgb(0, 0, 0)"
    assert printer.evaluate("() => getComputedStyle(document.body).backgroundColor") == "rgb(255, 255, 255)"
    width = printer.locator(".kiosk-slip").evaluate("n => n.getBoundingClientRect().width")
    assert width <= 303, width  # 80 mm
    shot(printer, "kiosk-slip-print")
    # Printed to PDF with the page size the CSS asks for: 80 mm (226.8 pt) wide.
    media_box = re.search(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", printer.pdf(prefer_css_page_size=True))
    assert abs(float(media_box.group(1)) - 80 / 25.4 * 72) < 1, media_box.group(0)
    context.close()


def test_the_elderly_mode_enlarges_the_kiosk(browser, hall_server, demo_center_id):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1080, "height": 1920})
    page = context.new_page()
    page.goto(f"{hall_server.base}/kiosk/{demo_center_id}/")
    normal = page.locator(".kiosk-queue").first.evaluate("n => parseFloat(getComputedStyle(n).fontSize)")
    context.add_cookies([{"name": "hall_elderly", "value": "1", "url": hall_server.base}])
    page.reload()
    expect(page.locator("body")).to_have_class(re.compile(r"\belderly\b"))
    larger = page.locator(".kiosk-queue").first.evaluate("n => parseFloat(getComputedStyle(n).fontSize)")
    assert larger > normal
    context.close()


def test_a_double_tap_takes_one_number(browser, hall_server, demo_center_id):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1080, "height": 1920})
    page = context.new_page()
    numbers = []
    for _ in range(2):
        page.goto(f"{hall_server.base}/kiosk/{demo_center_id}/")
        page.locator("button.kiosk-queue", has_text="税务").click()
        page.locator("[data-kiosk-skip]").dblclick()
        numbers.append(page.get_by_test_id("ticket-number").inner_text().strip())
    first, second = (int(re.sub(r"\D", "", n)) for n in numbers)
    assert second == first + 1, numbers  # the double tap of the first person made one ticket
    context.close()
