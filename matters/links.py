"""What the guide offers next to a matter (take a number, book a slot): the apps above register their links at
start-up; the guide never names their pages."""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class MatterLink:
    label: str
    url: str
    primary: bool = False


_providers: list[Callable] = []


def register_matter_links(provider: Callable[[object], list[MatterLink]]) -> None:
    """`provider(matter)` returns the links for that matter (none when it offers nothing for it)."""
    if provider not in _providers:
        _providers.append(provider)


def matter_links(matter) -> list[MatterLink]:
    return [link for provider in _providers for link in provider(matter)]
