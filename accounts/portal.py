"""The entries of the citizen portal's front page. Each app registers its own at start-up (AppConfig.ready): the
portal never names another app's pages."""

from dataclasses import dataclass


@dataclass(frozen=True)
class PortalEntry:
    title: str
    description: str
    url_name: str | None  # None: not open at this hall yet, shown as such
    needs_login: bool = False
    order: int = 100  # where citizens look for it: lower first


_entries: dict[str, PortalEntry] = {}


def register_entry(entry: PortalEntry) -> None:
    _entries[str(entry.title)] = entry


def registered_entries() -> list[PortalEntry]:
    return list(_entries.values())
