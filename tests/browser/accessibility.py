"""axe-core (shipped inside the axe-playwright-python package: nothing downloaded) over a page as it stands."""

import json

from axe_playwright_python.sync_playwright import Axe

# WCAG 2.1 A and AA, the level a government site is held to.
WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


def serious_findings(page) -> list:
    results = Axe().run(page, options=WCAG_21_AA)
    return [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]


def no_serious_accessibility_findings(page) -> None:
    serious = serious_findings(page)
    assert not serious, json.dumps([(v["id"], [n["target"] for n in v["nodes"]]) for v in serious], ensure_ascii=False)
