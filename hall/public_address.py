"""Links a phone follows from outside the hall's network (a slip's QR code, an SMS, a licence copy's QR code): a path
of the hall made absolute on HALL_PUBLIC_URL. The address a request came in on is an intranet one, so it is never
used for these."""

from django.conf import settings


def absolute_public_url(path: str) -> str:
    return settings.HALL_PUBLIC_URL.rstrip("/") + path
