"""Transaction-scoped named locks: serialise writers that share no row to lock (one person's issues, one
recipient's messages, one centre's counters). PostgreSQL advisory locks, released at commit or rollback; SQLite needs
none, as the hall begins every write transaction IMMEDIATE and so runs writers one at a time."""

from django.db import connection


def lock_for_transaction(name: str, *, shared: bool = False) -> None:
    """Hold the lock `name` until the current transaction ends. Shared holders run together and exclude an
    exclusive holder."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {lock_expression(shared=shared)}", [name])


def lock_expression(*, shared: bool) -> str:
    """The SQL that takes the lock named by its one parameter: a statement that must run under the lock anyway can
    take it in its FROM clause (`SELECT … FROM <this>`) and save a round trip (PostgreSQL only)."""
    function = "pg_advisory_xact_lock_shared" if shared else "pg_advisory_xact_lock"
    return f"{function}(hashtextextended(%s, 0))"
