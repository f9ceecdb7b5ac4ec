"""What the hall holds about a citizen, section by section, for the download PIPL gives them (Art. 45) and for the
deletion of their account (Art. 47). Each app registers the sections of its own records at start-up, with what a
deletion erases of them and what it keeps, and why: the account never names another app's tables."""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class DataSection:
    key: str
    title: str
    read: Callable[[object], list[dict]]  # the citizen's rows, as plain values
    erase: Callable[[object], None] | None  # what deletion removes; None: nothing of it is removed
    kept: str  # what deletion leaves, and why ("" when nothing is left)
    order: int = 100


_sections: dict[str, DataSection] = {}


def register_section(section: DataSection) -> None:
    _sections[section.key] = section


def registered_sections() -> list[DataSection]:
    return sorted(_sections.values(), key=lambda section: (section.order, section.key))
