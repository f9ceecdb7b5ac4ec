"""Transaction-scoped named locks: serialise writers that share no row to lock (one person's issues, one
recipient's messages, one centre's counters). PostgreSQL advisory locks, released at commit or rollback; SQLite needs
none, as the hall begins every write transaction IMMEDIATE and so runs writers one at a time."""

from django.db import connection


def lock_for_transaction(name: str, *, shared: bool = False) -> None:
    """Hold the lock `name` until the current transaction ends. Shared holders run together and exclude an
    exclusive holder."""
    if connection.vendor != "postgresql":
        return
    function = "pg_advisory_xact_lock_shared" if shared else "pg_advisory_xact_lock"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {function}(hashtextextended(%s, 0))", [name])
