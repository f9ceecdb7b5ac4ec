"""What the system tests share: the servers DATABASE_URL and REDIS_URL name, and a fresh database on the first."""

import os
import secrets
from contextlib import closing
from urllib.parse import urlsplit, urlunsplit

import psycopg2
import pytest

from tests.requirements import require


def with_path(url: str, path: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=path))


@pytest.fixture(scope="module")
def servers() -> tuple[str, str]:
    """DATABASE_URL and REDIS_URL. The embedded suite has neither and leaves this test to the PostgreSQL + Redis suite;
    given but unusable, it is skipped, or failed when HALL_REQUIRE_ALL=1 (CI)."""
    database_url, redis_url = os.environ.get("DATABASE_URL", ""), os.environ.get("REDIS_URL", "")
    if not database_url and not redis_url:
        pytest.skip("runs in the PostgreSQL + Redis suite (set DATABASE_URL and REDIS_URL)")
    require(
        database_url.startswith(("postgres://", "postgresql://")) and redis_url.startswith(("redis://", "rediss://")),
        "the system test needs DATABASE_URL (PostgreSQL) and REDIS_URL (Redis) to start the real topology",
    )
    return database_url, redis_url


@pytest.fixture(scope="module")
def fresh_database(servers):
    """A database of its own on the server of DATABASE_URL, dropped at the end."""
    name = f"hall_system_{secrets.token_hex(4)}"
    with closing(psycopg2.connect(with_path(servers[0], "/postgres"))) as admin:
        admin.autocommit = True
        with admin.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}"')
        try:
            yield with_path(servers[0], f"/{name}")
        finally:
            with admin.cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
