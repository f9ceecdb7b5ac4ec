"""Tests that need something outside Python skip with a reason, except in CI, where they must run."""

import os

import pytest


def require(condition: bool, reason: str) -> None:
    if condition:
        return
    if os.environ.get("HALL_REQUIRE_ALL") == "1":
        pytest.fail(f"required in this run but missing: {reason}")
    pytest.skip(reason)
