"""The links of the staff top bar. Apps register their own pages at start-up (AppConfig.ready), so the shared
layout never names an app's URL; each link says who sees it."""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class NavLink:
    label: str
    url_name: str
    order: int
    shown_to: Callable[[object], bool]


_links: list[NavLink] = []


def register_link(*, label: str, url_name: str, order: int, shown_to: Callable[[object], bool]) -> None:
    if any(link.url_name == url_name for link in _links):
        return  # ready() may run twice in a test process
    _links.append(NavLink(label=label, url_name=url_name, order=order, shown_to=shown_to))


def staff_links(request) -> dict:
    """Context processor: the links the signed-in member of staff may follow."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or getattr(user, "kind", "") != "staff":
        return {"nav_links": []}
    links = sorted((link for link in _links if link.shown_to(user)), key=lambda link: link.order)
    return {"nav_links": [{"label": link.label, "url": reverse(link.url_name)} for link in links]}
