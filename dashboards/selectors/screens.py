"""Every screen of the hall in one list: the front page shows a visitor, a citizen or a member of staff the ones they
may open (by the same access rules the pages check), and `manage.py serve` prints them all."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.selectors import CenterAccess, center_access
from centers.models import Center
from evaluations.desk import answers_for_reviews


@dataclass(frozen=True)
class Screen:
    label: str
    url: str
    device: str = ""  # where it is meant to be opened


@dataclass(frozen=True)
class CenterScreens:
    center: Center
    screens: list[Screen]


class Everything:
    """Stands for "show every screen" (the server's start-up guide)."""


EVERYTHING = Everything()


def _opens(viewer, rule) -> bool:
    return viewer is EVERYTHING or rule(viewer)


def center_screens(viewer) -> list[CenterScreens]:
    """Per centre: kiosk, find-my-number and calling displays for anybody; big screen and console by the centre's
    rights. `viewer` is a CenterAccess or EVERYTHING."""
    result = []
    for center in Center.objects.order_by("level", "code").prefetch_related("zones"):
        screens = [
            Screen(_("Ticket kiosk"), reverse("queueing:kiosk", args=[center.pk]), _("kiosk, portrait")),
            Screen(_("Find my number"), reverse("queueing:kiosk_find", args=[center.pk]), _("kiosk, portrait")),
            Screen(_("Calling display"), reverse("dashboards:display", args=[center.pk]), _("hall TV")),
        ]
        screens += [
            Screen(
                _("Calling display: %(zone)s") % {"zone": zone.name},
                reverse("dashboards:zone_display", args=[center.pk, zone.pk]),
                _("hall TV"),
            )
            for zone in center.zones.all()
        ]
        everything = viewer is EVERYTHING
        if everything or viewer.sees(center.pk):
            screens.append(Screen(_("Big screen"), reverse("dashboards:screen", args=[center.pk]), _("wall screen")))
        if everything or viewer.supervises(center.pk):
            screens.append(Screen(_("Supervisor console"), reverse("dashboards:console", args=[center.pk])))
        result.append(CenterScreens(center, screens))
    return result


def citizen_screens(user=EVERYTHING) -> list[Screen]:
    """The public pages, and the citizen's own ones for anybody but staff (whose accounts are not citizens')."""
    own = user is EVERYTHING or user is None or not user.is_authenticated or getattr(user, "kind", "") != "staff"
    return [
        *(
            [
                Screen(_("Citizen portal"), reverse("accounts:portal"), _("phone")),
                Screen(_("Take a number from home"), reverse("queueing:portal_take"), _("phone")),
            ]
            if own
            else []
        ),
        Screen(_("Service guide"), reverse("matters:guide")),
        Screen(_("Verify an e-licence"), reverse("licenses:verify")),
        Screen(_("Review results"), reverse("evaluations:results")),
    ]


def staff_screens(viewer, user=None) -> list[Screen]:
    """The staff's pages `viewer` may open (EVERYTHING: all of them)."""

    def any_of(ids) -> bool:
        return ids is None or bool(ids)

    rules = [
        (_("Clerk workstation"), "queueing:workstation", lambda a: any_of(a.staffed_ids)),
        (_("Cases"), "matters:case_desk", lambda a: a.everywhere or bool(a.roles)),
        (_("Windows and their clerks"), "queueing:supervise_windows", lambda a: any_of(a.supervised_ids)),
        (_("Community station: take a number for a citizen"), "queueing:station", _works_at_a_station),
        (_("Bad reviews"), "evaluations:rectifications", lambda a: user is not None and answers_for_reviews(user)),
        (_("City overview"), "dashboards:overview", lambda a: any_of(a.seen_ids)),
        (_("Statistics"), "dashboards:history", lambda a: any_of(a.seen_ids)),
        (_("Case statistics"), "dashboards:case_stats", lambda a: any_of(a.seen_ids)),
        (_("Review statistics"), "dashboards:review_stats", lambda a: any_of(a.seen_ids)),
        (_("Use of e-licences"), "dashboards:license_stats", lambda a: any_of(a.seen_ids)),
        (_("Evaluator at the window"), "evaluations:evaluator", lambda a: any_of(a.supervised_ids)),
        (_("Administration"), "admin:index", lambda a: user is not None and user.is_staff),
    ]
    return [Screen(label, reverse(name)) for label, name, rule in rules if _opens(viewer, rule)]


def _works_at_a_station(access: CenterAccess) -> bool:
    """As the station page decides: a community station the user works at or oversees."""
    if access.everywhere:
        return True
    return Center.objects.filter(pk__in=access.seen_ids, level=Center.Level.COMMUNITY).exists()


def front_page(user) -> dict:
    """What the front page lists for `user`: only what they may open."""
    access = center_access(user)
    return {
        "centers": center_screens(access),
        "citizens": citizen_screens(user),
        "staff": staff_screens(access, user if user.is_authenticated else None),
    }
