import os

import pytest

from tests.chromium import browser  # noqa: F401 (one browser for the browser and system tests)
from tests.embedded_server import demo_center_id, hall_server  # noqa: F401 (fixtures for browser and system tests)
from tests.factories import QueueFactory, WindowFactory, clerk_of, device_client, device_token

# Whole directories that start servers or browsers: slow by nature, like the tests marked `slow`.
_SLOW_DIRECTORIES = ("browser", "system")


def pytest_collection_modifyitems(config, items):
    """A developer's plain `pytest` leaves the slow tests out (browsers, servers, many threads); CI runs every test
    (HALL_REQUIRE_ALL=1), and so does HALL_RUN_SLOW=1."""
    if "1" in (os.environ.get("HALL_REQUIRE_ALL"), os.environ.get("HALL_RUN_SLOW")):
        return
    skip = pytest.mark.skip(reason="slow: CI runs it; HALL_RUN_SLOW=1 runs it here")
    for item in items:
        if item.get_closest_marker("slow") or item.path.parent.name in _SLOW_DIRECTORIES:
            item.add_marker(skip)


@pytest.fixture
def queue(db):
    return QueueFactory(prefix="A", name="商事登记")


@pytest.fixture
def window(queue):
    return WindowFactory(center=queue.center, zone=queue.zone, number=5, serves=[queue])


@pytest.fixture
def clerk(queue):
    return clerk_of(queue.center)


@pytest.fixture
def kiosk(queue):
    """An API client of a kiosk of `queue`'s centre, with its device token."""
    return device_client(device_token(queue.center))


@pytest.fixture(autouse=True, scope="session")
def private_channel_prefix():
    """Pub/sub on a shared Redis ignores database numbers: each test run talks on channels of its own."""
    from channels.layers import channel_layers
    from django.conf import settings

    if settings.REDIS_URL:
        settings.CHANNEL_LAYERS["default"]["CONFIG"]["prefix"] = f"hall-test-{os.getpid()}"
        channel_layers.backends.clear()
        settings.HALL_SCREENS_PREFIX = f"hall-test-{os.getpid()}:screens:"


@pytest.fixture(autouse=True, scope="session")
def inline_fanout():
    """Screens and phones are told at once, in the test's thread, also when REDIS_URL (CI's second run) would hand
    the events to a `run_fanout` process; tests of the fan-out itself switch the mode back."""
    from django.conf import settings

    settings.HALL_FANOUT = "inline"


@pytest.fixture
def eager_celery():
    """Tasks run in-process, as in the embedded hall, also when REDIS_URL (CI's second run) turns eagerness off."""
    from hall.celery import app

    saved = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager, app.conf.task_eager_propagates = True, True
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = saved
