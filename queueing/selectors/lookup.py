"""A lost number found again at the kiosk: today's numbers in this centre taken with an identity number or a mobile.

The answer is the same whether the person is unknown to the hall or simply holds no number today, so the kiosk
tells nobody who has been here; and it is the holder's own numbers only, by the keyed hash of what they typed."""

import re

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from hall import identity, pii
from hall.parsing import ascii_form
from queueing.models import Ticket

# Numbers a citizen may still need a slip for: in line, on the way to a window, or missed and able to come back.
FINDABLE = (Ticket.Status.WAITING, Ticket.Status.CALLED, Ticket.Status.NO_SHOW)


def holder_key(text: str) -> tuple[str, str]:
    """("id_number" | "mobile", the keyed hash) of what was typed, or a ValidationError saying what to type."""
    typed = "".join(ascii_form(text or "").split()).upper()
    if re.fullmatch(r"[0-9]{11}", typed):
        return "mobile", pii.blind_index("mobile", identity.validate_mobile(typed))
    if len(typed) == 18:
        return "id_number", pii.blind_index("id_number", identity.validate_id_number(typed))
    raise ValidationError(
        _("Enter the 18-character identity card number or the 11-digit mobile number the number was taken with."),
        code="holder_key",
    )


def tickets_held_today(*, center_id: int, text: str) -> list[Ticket]:
    """Today's findable numbers in the centre taken with the identity number or mobile in `text`, oldest first."""
    kind, digest = holder_key(text)
    rows = Ticket.objects.filter(center_id=center_id, service_date=timezone.localdate(), status__in=FINDABLE)
    rows = rows.filter(identity_hash=digest) if kind == "id_number" else rows.filter(mobile_hash=digest)
    return list(rows.select_related("queue__zone").order_by("issued_at", "id"))
