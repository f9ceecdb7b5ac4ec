"""Kiosk appointment check-in (预约签到): the citizen types the check-in code of today's appointment on the kiosk's
keypad and gets the same slip as a number taken at the kiosk. Thin: validate → `services.appointment_check_in`."""

import re
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from centers.models import Center
from hall.audit import client_address
from hall.errors import DomainError, user_message
from hall.idempotency import idempotent, parse_key
from hall.parsing import parse_code
from hall.ratelimit import ensure_within_rate
from queueing import services
from queueing.links import kiosk_ticket_token

CHECK_IN_CODE_RE = re.compile(r"[0-9]{6}")  # what `appointment_book` hands out


def _prints(request) -> bool:
    return request.POST.get("print") == "1"


def _back_to_check_in(center: Center, *, prints: bool):
    """The kiosk's start screen with the check-in sheet open again, showing the message."""
    query = {"checkin": "1"} | ({"print": "1"} if prints else {})
    return redirect(f"{reverse('queueing:kiosk', kwargs={'center_id': center.pk})}?{urlencode(query)}")


@sensitive_post_parameters("code")
@require_POST
def kiosk_check_in(request, center_id: int):
    """Check in today's appointment by its code; refusals go back to the check-in sheet and change nothing."""
    center = get_object_or_404(Center, pk=center_id)
    prints = _prints(request)
    try:
        code = parse_code(
            re.sub(r"\s", "", request.POST.get("code", "")),
            pattern=CHECK_IN_CODE_RE,
            message=_("Enter the 6-digit check-in code of your appointment."),
        )
    except ValidationError as error:
        messages.error(request, user_message(error))
        return _back_to_check_in(center, prints=prints)

    def check_in():
        ensure_within_rate(
            scope="kiosk-check-in",
            key=client_address(request) or "-",
            limit=settings.HALL_KIOSK_ISSUE_LIMIT_PER_MINUTE,
            period=60,
            message=_("Too many check-ins from this device; please wait a minute."),
        )
        return services.appointment_check_in(center_id=center.pk, code=code)

    try:
        # A double tap or a retried POST gets the slip of the first one, without counting against the device's rate.
        ticket = idempotent(
            scope="kiosk-check-in",
            request=request,
            key=parse_key(request.POST.get("idempotency_key")),
            body={"center": center.pk, "code": code},
            action=check_in,
        )
    except (DomainError, ValidationError) as error:
        messages.error(request, user_message(error))
        return _back_to_check_in(center, prints=prints)
    url = reverse("queueing:kiosk_ticket", kwargs={"center_id": center.pk, "token": kiosk_ticket_token(ticket)})
    return redirect(f"{url}?{urlencode({'kiosk': '1'} | ({'print': '1'} if prints else {}))}")
