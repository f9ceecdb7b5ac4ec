import pytest
from channels.db import database_sync_to_async
from django.db import connections


@pytest.fixture(autouse=True)
async def close_the_sync_threads_connections():
    """Consumers query from Channels' sync thread; close its connection so the test database can be dropped."""
    yield
    await database_sync_to_async(connections.close_all)()
