"""Keyboard shortcuts on the clerk's page, pressed once its scripts ran: the page's script comes last in the page and
binds the keys, and after each action the page is new; its socket being live says the script ran."""

from playwright.sync_api import expect


def press(page, key: str) -> None:
    expect(page.locator("body")).to_have_attribute("data-live", "live")
    page.keyboard.press(key)
