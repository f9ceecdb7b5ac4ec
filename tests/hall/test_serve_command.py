"""`manage.py serve`: the links it makes (SMS, slips) point where it serves unless HALL_PUBLIC_URL says otherwise, and
its guide names every screen."""

import io

import pytest
from django.core.management import call_command

from dashboards.management.commands import serve


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
