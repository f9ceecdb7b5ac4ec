"""What a person sees for input no page can use: a username longer than any account's, a NUL in an address."""

import pytest
from axes.models import AccessAttempt

from accounts.models import User


@pytest.fixture
def admin_user(db):
    return User.objects.create_superuser("root-admin", password="Hall-2026-pw!")


@pytest.mark.parametrize("path", ["/accounts/login/", "/admin/login/"])
def test_a_username_longer_than_any_account_is_refused_on_the_form(client, db, path):
    response = client.post(path, {"username": "x" * 5000, "password": "whatever"})
    assert response.status_code == 200
    assert "用户名最多 150 个字符（现有 5000 个）。" in response.content.decode()
    # Nobody tried to sign in with it, so the failed sign-in log holds nothing (its column has 255 characters).
    assert not AccessAttempt.objects.exists()


def test_a_wrong_password_is_still_a_failed_sign_in(client, db):
    User.objects.create_user("m-clerk", password="Hall-2026-pw!", is_staff=True)
    response = client.post("/accounts/login/", {"username": "m-clerk", "password": "not-it"})
    assert response.status_code == 200
    assert AccessAttempt.objects.get().username == "m-clerk"


def test_a_nul_in_an_admin_filter_is_a_page_that_says_so(client, admin_user):
    client.force_login(admin_user)
    response = client.get("/admin/queueing/ticket/", {"status__exact": "a\x00b"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "无法读取请求" in page and "返回后重试" in page


def test_a_nul_in_an_api_query_is_answered_in_the_api_error_shape(client, db):
    response = client.get("/api/v1/queues/", {"center": "1\x00"})
    assert response.status_code == 400
    assert response.json() == {"detail": "无法读取请求。", "code": "bad_request"}


def test_an_address_without_nul_is_served(client, admin_user):
    client.force_login(admin_user)
    assert client.get("/admin/queueing/ticket/", {"status__exact": "waiting"}).status_code == 200
