"""Screens say when their data is stale and come back by themselves when the server returns."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_display_shows_stale_mark_while_server_is_down_and_recovers(browser, hall_server, demo_center_id, shot):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1920, "height": 1080})
    page = context.new_page()
    page.goto(f"{hall_server.base}/display/{demo_center_id}/")
    body = page.locator("body")
    expect(body).to_have_attribute("data-live", "live")
    stale_mark = page.locator(".stale-mark")
    expect(stale_mark).to_be_hidden()

    hall_server.stop()
    expect(body).to_have_attribute("data-live", "stale", timeout=5000)
    expect(stale_mark).to_be_visible()
    expect(stale_mark).to_have_text("连接中断——数据可能不是最新")
    shot(page, "display-stale")

    hall_server.start()
    expect(body).to_have_attribute("data-live", "live", timeout=20000)
    expect(stale_mark).to_be_hidden()
    context.close()
