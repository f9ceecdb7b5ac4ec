import inspect
from pathlib import Path

import pytest
from channels.db import database_sync_to_async
from django.db import connections

HERE = Path(__file__).parent


@pytest.fixture
async def close_the_sync_threads_connections():
    """Consumers query from Channels' sync thread; close its connection so the test database can be dropped."""
    yield
    await database_sync_to_async(connections.close_all)()


def pytest_collection_modifyitems(items):
    # Only the websocket tests (coroutines) use that thread. Sync tests stay free of async fixtures, which cannot run
    # while the browser tests' Playwright session holds an event loop in the main thread.
    for item in items:
        function = getattr(item, "function", None)
        if function is not None and inspect.iscoroutinefunction(function) and HERE in Path(item.fspath).parents:
            item.add_marker(pytest.mark.usefixtures("close_the_sync_threads_connections"))
