"""找回号码: a citizen who lost the slip finds today's number again at the kiosk and prints it once more."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters

from centers.models import Center
from hall.audit import client_address
from hall.errors import DomainError, user_message
from hall.ratelimit import ensure_within_rate
from queueing.links import kiosk_ticket_token
from queueing.selectors.lookup import tickets_held_today

# A person looks up their own number once or twice; more from one kiosk in a minute is somebody trying numbers.
LOOKUPS_PER_MINUTE = 10


@sensitive_post_parameters("holder")
def kiosk_find(request, center_id: int):
    center = get_object_or_404(Center, pk=center_id)
    prints = (request.POST.get("print") or request.GET.get("print")) == "1"
    found = None
    if request.method == "POST":
        try:
            ensure_within_rate(
                scope="kiosk-find",
                key=client_address(request) or "-",
                limit=LOOKUPS_PER_MINUTE,
                period=60,
                message=_("Too many look-ups from this kiosk; please wait a minute."),
            )
            tickets = tickets_held_today(center_id=center.pk, text=request.POST.get("holder", ""))
        except (DomainError, ValidationError) as error:
            messages.error(request, user_message(error))
        else:
            found = [(ticket, _reprint_url(center.pk, ticket, prints)) for ticket in tickets]
    return render(request, "queueing/kiosk_find.html", {"center": center, "found": found, "prints": prints})


def _reprint_url(center_id: int, ticket, prints: bool) -> str:
    url = reverse("queueing:kiosk_ticket", args=[center_id, kiosk_ticket_token(ticket)])
    return f"{url}?kiosk=1&copy=1" + ("&print=1" if prints else "")
