import pytest

from tests.factories import QueueFactory, WindowFactory, clerk_of


@pytest.fixture
def queue(db):
    return QueueFactory(prefix="A", name="商事登记")


@pytest.fixture
def window(queue):
    return WindowFactory(center=queue.center, zone=queue.zone, number=5, serves=[queue])


@pytest.fixture
def clerk(queue):
    return clerk_of(queue.center)
