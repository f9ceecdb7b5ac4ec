"""A page whose database went away in the middle of the request says so, in the reader's language, with a 503 the
browser may retry; any other unhandled error keeps the plain "something went wrong" page."""

import pytest
from django.db import OperationalError
from django.test import Client

from dashboards.selectors import screens as screen_list  # the front page's list of screens


class _Unreachable:
    class objects:  # stands in for the model's manager
        @staticmethod
        def order_by(*fields):
            raise OperationalError("server closed the connection unexpectedly")


class _Broken:
    class objects:
        @staticmethod
        def order_by(*fields):
            raise ValueError("a bug")


@pytest.fixture
def browser_client():
    return Client(raise_request_exception=False)


@pytest.mark.django_db
def test_a_page_whose_database_went_away_is_a_503_in_the_readers_language(browser_client, monkeypatch):
    monkeypatch.setattr(screen_list, "Center", _Unreachable)
    chinese = browser_client.get("/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert chinese.status_code == 503 and chinese["Retry-After"] == "5"
    assert "系统暂时不可用，请稍后再试。" in chinese.content.decode()
    assert '<html lang="zh-hans">' in chinese.content.decode()
    english = browser_client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert "The hall is briefly unavailable; please try again in a moment." in english.content.decode()
    assert '<html lang="en">' in english.content.decode()  # so a screen reader reads it in English


@pytest.mark.django_db
def test_any_other_unhandled_error_is_the_plain_500_page(browser_client, monkeypatch):
    monkeypatch.setattr(screen_list, "Center", _Broken)
    response = browser_client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 500 and "Retry-After" not in response
    assert "Something went wrong" in response.content.decode()
