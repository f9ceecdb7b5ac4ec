"""Whom a member of staff is serving: the apps above register how to tell (queueing for the ticket at a clerk's
window, matters for a case in hand), and the registry asks them before it shows anyone's licences to staff."""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class ServedHolder:
    """The person a clerk is serving in a ticket or case, as the registry needs them."""

    holder_hash: str  # blank: the ticket or case carries no identity number
    context_kind: str
    context_id: int
    center_id: int | None = None
    department_id: int | None = None
    label: str = ""  # "号票 A012", "办件 …" for the page


# resolver(user, context_id) → the holder that user is serving in that ticket / case now, or None.
Resolver = Callable[[object, int], ServedHolder | None]
_resolvers: dict[str, Resolver] = {}


def register_serving_context(kind: str, resolver: Resolver) -> None:
    _resolvers[kind] = resolver


def serving_kinds() -> tuple[str, ...]:
    return tuple(_resolvers)


def served_holder(kind: str, *, user, context_id: int) -> ServedHolder | None:
    resolver = _resolvers.get(kind)
    return resolver(user, context_id) if resolver is not None else None
