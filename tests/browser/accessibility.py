"""axe-core (shipped inside the axe-playwright-python package: nothing downloaded) over a page as it stands."""

import json

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

# WCAG 2.1 A and AA, the level a government site is held to.
WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


def serious_findings(page) -> list:
    # A live page is dimmed (marked stale) until its socket has delivered the first snapshot: measure it as people
    # see it once it is live, not in the moment before (under load, that moment is long enough for axe).
    expect(page.locator('body[data-live="stale"]')).to_have_count(0, timeout=15_000)
    results = Axe().run(page, options=WCAG_21_AA)
    return [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]


def no_serious_accessibility_findings(page) -> None:
    serious = serious_findings(page)
    assert not serious, json.dumps([(v["id"], [n["target"] for n in v["nodes"]]) for v in serious], ensure_ascii=False)


# Elderly mode (适老化): no text under 18 px and no touch target under 44 × 44 px, measured as the browser lays out.
MIN_TEXT_PX, MIN_TARGET_PX = 18, 44
_MEASURE = """([minText, minTarget]) => {
  const shown = e => { const r = e.getBoundingClientRect(), s = getComputedStyle(e);
    return r.width > 0 && r.height > 0 && s.visibility !== "hidden" && s.display !== "none"; };
  const small = [], tiny = [];
  for (const e of document.querySelectorAll("body *")) {
    const text = [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
    if (text && shown(e) && parseFloat(getComputedStyle(e).fontSize) < minText) {
      const said = e.textContent.trim().slice(0, 20);
      small.push(`${e.tagName.toLowerCase()}.${e.className} ${getComputedStyle(e).fontSize} “${said}”`);
    }
  }
  const targets = "a[href], button, input:not([type=hidden]), select, textarea, summary, [role=button]";
  for (const e of document.querySelectorAll(targets)) {
    const r = e.getBoundingClientRect();
    if (shown(e) && (r.width < minTarget || r.height < minTarget)) {
      const said = (e.textContent || e.value || "").trim().slice(0, 16);
      tiny.push(`${e.tagName.toLowerCase()}.${e.className} ${Math.round(r.width)}×${Math.round(r.height)} “${said}”`);
    }
  }
  return {small, tiny};
}"""


def too_small_for_elderly(page) -> dict:
    """Texts under 18 px and touch targets under 44 × 44 px on the page as laid out."""
    return page.evaluate(_MEASURE, [MIN_TEXT_PX, MIN_TARGET_PX])
