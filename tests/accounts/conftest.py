import re

import pytest
from django.core.cache import cache

from hall.notifications import backends


@pytest.fixture(autouse=True)
def sms_outbox(settings, eager_celery):
    """Messages go to a list; rate-limit counters start from zero."""
    settings.HALL_SMS_BACKEND = "hall.notifications.backends.LocmemSmsBackend"
    backends.reset_locmem()
    cache.clear()
    yield backends.outbox
    backends.reset_locmem()
    cache.clear()


@pytest.fixture
def zh(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"
    return client


def last_code(outbox) -> str:
    return re.search(r"\d{6}", outbox[-1].text).group()
