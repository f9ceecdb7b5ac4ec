"""The admin reads entirely in Chinese for a Chinese administrator: the permission lists (stored in English by
Django), the app list's hidden headers, and every model's name."""

import re

import pytest
from django.apps import apps
from django.utils import translation

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"
    return client


def test_permissions_are_named_in_chinese_in_the_group_and_user_forms(admin_client):
    for url in ("/admin/auth/group/add/", f"/admin/accounts/user/{UserFactory(username='u1').pk}/change/"):
        page = admin_client.get(url).content.decode()
        assert "可添加中心" in page and "可查看叫号屏公告" in page
        assert not re.search(r"Can (add|change|delete|view) ", page), url


def test_the_index_has_no_english_header_and_every_model_has_a_chinese_name(admin_client):
    page = admin_client.get("/admin/").content.decode()
    assert "Model name" not in page and "模型名称" in page
    with translation.override("zh-hans"):
        english = [
            model._meta.label
            for model in apps.get_models()
            if model._meta.app_label not in ("contenttypes", "sessions", "admin")
            and re.fullmatch(r"[A-Za-z0-9 _-]+", str(model._meta.verbose_name))
        ]
    assert not english, english
