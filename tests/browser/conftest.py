import os
from pathlib import Path

import pytest

from tests.embedded_server import ROOT

SHOTS = Path(os.environ.get("HALL_SCREENSHOT_DIR", ROOT / "var" / "screenshots"))


@pytest.fixture
def shot():
    SHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name):
        page.screenshot(path=str(SHOTS / f"{name}.png"))

    return take
