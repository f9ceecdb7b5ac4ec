"""A case in Chromium, as it is lived: the citizen takes a number on the portal; the clerk calls it, opens a case
with the matter's checklist, asks for corrections, takes them in, concludes; the case gets a pickup number; the
citizen follows it on the portal (phone size) to "ready for pickup"."""

import re

from playwright.sync_api import expect

from queueing.management.demo_data import DEMO_PASSWORD
from tests.browser.keys import press


def staff_login(page, base, username, next_path):
    page.goto(f"{base}/accounts/login/?next={next_path}")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("main button[type=submit]")


def test_ticket_to_case_to_corrections_to_pickup_to_the_citizens_page(browser, hall_server, shot):
    base = hall_server.base
    phone = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True)
    citizen = phone.new_page()
    citizen.goto(f"{base}/portal/login/?next=/portal/take/")
    citizen.fill("#id_mobile", "13800000002")  # 李娜: browser tests share one hall, each has its own citizen
    citizen.fill("#id_password", DEMO_PASSWORD)
    citizen.click("main button[type=submit]")
    citizen.locator("section", has_text="示范区政务服务中心").locator(
        "button.portal-queue", has_text="商事登记"
    ).click()
    number = citizen.locator(".num").filter(has_text=re.compile(r"^A\d{3,}$")).first.inner_text().strip()

    desk = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 768})
    clerk = desk.new_page()
    staff_login(clerk, base, "clerk02", "/clerk/")
    windows = clerk.locator("tr", has_text="商事登记").filter(has=clerk.get_by_role("button", name="登录此窗口"))
    windows.first.get_by_role("button").click()
    expect(clerk.get_by_test_id("no-current")).to_be_visible()
    press(clerk, "n")
    current = clerk.get_by_test_id("current-number")
    for _ in range(15):  # serve whoever other tests left ahead in queue A
        expect(current).to_be_visible()
        if current.inner_text().strip() == number:
            break
        press(clerk, "f")
        expect(clerk.get_by_test_id("no-current")).to_be_visible()
        press(clerk, "n")
    expect(current).to_have_text(number)

    press(clerk, "c")  # the case page of the ticket in service
    clerk.select_option("#matter", label="食品经营许可证核发")
    clerk.get_by_role("button", name="显示材料清单").click()
    checklist = clerk.locator(".checklist-table")
    expect(checklist).to_contain_text("营业执照")
    # The applicant (a person) holds no business licence in the registry: it is received on paper.
    business_licence = checklist.locator("tr", has_text="营业执照")
    expect(business_licence).to_contain_text("无有效电子证照")
    business_licence.get_by_label("已收取").check()
    clerk.fill("#applicant_name", "李娜")
    shot(clerk, "case-checklist")
    clerk.get_by_role("button", name="受理", exact=True).click()
    expect(clerk.locator(".messages")).to_contain_text("已受理")
    case_number = clerk.locator("h1 .num").inner_text().strip()
    assert re.fullmatch(r"BJ\d{17}", case_number)
    expect(clerk.locator(".checklist li", has_text="营业执照")).to_contain_text("已收取")

    clerk.fill("#items", "请补充加盖公章的食品安全管理制度文本")
    clerk.get_by_role("button", name="一次性告知补正").click()
    expect(clerk.locator(".case-page")).to_contain_text("待补正")
    expect(clerk.get_by_role("button", name="办结")).to_have_count(0)  # not offered while the clock stands still
    clerk.get_by_role("button", name="收取补正材料").click()
    expect(clerk.locator(".messages")).to_contain_text("继续计算")
    clerk.get_by_role("button", name="办结").click()
    expect(clerk.locator(".messages")).to_contain_text("已办结")
    shot(clerk, "case-concluded")

    citizen.goto(f"{base}/portal/tickets/")
    expect(citizen.locator(".portal-ticket", has_text="统一出件")).to_contain_text(re.compile(r"G\d{3,}"))
    citizen.goto(f"{base}/portal/cases/")
    row = citizen.locator(".case-row", has_text=case_number)
    expect(row).to_contain_text("已办结")
    row.click()
    expect(citizen.locator("main")).to_contain_text("统一出件窗口领取")
    expect(citizen.locator(".case-history")).to_contain_text("一次性告知补正")
    assert citizen.evaluate("document.documentElement.scrollWidth") <= 390
    shot(citizen, "case-citizen-phone")
    phone.close()
    desk.close()
