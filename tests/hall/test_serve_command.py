"""`manage.py serve`: the links it makes (SMS, slips) point where it serves unless HALL_PUBLIC_URL says otherwise, and
its guide names every screen."""

import datetime
import io

import pytest
import time_machine
from django.core.management import call_command

from centers.models import WorkdayOverride
from dashboards.management.commands import serve
from queueing.management.demo_traffic import DEMO_OPEN_DAY_NOTE


@pytest.fixture
def served(monkeypatch, settings):
    calls = []
    monkeypatch.setattr(serve.uvicorn, "run", lambda *args, **kwargs: calls.append(kwargs))
    settings.HALL_PUBLIC_URL = "http://localhost:8000"
    return calls


@pytest.mark.django_db
def test_links_point_where_the_hall_serves(served, settings, monkeypatch):
    monkeypatch.delenv("HALL_PUBLIC_URL", raising=False)
    out = io.StringIO()
    call_command("serve", "--no-demo", "--no-migrate", "--port", "8123", stdout=out)
    assert settings.HALL_PUBLIC_URL == "http://127.0.0.1:8123"
    assert served[0]["port"] == 8123
    guide = out.getvalue()
    for screen in ("/evaluator/", "/stats/reviews/", "/reviews/results/", "/reviews/rectifications/"):
        assert screen in guide


@pytest.mark.django_db
def test_an_operator_s_public_url_is_kept(served, settings, monkeypatch):
    monkeypatch.setenv("HALL_PUBLIC_URL", "https://hall.example.gov.cn")
    settings.HALL_PUBLIC_URL = "https://hall.example.gov.cn"
    call_command("serve", "--no-demo", "--no-migrate", "--port", "8124", stdout=io.StringIO())
    assert settings.HALL_PUBLIC_URL == "https://hall.example.gov.cn"


def test_a_wildcard_host_is_named_by_the_machine():
    assert serve.public_url(host="0.0.0.0", port=8000).endswith(":8000")
    assert "0.0.0.0" not in serve.public_url(host="0.0.0.0", port=8000)


def test_the_guide_lines_up_chinese_names_by_the_columns_they_take():
    assert serve.padded("Big screen", 14) == "Big screen    "
    assert serve.padded("叫号屏: 税务", 14) == "叫号屏: 税务  "  # five wide characters, two narrow: twelve columns
    assert serve.padded("很长的名字" * 4, 10) == "很长的名字" * 4


@pytest.mark.django_db
def test_the_guide_says_when_the_demo_opened_a_day_off(served, monkeypatch):
    sunday = datetime.date(2026, 12, 6)
    WorkdayOverride.objects.create(day=sunday, is_working_day=True, note=DEMO_OPEN_DAY_NOTE)
    out = io.StringIO()
    with time_machine.travel(datetime.datetime(2026, 12, 6, 3, 0, tzinfo=datetime.UTC), tick=False):
        call_command("serve", "--no-migrate", "--port", "8125", stdout=out)
    assert "Today is a day off: the demo opened it as a working day" in out.getvalue()
